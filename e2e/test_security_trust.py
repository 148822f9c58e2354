"""Issue 26 ("trust before breadth"): the holes an attacker found in the surfaces added since the first
security issue, each driven from outside against the real binary. Item numbers are the issue's. (Items 1,
2, 6 and 7 are in test_federation_saml.py, test_federation_oidc.py and test_token_exchange.py; a database
outage is in test_outage.py.)"""
import json
import re
import uuid

import boto3
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from conftest import REGION, Server, error_code, outbox

PASSWORD = "Str0ng-Passw0rd!"
TARGET = "AWSCognitoIdentityProviderService."
KEY_ID, SECRET = "AKIDTRUST", "trust/secret+key-of-some-length"


def raw(server, op, body, headers=None):
    h = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET + op, **(headers or {})}
    return requests.post(server.url + "/", data=body if isinstance(body, (str, bytes)) else json.dumps(body), headers=h, timeout=10)


@pytest.fixture(scope="module")
def keyed(tmp_path_factory):
    """A server with access keys: the API, the test endpoints and /metrics need signatures."""
    folder = tmp_path_factory.mktemp("keyed")
    (folder / "credentials").write_text(f"[admin]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n")
    server = Server(str(folder / "keyed.sqlite"), extra_args=["--credentials", str(folder / "credentials")]).start()
    yield server
    server.stop()


def signed(method, url, body=b"", headers=None, only=None):
    """A request SigV4-signed with the test key (service cognito-idp); `only` limits the signed headers."""
    class Partial(SigV4Auth):
        def headers_to_sign(self, request):
            names = super().headers_to_sign(request)
            if only is not None:
                for name in list(names.keys()):
                    if name.lower() not in only:
                        del names[name]
            return names
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    Partial(Credentials(KEY_ID, SECRET), "cognito-idp", REGION).add_auth(request)
    return dict(request.headers.items())


# 10. A signature must cover the operation ---------------------------------------------------------------

def test_a_signature_that_leaves_out_the_operation_cannot_be_replayed_as_another(keyed):
    cognito = boto3.client("cognito-idp", endpoint_url=keyed.url, region_name=REGION, aws_access_key_id=KEY_ID,
                           aws_secret_access_key=SECRET, config=Config(retries={"max_attempts": 1}))
    pool = cognito.create_user_pool(PoolName="replay")["UserPool"]["Id"]
    cognito.admin_create_user(UserPoolId=pool, Username="target", MessageAction="SUPPRESS")
    body = json.dumps({"UserPoolId": pool, "Username": "target"}).encode()
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET + "AdminGetUser"}
    # A signature over host and date only, captured from an AdminGetUser ...
    captured = signed("POST", keyed.url + "/", body, headers, only={"host", "x-amz-date"})
    # ... is refused as it is, and as AdminDeleteUser; the user is still there.
    for op in ("AdminGetUser", "AdminDeleteUser"):
        answer = requests.post(keyed.url + "/", data=body, headers={**captured, "X-Amz-Target": TARGET + op}, timeout=5)
        assert answer.status_code == 400 and answer.json()["__type"] == "InvalidSignatureException", answer.text
        assert "X-Amz-Target" in answer.json()["message"]
    assert cognito.admin_get_user(UserPoolId=pool, Username="target")["Username"] == "target"
    # Signed over the operation too, it works; changing the operation then breaks the signature.
    full = signed("POST", keyed.url + "/", body, headers)
    assert requests.post(keyed.url + "/", data=body, headers=full, timeout=5).status_code == 200
    swapped = requests.post(keyed.url + "/", data=body, headers={**full, "X-Amz-Target": TARGET + "AdminDeleteUser"}, timeout=5)
    assert swapped.json()["__type"] == "InvalidSignatureException"


# 5. Test endpoints beside access keys ---------------------------------------------------------------------

