"""Starting and running Cognate as an operator would: clear errors and exit codes for a busy port, a bad
port, log level or database path; --version; the lines at start and stop; the access log; the checks on
pinned IDs; generated passwords a shell and the AWS CLI take as they are; a clock that refuses typos."""
import re
import signal
import subprocess
import time

import boto3
import jwt
import pytest
import requests
from botocore.exceptions import ClientError

from conftest import BINARY, Server, outbox


def run(*args, timeout=20):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=timeout)


def test_a_busy_port_is_a_clear_error(server):
    taken = str(server.port)
    done = run("--port", taken, "--in-memory")
    assert done.returncode == 1
    assert f"cannot serve on 127.0.0.1:{taken}: the address is already in use" in done.stderr
    assert "crashed" not in done.stderr and "Fatal error" not in done.stderr and "backtrace" not in done.stderr.lower()


def test_bad_options_are_refused(tmp_path):
    for args, message in ((["--port", "99999"], "--port must be between 0 and 65535"),
                          (["--log-level", "loud"], "--log-level must be one of trace, debug, info"),
                          (["--tls-cert", "x"], "--tls-cert and --tls-key go together")):
        done = run(*args)
        assert done.returncode == 64 and message in done.stderr, (args, done.stderr)
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    done = run("--db", str(blocked / "cognate.sqlite"))
    assert done.returncode == 1 and f"cannot open the database at {blocked}/cognate.sqlite" in done.stderr
    assert "crashed" not in done.stderr


def test_version():
    done = run("--version")
    assert done.returncode == 0 and re.match(r"cognate \d+\.\d+\.\d+ \(", done.stdout)


def test_start_and_stop_lines_and_port_zero(tmp_path):
    log = tmp_path / "cognate.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([BINARY, "--port", "0", "--in-memory"], stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.time() + 20
            while time.time() < deadline and "serving" not in log.read_text():
                time.sleep(0.05)
            line = next(line for line in log.read_text().splitlines() if "serving the cognito-idp API" in line)
            port = int(re.search(r"http://127\.0\.0\.1:(\d+)", line).group(1))
            assert port != 0 and requests.get(f"http://127.0.0.1:{port}/_cognate/health", timeout=5).ok
            # Issuers, discovery and the keys' address name the port bound, so a verifier accepts the tokens.
            base = f"http://127.0.0.1:{port}"
            cognito = boto3.client("cognito-idp", endpoint_url=base, region_name="us-east-1",
                                   aws_access_key_id="local", aws_secret_access_key="local")
            pool = cognito.create_user_pool(PoolName="port-zero")["UserPool"]["Id"]
            client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
            cognito.admin_create_user(UserPoolId=pool, Username="zero", MessageAction="SUPPRESS")
            cognito.admin_set_user_password(UserPoolId=pool, Username="zero", Password="Port-Zero-Passw0rd!", Permanent=True)
            token = cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                                          AuthParameters={"USERNAME": "zero", "PASSWORD": "Port-Zero-Passw0rd!"})["AuthenticationResult"]["IdToken"]
            discovery = requests.get(f"{base}/{pool}/.well-known/openid-configuration", timeout=5).json()
            assert discovery["issuer"] == f"{base}/{pool}" and discovery["jwks_uri"].startswith(base + "/")
            key = jwt.PyJWKClient(discovery["jwks_uri"]).get_signing_key_from_jwt(token)
            claims = jwt.decode(token, key.key, algorithms=["RS256"], issuer=discovery["issuer"], audience=client)
            assert claims["cognito:username"] == "zero"
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=15)
    assert "Cognate stopped" in log.read_text()


def test_the_access_log_has_one_line_per_request_and_no_secrets(tmp_path):
    server = Server(str(tmp_path / "access.sqlite"), extra_args=["--log-level", "debug"]).start()
    try:
        cognito = server.client()
        pool = cognito.create_user_pool(PoolName="access")["UserPool"]["Id"]
        cid = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app")["UserPoolClient"]["ClientId"]
        cognito.sign_up(ClientId=cid, Username="logged", Password="Very-Secret-Passw0rd!")
        with pytest.raises(ClientError):
            cognito.describe_user_pool(UserPoolId="us-east-1_missing")
    finally:
        server.stop()
    text = open(server.log_path).read()
    assert re.search(r"CreateUserPool 200 - \d+\.\d+ ms", text)
    assert re.search(r"DescribeUserPool 400 ResourceNotFoundException \d+\.\d+ ms", text)
    assert "requestID" in text
    assert "Very-Secret-Passw0rd!" not in text and "INSERT INTO" not in text  # SQL is for --log-level trace


