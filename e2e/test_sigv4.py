"""Item 13 of the security issue: with access keys configured, every operation AWS authorizes with IAM
needs a valid SigV4 signature, checked for real against botocore's and the AWS CLI's signing; the
operations AWS leaves unauthenticated stay open."""
import json
import os
import subprocess

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import REGION, Server, error_code
from test_cli import AWS

KEY_ID, SECRET = "AKIDCOGNATE", "cognate/secret+key"


@pytest.fixture(scope="module")
def signed_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sigv4")
    creds = folder / "credentials"
    creds.write_text(f"[cognate]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n")
    server = Server(str(folder / "signed.sqlite"), extra_args=["--credentials", str(creds)]).start()
    yield server
    server.stop()


def client(server, key_id=KEY_ID, secret=SECRET):
    return boto3.client("cognito-idp", endpoint_url=server.url, region_name=REGION, aws_access_key_id=key_id,
                        aws_secret_access_key=secret, config=Config(retries={"max_attempts": 1}))


def raw(server, op, body, headers=None):
    return requests.post(server.url + "/", data=json.dumps(body), timeout=10, headers={
        "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService." + op, **(headers or {})})


def test_signed_requests_with_a_known_key_work(signed_server):
    cognito = client(signed_server)
    pool = cognito.create_user_pool(PoolName="signed")["UserPool"]["Id"]
    cognito.admin_create_user(UserPoolId=pool, Username="u", MessageAction="SUPPRESS")
    assert cognito.admin_get_user(UserPoolId=pool, Username="u")["Username"] == "u"
    assert cognito.list_users(UserPoolId=pool, Filter='username = "u"')["Users"]


def test_unsigned_forged_and_foreign_requests_are_refused(signed_server):
    pool = client(signed_server).create_user_pool(PoolName="target")["UserPool"]["Id"]
    r = raw(signed_server, "AdminDeleteUser", {"UserPoolId": pool, "Username": "u"})
    assert r.status_code == 400 and r.json()["__type"] == "MissingAuthenticationTokenException"
    assert r.json()["message"] == "Missing Authentication Token"
    with pytest.raises(ClientError) as e:
        client(signed_server, secret="wrong-secret").describe_user_pool(UserPoolId=pool)
    assert error_code(e) == "InvalidSignatureException"
    with pytest.raises(ClientError) as e:
        client(signed_server, key_id="AKIDSTRANGER").describe_user_pool(UserPoolId=pool)
    assert error_code(e) == "UnrecognizedClientException"
    # A signature copied onto another body does not verify.
    auth = "AWS4-HMAC-SHA256 Credential=%s/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date, Signature=%s" % (KEY_ID, "0" * 64)
    r = raw(signed_server, "DescribeUserPool", {"UserPoolId": pool}, {"Authorization": auth, "X-Amz-Date": "20260101T000000Z"})
    assert r.json()["__type"] == "InvalidSignatureException"
    r = raw(signed_server, "DescribeUserPoolClient", {"UserPoolId": pool, "ClientId": "x"}, {"Authorization": "Bearer nothing"})
    assert r.json()["__type"] == "IncompleteSignatureException"


def test_a_replayed_request_is_refused_once_its_date_is_old(signed_server):
    cognito = client(signed_server)
    pool = cognito.create_user_pool(PoolName="replay")["UserPool"]["Id"]
    captured = {}

    def capture(request, **kwargs):
        captured.update(headers=dict(request.headers), body=request.body)
    cognito.meta.events.register("before-send.cognito-idp.DescribeUserPool", capture)
    cognito.describe_user_pool(UserPoolId=pool)
    headers = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in captured["headers"].items()}
    # Replayed as it was, it still verifies (AWS's window); with its date moved back 16 minutes, it does not.
    assert requests.post(signed_server.url + "/", data=captured["body"], headers=headers, timeout=5).status_code == 200
    import datetime
    old = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=16)).strftime("%Y%m%dT%H%M%SZ")
    headers["X-Amz-Date"] = old
    r = requests.post(signed_server.url + "/", data=captured["body"], headers=headers, timeout=5)
    assert r.json()["__type"] == "InvalidSignatureException"