def test_with_access_keys_the_test_endpoints_need_a_signature(keyed):
    for method, path, body in (("GET", "/_cognate/outbox", b""), ("GET", "/_cognate/clock", b""),
                               ("POST", "/_cognate/clock", b'{"advanceSeconds": 1}'), ("POST", "/_cognate/reset", b""),
                               ("POST", "/moto-api/reset", b"")):
        headers = {"Content-Type": "application/json"} if body else {}
        answer = requests.request(method, keyed.url + path, data=body, headers=headers, timeout=5)
        assert answer.status_code == 403 and answer.json()["__type"] == "MissingAuthenticationTokenException", (path, answer.text)
        forged = {**headers, "Authorization": f"AWS4-HMAC-SHA256 Credential={KEY_ID}/20260101/{REGION}/cognito-idp/aws4_request, "
                                              "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64, "X-Amz-Date": "20260101T000000Z"}
        assert requests.request(method, keyed.url + path, data=body, headers=forged, timeout=5).status_code == 403
    # Signed by a configured key, they answer.
    outbox_url = keyed.url + "/_cognate/outbox"
    answer = requests.get(outbox_url, headers=signed("GET", outbox_url), timeout=5)
    assert answer.status_code == 200 and "messages" in answer.json()
    clock_url = keyed.url + "/_cognate/clock"
    body = b'{"advanceSeconds": 0}'
    answer = requests.post(clock_url, data=body, headers=signed("POST", clock_url, body, {"Content-Type": "application/json"}), timeout=5)
    assert answer.status_code == 200 and "offsetSeconds" in answer.json()


def test_test_endpoints_reachable_beyond_loopback_are_warned_about(tmp_path):
    server = Server(str(tmp_path / "wide.sqlite"), extra_args=["--host", "0.0.0.0"]).start()
    server.stop()
    log = open(server.log_path).read()
    assert "test endpoints" in log and "reachable on 0.0.0.0 by anyone" in log


# 14. /metrics ---------------------------------------------------------------------------------------------

def test_metrics_are_signed_with_access_keys_and_can_be_turned_off(keyed, tmp_path):
    assert requests.get(keyed.url + "/metrics", timeout=5).status_code == 403
    url = keyed.url + "/metrics"
    answer = requests.get(url, headers=signed("GET", url), timeout=5)
    assert answer.status_code == 200 and "cognate_requests_total" in answer.text
    off = Server(str(tmp_path / "off.sqlite"), extra_args=["--metrics", "off"]).start()
    try:
        assert requests.get(off.url + "/metrics", timeout=5).status_code == 404
    finally:
        off.stop()
    # Beyond loopback without keys, /metrics is off unless asked for.
    wide = Server(str(tmp_path / "wide.sqlite"), extra_args=["--host", "0.0.0.0"]).start()
    try:
        assert requests.get(wide.url + "/metrics", timeout=5).status_code == 404
    finally:
        wide.stop()
    # Signed metrics need keys to sign with.
    with pytest.raises(RuntimeError):
        Server(str(tmp_path / "bad.sqlite"), extra_args=["--metrics", "signed"]).start()


# 12. Console secrets ---------------------------------------------------------------------------------------

def test_a_short_secret_is_refused_at_start(tmp_path):
    creds = tmp_path / "credentials"
    creds.write_text("[admin]\naws_access_key_id = AKIDWEAK\naws_secret_access_key = password\n")
    server = Server(str(tmp_path / "weak.sqlite"), extra_args=["--credentials", str(creds)])
    with pytest.raises(RuntimeError):
        server.start()
    assert "at least 16 characters" in open(server.log_path).read()


def test_console_sign_in_guesses_are_throttled(keyed):
    session = requests.Session()
    page = session.get(keyed.url + "/_cognate/console/signin", timeout=5)
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)

    def attempt(secret):
        return session.post(keyed.url + "/_cognate/console/signin", allow_redirects=False, timeout=5,
                            data={"_csrf": csrf, "accessKeyId": KEY_ID, "secretAccessKey": secret})
    statuses = [attempt(f"guess-{i}").status_code for i in range(10)]
    assert statuses == [401] * 10
    # The eleventh is paused, and so is the right secret now: a guess that lands teaches nothing.
    paused = attempt(SECRET)
    assert paused.status_code == 429 and int(paused.headers["Retry-After"]) > 0
    assert "Too many failed sign-ins" in paused.text


# 13. A null character -------------------------------------------------------------------------------------

