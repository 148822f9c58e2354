"""The local trigger example of docs/LAMBDA_TRIGGERS.md, run as written with the AWS CLI against ministack and Cognate (both
already started by the fixtures: the example's own start lines are the only ones left out), the pool and
client IDs filled in from the commands' answers as a reader would."""
import json
import os
import re
import subprocess

from lambdas import lambda_endpoint, triggered  # noqa: F401 (fixtures)
from test_cli import AWS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def commands():
    readme = open(os.path.join(ROOT, "docs", "LAMBDA_TRIGGERS.md")).read()
    section = readme.split("A local Python trigger, with ministack:", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    out, current = [], ""
    for line in block.splitlines(keepends=True):
        current += line
        if not line.rstrip("\n").endswith("\\") and not (current.startswith("cat >") and "\nPY\n" not in current):
            out.append(current)
            current = ""
    return out


def test_the_readme_trigger_example_works_as_written(triggered, lambda_endpoint, tmp_path):
    steps = commands()
    assert steps[0].startswith("pip install ministack") and any(s.startswith("cognate --lambda-endpoint") for s in steps)
    env = dict(os.environ, AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x", AWS_DEFAULT_REGION="us-east-1",
               PATH=os.path.dirname(AWS) + os.pathsep + os.environ["PATH"])
    ids = {}
    answers = []
    for step in steps:
        if step.startswith(("pip install ministack", "cognate ")):
            continue  # the fixtures run them
        command = step.replace("http://localhost:4566", lambda_endpoint).replace("http://localhost:9229", triggered.url)
        for name, value in ids.items():
            command = command.replace(name, value)
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", command], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
        assert done.returncode == 0, (command, done.stderr)
        if "create-user-pool " in command:
            ids["POOL_ID"] = json.loads(done.stdout)["UserPool"]["Id"]
        if "create-user-pool-client" in command:
            ids["CLIENT_ID"] = json.loads(done.stdout)["UserPoolClient"]["ClientId"]
        answers.append(done.stdout)
    assert json.loads(answers[-1])["UserConfirmed"] is True
