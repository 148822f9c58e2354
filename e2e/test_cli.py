"""The AWS CLI, unmodified, against Cognate."""
import json
import os
import shutil
import subprocess

import pytest

AWS = os.environ.get("AWS_CLI") or shutil.which("aws")


def aws(server, *args):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDTEST", AWS_SECRET_ACCESS_KEY="secret", AWS_DEFAULT_REGION="us-east-1")
    out = subprocess.run([AWS, "--endpoint-url", server.url, "--output", "json", "cognito-idp", *args],
                         capture_output=True, text=True, env=env, timeout=60)
    return out


@pytest.fixture
def cli():
    if not AWS:
        pytest.fail("the AWS CLI is not installed: set AWS_CLI or put aws on PATH (Scripts/test.sh installs it)")
    return AWS


def test_cli_admin_flow(server, cli):
    created = aws(server, "create-user-pool", "--pool-name", "cli-pool")
    assert created.returncode == 0, created.stderr
    pool = json.loads(created.stdout)["UserPool"]["Id"]
    made = aws(server, "admin-create-user", "--user-pool-id", pool, "--username", "cliuser",
               "--user-attributes", "Name=email,Value=cli@example.com", "--message-action", "SUPPRESS")
    assert made.returncode == 0, made.stderr
    listed = aws(server, "list-users", "--user-pool-id", pool, "--filter", 'email = "cli@example.com"')
    assert listed.returncode == 0, listed.stderr
    assert [u["Username"] for u in json.loads(listed.stdout)["Users"]] == ["cliuser"]
    missing = aws(server, "admin-get-user", "--user-pool-id", pool, "--username", "nobody")
    assert missing.returncode != 0 and "UserNotFoundException" in missing.stderr
    assert aws(server, "delete-user-pool", "--user-pool-id", pool).returncode == 0


def test_cli_sign_in_flow(server, cli):
    pool = json.loads(aws(server, "create-user-pool", "--pool-name", "cli-auth").stdout)["UserPool"]["Id"]
    client = json.loads(aws(server, "create-user-pool-client", "--user-pool-id", pool, "--client-name", "cli",
                            "--explicit-auth-flows", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH").stdout)
    cid = client["UserPoolClient"]["ClientId"]
    assert aws(server, "admin-create-user", "--user-pool-id", pool, "--username", "cliauth",
               "--temporary-password", "Temp-Passw0rd!", "--message-action", "SUPPRESS").returncode == 0
    started = aws(server, "initiate-auth", "--client-id", cid, "--auth-flow", "USER_PASSWORD_AUTH",
                  "--auth-parameters", "USERNAME=cliauth,PASSWORD=Temp-Passw0rd!")
    assert started.returncode == 0, started.stderr
    challenge = json.loads(started.stdout)
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    answered = aws(server, "respond-to-auth-challenge", "--client-id", cid, "--challenge-name", "NEW_PASSWORD_REQUIRED",
                   "--session", challenge["Session"], "--challenge-responses", "USERNAME=cliauth,NEW_PASSWORD=Perm-Passw0rd!")
    assert answered.returncode == 0, answered.stderr
    access = json.loads(answered.stdout)["AuthenticationResult"]["AccessToken"]
    me = aws(server, "get-user", "--access-token", access)
    assert me.returncode == 0 and json.loads(me.stdout)["Username"] == "cliauth"
    wrong = aws(server, "initiate-auth", "--client-id", cid, "--auth-flow", "USER_PASSWORD_AUTH",
                "--auth-parameters", "USERNAME=cliauth,PASSWORD=Wrong-Passw0rd!")
    assert wrong.returncode != 0 and "NotAuthorizedException" in wrong.stderr