def test_a_null_character_is_a_parameter_error_not_a_server_error(server, cognito, pool):
    cid = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])[
        "UserPoolClient"]["ClientId"]
    bodies = [
        ("InitiateAuth", '{"ClientId": "%s", "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "a\\u0000b", "PASSWORD": "x"}}' % cid),
        ("SignUp", '{"ClientId": "%s", "Username": "nul\\u0000", "Password": "%s"}' % (cid, PASSWORD)),
        ("AdminCreateUser", '{"UserPoolId": "%s", "Username": "u", "UserAttributes": [{"Name": "name", "Value": "a\\u0000"}]}' % pool),
        ("ForgotPassword", '{"ClientId": "%s", "Username": "\\u0000"}' % cid),
    ]
    for op, body in bodies:
        answer = raw(server, op, body)
        assert answer.status_code == 400 and answer.json()["__type"] == "InvalidParameterException", (op, answer.text)
    # A form with %00 is no form: a refusal, never a 500.
    answer = requests.post(server.url + "/oauth2/token", data="grant_type=client_credentials&client_id=a%00b", timeout=5,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 400


# 3. Codes are bounded on every path ------------------------------------------------------------------------

def test_sign_in_codes_are_bounded_and_a_locked_out_user_gets_none(server, cognito):
    pool = cognito.create_user_pool(
        PoolName="otp-" + uuid.uuid4().hex[:6], Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}},
        EmailConfiguration={"EmailSendingAccount": "DEVELOPER", "SourceArn": "arn:aws:ses:us-east-1:000000000000:identity/example.com"},
    )["UserPool"]["Id"]
    cid = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH"])[
        "UserPoolClient"]["ClientId"]
    for name in ("olga", "oleg"):
        cognito.admin_create_user(UserPoolId=pool, Username=name, MessageAction="SUPPRESS", UserAttributes=[
            {"Name": "email", "Value": f"{name}@example.com"}, {"Name": "email_verified", "Value": "true"}])
        cognito.admin_set_user_password(UserPoolId=pool, Username=name, Password=PASSWORD, Permanent=True)

    def start(name):
        return raw(server, "InitiateAuth", {"ClientId": cid, "AuthFlow": "USER_AUTH",
                                            "AuthParameters": {"USERNAME": name, "PREFERRED_CHALLENGE": "EMAIL_OTP"}})
    answers = [start("olga") for _ in range(12)]
    assert [a.status_code for a in answers[:10]] == [200] * 10
    assert all(a.json()["__type"] == "LimitExceededException" for a in answers[10:])
    assert len([m for m in outbox(server, poolId=pool, recipient="olga@example.com")]) == 10
    # A locked-out user gets no code at all.
    for _ in range(8):
        raw(server, "InitiateAuth", {"ClientId": cid, "AuthFlow": "USER_PASSWORD_AUTH",
                                     "AuthParameters": {"USERNAME": "oleg", "PASSWORD": "Wr0ng-Passw0rd!"}})
    locked = start("oleg")
    assert locked.status_code == 400 and locked.json()["__type"] == "NotAuthorizedException"
    assert outbox(server, poolId=pool, recipient="oleg@example.com") == []


# 8. ForgotPassword does not tell who exists ----------------------------------------------------------------

@pytest.mark.parametrize("verified, medium", [(["email"], "EMAIL"), (["phone_number"], "SMS")])
def test_a_missing_users_reset_looks_like_a_real_users(server, cognito, verified, medium):
    pool = cognito.create_user_pool(PoolName="hide-" + uuid.uuid4().hex[:6], AutoVerifiedAttributes=verified)["UserPool"]["Id"]
    cid = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app", PreventUserExistenceErrors="ENABLED")["UserPoolClient"]["ClientId"]
    attribute = verified[0]
    value = "real@example.com" if attribute == "email" else "+15555550123"
    cognito.admin_create_user(UserPoolId=pool, Username="real", MessageAction="SUPPRESS", UserAttributes=[
        {"Name": attribute, "Value": value}, {"Name": attribute + "_verified", "Value": "true"}])
    cognito.admin_set_user_password(UserPoolId=pool, Username="real", Password=PASSWORD, Permanent=True)
    real = cognito.forgot_password(ClientId=cid, Username="real")["CodeDeliveryDetails"]
    missing = cognito.forgot_password(ClientId=cid, Username="nobody-here")["CodeDeliveryDetails"]
    assert real["DeliveryMedium"] == missing["DeliveryMedium"] == medium
    assert real["AttributeName"] == missing["AttributeName"] == attribute
    pattern = r"^.\*\*\*@.\*\*\*$" if medium == "EMAIL" else r"^\+\*+\d{4}$"
    assert re.match(pattern, real["Destination"]) and re.match(pattern, missing["Destination"])


# 9. Provider names that differ only in case ---------------------------------------------------------------

