"""The README's runnable examples (examples/*.py) run against a real Cognate, so they stay true."""
import os
import subprocess
import sys

from conftest import free_port

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(server, script, *args):
    env = {**os.environ, "COGNATE_URL": server.url, "CALLBACK_PORT": str(free_port())}
    return subprocess.run([sys.executable, os.path.join(ROOT, "examples", script), *args], env=env, capture_output=True,
                          text=True, timeout=60)


def test_the_web_app_example_signs_in(server):
    done = run(server, "web_app.py", "--auto")
    assert done.returncode == 0, done.stderr
    assert "signed in: demo demo@example.com" in done.stdout
    assert "'email_verified': 'true'" in done.stdout


def test_the_machine_to_machine_example_gets_tokens(server):
    done = run(server, "machine_to_machine.py")
    assert done.returncode == 0, done.stderr
    assert "token endpoint:" in done.stdout and "orders/read" in done.stdout
    assert "GetClientToken: orders/read Bearer" in done.stdout
