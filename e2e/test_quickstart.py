"""The README's quick start, run as written (against the test server's address) with the AWS CLI."""
import os
import re
import subprocess
import sys

from conftest import BINARY, free_port
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


def readme_block(language, starting):
    readme = open(os.path.join(ROOT, "README.md")).read()
    for block in re.findall(rf"```{language}\n(.*?)```", readme, re.S):
        if block.startswith(starting):
            return block
    raise AssertionError(f"the README has no {language} block starting {starting!r}")


def test_the_python_start_works_as_written(tmp_path):
    """The README's Python test, run by pytest with the plugin (the module from python/, the binary under test)."""
    (tmp_path / "test_accounts.py").write_text(readme_block("python", "# test_accounts.py"))
    env = {**os.environ, "COGNATE_BINARY": BINARY, "PYTHONPATH": os.path.join(ROOT, "python")}
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "AWS_PROFILE"):
        env.pop(name, None)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "cognate.plugin", "-p", "no:cacheprovider", str(tmp_path)],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


def test_the_any_language_start_works_as_written(tmp_path):
    """The README's start for any language: the binary in the background, the SDK's service-specific endpoint
    variable, the health check; then the AWS CLI, given no --endpoint-url, reaches Cognate through the variable."""
    block = readme_block("sh", "cognate --in-memory &")
    port = free_port()
    # The background server ends with the script, whatever happens in it.
    steps = "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n" + block.replace("http://127.0.0.1:9229", f"http://127.0.0.1:{port}")
    steps += "aws cognito-idp create-user-pool --pool-name from-env --query UserPool.Id --output text\n"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "cognate").symlink_to(BINARY)
    env = {**os.environ, "COGNATE_PORT": str(port), "HOME": str(tmp_path),
           "PATH": os.pathsep.join([str(bin_dir), os.path.dirname(AWS), os.environ["PATH"]])}
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        env.pop(name, None)
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", steps], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert re.search(r"^us-east-1_\w+$", done.stdout, re.M), done.stdout