def test_operations_aws_leaves_unauthenticated_stay_open(signed_server):
    cognito = client(signed_server)
    pool = cognito.create_user_pool(PoolName="open")["UserPool"]["Id"]
    cid = cognito.create_user_pool_client(UserPoolId=pool, ClientName="c", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    r = raw(signed_server, "SignUp", {"ClientId": cid, "Username": "self", "Password": "Str0ng-Passw0rd!"})
    assert r.status_code == 200, r.text
    cognito.admin_confirm_sign_up(UserPoolId=pool, Username="self")
    r = raw(signed_server, "InitiateAuth", {"ClientId": cid, "AuthFlow": "USER_PASSWORD_AUTH",
                                            "AuthParameters": {"USERNAME": "self", "PASSWORD": "Str0ng-Passw0rd!"}})
    token = r.json()["AuthenticationResult"]["AccessToken"]
    assert raw(signed_server, "GetUser", {"AccessToken": token}).json()["Username"] == "self"


def test_the_aws_cli_signs_as_cognate_checks(signed_server):
    assert AWS, "the AWS CLI is not installed: set AWS_CLI or put aws on PATH (Scripts/test.sh installs it)"
    env = dict(os.environ, AWS_ACCESS_KEY_ID=KEY_ID, AWS_SECRET_ACCESS_KEY=SECRET, AWS_DEFAULT_REGION="eu-west-1")
    out = subprocess.run([AWS, "--endpoint-url", signed_server.url, "--output", "json", "cognito-idp", "create-user-pool",
                          "--pool-name", "from-cli"], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["UserPool"]["Id"].startswith("eu-west-1_")
    env["AWS_SECRET_ACCESS_KEY"] = "not-the-secret"
    out = subprocess.run([AWS, "--endpoint-url", signed_server.url, "cognito-idp", "list-user-pools", "--max-results", "5"],
                         capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode != 0 and "InvalidSignatureException" in out.stderr


def test_listening_beyond_loopback_without_keys_warns(tmp_path):
    server = Server(str(tmp_path / "open.sqlite"), extra_args=["--host", "0.0.0.0"]).start()
    try:
        assert requests.get(server.url + "/_cognate/health", timeout=5).ok
    finally:
        server.stop()
    assert "without SigV4 credentials" in open(server.log_path).read()


def test_client_token_needs_no_signature_and_derived_token_checks_one_if_sent(signed_server):
    cognito = client(signed_server)
    pool = cognito.create_user_pool(PoolName="m2m")["UserPool"]["Id"]
    cognito.create_resource_server(UserPoolId=pool, Identifier="orders", Name="Orders",
                                   Scopes=[{"ScopeName": "read", "ScopeDescription": "Read"}])
    machine = cognito.create_user_pool_client(UserPoolId=pool, ClientName="m2m", GenerateSecret=True,
                                              ExplicitAuthFlows=["ALLOW_CLIENT_TOKEN_AUTH"],
                                              AllowedOAuthScopes=["orders/read"])["UserPoolClient"]
    # IAM is not evaluated for GetClientToken: unsigned, and even wrongly signed, it is the secret that counts.
    answer = raw(signed_server, "GetClientToken", {"ClientId": machine["ClientId"], "Secret": machine["ClientSecret"]})
    assert answer.status_code == 200 and answer.json()["ClientAuthenticationResult"]["TokenType"] == "Bearer"
    wrong = client(signed_server, secret="not-the-secret").get_client_token(ClientId=machine["ClientId"], Secret=machine["ClientSecret"])
    assert wrong["ClientAuthenticationResult"]["AccessToken"]
    # GetDerivedToken: a signature, when sent, must be valid.
    body = {"ClientId": machine["ClientId"], "SubjectToken": "x", "SubjectTokenType": "ACCESS_TOKEN"}
    with pytest.raises(ClientError) as e:
        client(signed_server, secret="not-the-secret").get_derived_token(**body)
    assert error_code(e) == "InvalidSignatureException"
    # Unsigned, the client authorizes it (and this client lacks the exchange flow).
    unsigned = raw(signed_server, "GetDerivedToken", {**body, "ClientSecret": machine["ClientSecret"]})
    assert unsigned.status_code == 400 and unsigned.json()["__type"] == "InvalidParameterException"
