"""The README's quick start, run as written (against the test server's address) with the AWS CLI."""
import os
import re
import subprocess

from test_cli import AWS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_the_quick_start_works_as_written(server):
    readme = open(os.path.join(ROOT, "README.md")).read()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    assert len(blocks) == 2 and "swift build" in blocks[0]
    steps = blocks[1].replace("http://127.0.0.1:9229", server.url)
    env = {**os.environ, "PATH": os.path.dirname(AWS) + os.pathsep + os.environ["PATH"]}
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", steps], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert re.search(r"^eyJ[\w-]+\.[\w-]+\.[\w-]+$", done.stdout, re.M)  # alice's access token
    assert '"recipient":"bob@example.com"' in done.stdout and '"purpose":"signup"' in done.stdout
