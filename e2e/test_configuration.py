"""Options from the environment (COGNATE_…) and from a config file (JSON or YAML), under the command line:
the precedence, the types, and the errors that name where a bad value came from."""
import json
import os
import signal
import subprocess
import time

import requests

from conftest import BINARY, free_port


def start(args=(), env=None, wait_for=None):
    process = subprocess.Popen([BINARY, *args], env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if wait_for:
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                if requests.get(wait_for + "/_cognate/health", timeout=0.5).ok:
                    return process
            except requests.RequestException:
                time.sleep(0.05)
        process.kill()
        raise AssertionError("cognate did not start: " + process.stdout.read().decode())
    return process


def stop(process):
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=15)


def new_pool_id(url):
    answer = requests.post(url, data=json.dumps({"PoolName": "cfg"}), timeout=5, headers={
        "X-Amz-Target": "AWSCognitoIdentityProviderService.CreateUserPool", "Content-Type": "application/x-amz-json-1.1"})
    return answer.json()["UserPool"]["Id"]


def test_options_from_the_environment():
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = start(env={"COGNATE_PORT": str(port), "COGNATE_IN_MEMORY": "true", "COGNATE_REGION": "eu-west-2",
                         "COGNATE_TEST_ENDPOINTS": "false"}, wait_for=url)
    try:
        assert new_pool_id(url).startswith("eu-west-2_")
        assert requests.get(url + "/_cognate/outbox", timeout=5).status_code == 404
    finally:
        stop(process)


def test_a_config_file_under_the_environment_and_the_command_line(tmp_path):
    port, other = free_port(), free_port()
    config = tmp_path / "cognate.yaml"
    config.write_text(f"port: {other}\ninMemory: true\nregion: ap-south-1\naccountId: '123456789012'\nlogLevel: warning\n")
    url = f"http://127.0.0.1:{port}"
    # The command line's port beats the file's; the environment's region beats the file's.
    process = start(["--config", str(config), "--port", str(port)], env={"COGNATE_REGION": "ca-central-1"}, wait_for=url)
    try:
        pool = new_pool_id(url)
        assert pool.startswith("ca-central-1_")
        described = requests.post(url, data=json.dumps({"UserPoolId": pool}), timeout=5, headers={
            "X-Amz-Target": "AWSCognitoIdentityProviderService.DescribeUserPool", "Content-Type": "application/x-amz-json-1.1"}).json()
        assert ":123456789012:" in described["UserPool"]["Arn"]
    finally:
        stop(process)
    # JSON works the same, named by COGNATE_CONFIG.
    as_json = tmp_path / "cognate.json"
    as_json.write_text(json.dumps({"port": port, "inMemory": True, "region": "sa-east-1"}))
    process = start(env={"COGNATE_CONFIG": str(as_json)}, wait_for=url)
    try:
        assert new_pool_id(url).startswith("sa-east-1_")
    finally:
        stop(process)


def test_bad_values_name_their_source(tmp_path):
    def refused(args=(), env=None):
        done = subprocess.run([BINARY, *args], env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=20)
        return done.returncode, done.stderr
    code, err = refused(env={"COGNATE_PORT": "eighty"})
    assert code == 1 and "COGNATE_PORT must be a whole number." in err
    code, err = refused(env={"COGNATE_IN_MEMORY": "sometimes"})
    assert code == 1 and "COGNATE_IN_MEMORY must be true or false." in err
    code, err = refused(env={"COGNATE_LOG_LEVEL": "loud"})
    assert code == 64 and "--log-level must be one of" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("port: [1, 2\n")
    code, err = refused(["--config", str(bad)])
    assert code == 1 and f"cannot read the config file {bad}" in err
    typed = tmp_path / "typed.json"
    typed.write_text(json.dumps({"port": "x"}))
    code, err = refused(["--config", str(typed)])
    assert code == 1 and f"{typed}: port must be a whole number." in err
    code, err = refused(["--config", str(tmp_path / "missing.yaml")])
    assert code == 1 and "cannot read the config file" in err


def test_help_lists_the_variables():
    done = subprocess.run([BINARY, "--help"], capture_output=True, text=True, timeout=20)
    for name in ("COGNATE_PORT", "COGNATE_DB", "COGNATE_PUBLIC_URL", "COGNATE_CONFIG", "COGNATE_TEST_ENDPOINTS"):
        assert name in done.stdout, name