def test_provider_names_that_differ_only_in_case_are_one_name(cognito, pool):
    details = {"client_id": "c", "client_secret": "s", "authorize_scopes": "openid", "oidc_issuer": "https://corp.example.test",
               "attributes_request_method": "GET", "authorize_url": "https://corp.example.test/a", "token_url": "https://corp.example.test/t",
               "attributes_url": "https://corp.example.test/u", "jwks_uri": "https://corp.example.test/k"}
    cognito.create_identity_provider(UserPoolId=pool, ProviderName="corp", ProviderType="OIDC", ProviderDetails=details)
    for name in ("Corp", "CORP"):
        with pytest.raises(ClientError) as e:
            cognito.create_identity_provider(UserPoolId=pool, ProviderName=name, ProviderType="OIDC", ProviderDetails=details)
        assert error_code(e) == "DuplicateProviderException"


# 11. Outgoing requests are not steered by input --------------------------------------------------------------

def test_a_trigger_arn_cannot_name_a_host(cognito):
    for arn in ("arn:aws:lambda:x@127.0.0.1/:000000000000:function:f", "arn:aws:lambda:us-east-1/../:000000000000:function:f",
                "arn:aws:lambda:us-east-1:0:function:f", "arn:aws:s3:us-east-1:000000000000:function:f"):
        with pytest.raises(ClientError) as e:
            cognito.create_user_pool(PoolName="steer", LambdaConfig={"PreSignUp": arn})
        assert error_code(e) == "InvalidParameterException", arn
    with pytest.raises(ClientError) as e:
        cognito.create_user_pool(PoolName="steer", LambdaConfig={"KMSKeyID": "arn:aws:kms:a@b/:000000000000:key/k",
                                                                 "CustomEmailSender": {"LambdaVersion": "V1_0",
                                                                                       "LambdaArn": "arn:aws:lambda:us-east-1:000000000000:function:f"}})
    assert error_code(e) == "InvalidParameterException"
    pool = cognito.create_user_pool(PoolName="fine", LambdaConfig={"PreSignUp": "arn:aws:lambda:eu-central-2:123456789012:function:ok:live"})
    assert pool["UserPool"]["LambdaConfig"]["PreSignUp"].endswith(":live")


def test_provider_urls_are_https_to_public_hosts_unless_allowed(tmp_path):
    strict = Server(str(tmp_path / "strict.sqlite")).start()
    try:
        cognito = strict.client()
        pool = cognito.create_user_pool(PoolName="strict")["UserPool"]["Id"]
        for issuer, words in (("http://idp.example.test", "https"), ("https://127.0.0.1:9", "local or private"),
                              ("https://10.1.2.3", "local or private"), ("https://localhost", "local or private"),
                              ("https://[::1]:8443", "local or private"), ("https://169.254.169.254", "local or private")):
            with pytest.raises(ClientError) as e:
                cognito.create_identity_provider(UserPoolId=pool, ProviderName="Prov", ProviderType="OIDC", ProviderDetails={
                    "client_id": "c", "client_secret": "s", "authorize_scopes": "openid", "oidc_issuer": issuer,
                    "attributes_request_method": "GET"})
            assert error_code(e) == "InvalidParameterException" and words in e.value.response["Error"]["Message"], issuer
        # An endpoint given beside a public issuer is held to the same rule.
        with pytest.raises(ClientError) as e:
            cognito.create_identity_provider(UserPoolId=pool, ProviderName="Prov", ProviderType="OIDC", ProviderDetails={
                "client_id": "c", "client_secret": "s", "authorize_scopes": "openid", "oidc_issuer": "https://idp.example.test",
                "attributes_request_method": "GET", "authorize_url": "https://idp.example.test/a", "token_url": "http://192.168.0.1/t",
                "attributes_url": "https://idp.example.test/u", "jwks_uri": "https://idp.example.test/k"})
        assert error_code(e) == "InvalidParameterException" and "token_url" in e.value.response["Error"]["Message"]
        with pytest.raises(ClientError) as e:
            cognito.create_identity_provider(UserPoolId=pool, ProviderName="Saml", ProviderType="SAML",
                                             ProviderDetails={"MetadataURL": "http://127.0.0.1:9/metadata"})
        assert error_code(e) == "InvalidParameterException"
    finally:
        strict.stop()


# userInfo with openid alone -----------------------------------------------------------------------------------