def test_pinned_ids_must_be_ids(cognito):
    def refused(**tags):
        with pytest.raises(ClientError) as e:
            cognito.create_user_pool(PoolName="pinned", UserPoolTags=tags)
        return e.value.response["Error"]["Code"]
    assert refused(_custom_id_="hello world") == "InvalidParameterException"
    assert refused(_custom_id_="eu-west-1_Abc123") == "InvalidParameterException"  # the request is for us-east-1
    pool = cognito.create_user_pool(PoolName="pinned", UserPoolTags={"_custom_id_": "us-east-1_Pinned1", "_custom_id_:web": "bad id"})
    try:
        assert pool["UserPool"]["Id"] == "us-east-1_Pinned1"
        with pytest.raises(ClientError) as e:
            cognito.create_user_pool_client(UserPoolId="us-east-1_Pinned1", ClientName="web")
        assert e.value.response["Error"]["Code"] == "InvalidParameterException"
    finally:
        cognito.delete_user_pool(UserPoolId="us-east-1_Pinned1")


def test_temporary_passwords_need_no_quoting(server, cognito, pool):
    for i in range(40):
        cognito.admin_create_user(UserPoolId=pool, Username=f"t{i}", DesiredDeliveryMediums=["EMAIL"],
                                  UserAttributes=[{"Name": "email", "Value": f"t{i}@example.com"}])
    passwords = [m["code"] for m in outbox(server, poolId=pool) if m["purpose"] == "invitation"]
    assert len(passwords) == 40
    for password in passwords:
        assert re.fullmatch(r"[A-Za-z0-9._\-+^%@:]+", password), password
        assert re.search(r"[._\-+^%@:]", password) and re.search(r"[0-9]", password)


def test_the_clock_refuses_unknown_keys(server):
    answer = requests.post(server.url + "/_cognate/clock", json={"advanceSecond": 30}, timeout=5)
    assert answer.status_code == 400 and "advanceSecond" in answer.text
    assert requests.get(server.url + "/_cognate/clock", timeout=5).json()["offsetSeconds"] == 0


def test_metrics_in_prometheus_format(server, cognito, pool):
    cid = cognito.create_user_pool_client(UserPoolId=pool, ClientName="m", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH",
                                                                                             "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="metered", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool, Username="metered", Password="Str0ng-Passw0rd!", Permanent=True)
    cognito.initiate_auth(ClientId=cid, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "metered", "PASSWORD": "Str0ng-Passw0rd!"})
    for _ in range(6):
        with pytest.raises(ClientError):
            cognito.initiate_auth(ClientId=cid, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "metered", "PASSWORD": "wrong"})
    with pytest.raises(ClientError):
        cognito.describe_user_pool(UserPoolId="us-east-1_missing")
    answer = requests.get(server.url + "/metrics", timeout=5)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/plain")
    text = answer.text
    assert re.search(r'cognate_requests_total\{operation="InitiateAuth",outcome="ok"\} \d+', text)
    assert re.search(r'cognate_requests_total\{operation="DescribeUserPool",outcome="ResourceNotFoundException"\} \d+', text)
    assert re.search(r'cognate_request_duration_seconds_bucket\{operation="InitiateAuth",le="0.005"\} \d+', text)
    assert re.search(r'cognate_sign_ins_total\{method="api"\} \d+', text)
    assert re.search(r"cognate_lockouts_total \d+", text)
    assert "TYPE cognate_requests_total counter" in text
    # Storage latency: reads and write transactions, from the call to the answer.
    assert re.search(r'cognate_storage_duration_seconds_bucket\{kind="read",le="0.001"\} \d+', text)
    assert re.search(r'cognate_storage_duration_seconds_count\{kind="write"\} [1-9]\d*', text)