def test_user_info_with_openid_alone_answers_every_readable_attribute(server, cognito, pool):
    cognito.create_user_pool_domain(UserPoolId=pool, Domain="ui-" + pool.split("_")[1].lower())
    callback = "http://localhost:3000/cb"
    cid = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="oidc", AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid"], AllowedOAuthFlowsUserPoolClient=True,
        CallbackURLs=[callback], ReadAttributes=["email", "name"], SupportedIdentityProviders=["COGNITO"])["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="ida", MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "email", "Value": "ida@example.com"}, {"Name": "name", "Value": "Ida"}, {"Name": "family_name", "Value": "Hidden"}])
    cognito.admin_set_user_password(UserPoolId=pool, Username="ida", Password=PASSWORD, Permanent=True)
    session = requests.Session()
    query = {"client_id": cid, "response_type": "code", "redirect_uri": callback, "scope": "openid"}
    page = session.get(server.url + "/login", params=query, timeout=5)
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
    done = session.post(page.url, data={"_csrf": csrf, "username": "ida", "password": PASSWORD}, allow_redirects=False, timeout=5)
    code = re.search(r"code=([^&]+)", done.headers["Location"]).group(1)
    tokens = requests.post(server.url + "/oauth2/token", data={"grant_type": "authorization_code", "client_id": cid, "code": code,
                                                                "redirect_uri": callback}, timeout=5).json()
    info = requests.get(server.url + "/oauth2/userInfo", headers={"Authorization": "Bearer " + tokens["access_token"]}, timeout=5).json()
    assert info["username"] == "ida" and info["email"] == "ida@example.com" and info["name"] == "Ida" and info["sub"]
    assert "family_name" not in info  # not readable by this client


# 4. Anonymous callers cannot grow stored state ----------------------------------------------------------------

def test_sign_ins_sent_to_a_provider_store_little(tmp_path):
    """Each /oauth2/authorize?identity_provider=… keeps what the sign-in needs to resume, no more: a flood of
    large requests adds little to the database, and a request too large to resume is refused unstored.
    (The number of waiting sign-ins per pool is bounded too: CognateSQLiteTests.RetentionTests.)"""
    import os
    server = Server(str(tmp_path / "flood.sqlite"), sqlite=True, extra_args=["--allow-local-providers"]).start()
    try:
        cognito = server.client()
        pool = cognito.create_user_pool(PoolName="flood")["UserPool"]["Id"]
        cognito.create_identity_provider(UserPoolId=pool, ProviderName="Corp", ProviderType="OIDC", ProviderDetails={
            "client_id": "c", "client_secret": "s", "authorize_scopes": "openid", "oidc_issuer": "https://corp.example.test",
            "attributes_request_method": "GET", "authorize_url": "https://corp.example.test/a", "token_url": "https://corp.example.test/t",
            "attributes_url": "https://corp.example.test/u", "jwks_uri": "https://corp.example.test/k"})
        callback = "http://localhost:3000/cb"
        app = cognito.create_user_pool_client(
            UserPoolId=pool, ClientName="app", AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid"], AllowedOAuthFlowsUserPoolClient=True,
            CallbackURLs=[callback], SupportedIdentityProviders=["Corp"])["UserPoolClient"]["ClientId"]
        query = {"client_id": app, "response_type": "code", "redirect_uri": callback, "scope": "openid", "identity_provider": "Corp"}

        def size():
            """The database's size once stopped (SQLite folds its write-ahead log into the file then)."""
            server.stop()
            measured = sum(os.path.getsize(str(tmp_path / name)) for name in ("flood.sqlite", "flood.sqlite-wal")
                           if os.path.exists(str(tmp_path / name)))
            server.start()
            return measured
        before = size()
        session = requests.Session()
        for index in range(400):
            junk = {f"x{k}": "A" * 1500 for k in range(8)}  # 12 KiB that no sign-in needs
            answer = session.get(server.url + "/oauth2/authorize", params={**query, **junk, "state": str(index)}, allow_redirects=False,
                                 timeout=10)
            assert answer.status_code == 302 and answer.headers["Location"].startswith("https://corp.example.test/a?")
        grown = size() - before
        assert grown < 1024 * 1024, f"400 sign-ins grew the database by {grown} bytes"
        # Parameters a sign-in keeps, too large together: refused at the client's redirect URI.
        answer = session.get(server.url + "/oauth2/authorize", params={**query, "state": "S" * 2000, "nonce": "N" * 2000, "lang": "L" * 200},
                             allow_redirects=False, timeout=10)
        assert answer.headers["Location"].startswith(callback + "?") and "error=invalid_request" in answer.headers["Location"]
    finally:
        server.stop()
