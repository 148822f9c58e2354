"""The attacker's view: each test drives one hole that was found in Cognate (raw HTTP, parallel requests,
hostile bodies) and checks that it is closed. Numbers refer to the items of the security issue."""
import concurrent.futures
import json
import socket
import time
import uuid

import pytest
import requests
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

from conftest import Server, error_code, outbox

PASSWORD = "Str0ng-Passw0rd!"
WRONG = "Wr0ng-Passw0rd!"
TARGET = "AWSCognitoIdentityProviderService."


def raw(server, op, body, headers=None):
    h = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET + op, **(headers or {})}
    return requests.post(server.url + "/", data=body if isinstance(body, (str, bytes)) else json.dumps(body), headers=h, timeout=10)


def user(cognito, pool, name="victim", attributes=None):
    cognito.admin_create_user(UserPoolId=pool, Username=name, MessageAction="SUPPRESS", UserAttributes=attributes or [])
    cognito.admin_set_user_password(UserPoolId=pool, Username=name, Password=PASSWORD, Permanent=True)


def app(cognito, pool, **kwargs):
    kwargs.setdefault("ExplicitAuthFlows", ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH",
                                            "ALLOW_USER_AUTH"])
    return cognito.create_user_pool_client(UserPoolId=pool, ClientName="app-" + uuid.uuid4().hex[:6], **kwargs)["UserPoolClient"]["ClientId"]


def sign_in(cognito, cid, name="victim", password=PASSWORD):
    return cognito.initiate_auth(ClientId=cid, AuthFlow="USER_PASSWORD_AUTH",
                                 AuthParameters={"USERNAME": name, "PASSWORD": password})


# 1. SRP honours the lockout -------------------------------------------------------------------------

def test_wrong_srp_proofs_lock_the_account_for_every_flow(cognito, pool):
    user(cognito, pool)
    cid = app(cognito, pool)
    for _ in range(8):
        with pytest.raises(ClientError) as e:
            AWSSRP(username="victim", password=WRONG, pool_id=pool, client_id=cid, client=cognito).authenticate_user()
        assert error_code(e) == "NotAuthorizedException"
    # The right password, by SRP or in plain, is now refused with the lockout's answer.
    with pytest.raises(ClientError) as e:
        AWSSRP(username="victim", password=PASSWORD, pool_id=pool, client_id=cid, client=cognito).authenticate_user()
    assert e.value.response["Error"]["Message"] == "Password attempts exceeded"
    with pytest.raises(ClientError) as e:
        sign_in(cognito, cid)
    assert e.value.response["Error"]["Message"] == "Password attempts exceeded"


def test_plain_failures_lock_srp_too(cognito, pool):
    user(cognito, pool)
    cid = app(cognito, pool)
    for _ in range(8):
        with pytest.raises(ClientError):
            sign_in(cognito, cid, password=WRONG)
    with pytest.raises(ClientError) as e:
        AWSSRP(username="victim", password=PASSWORD, pool_id=pool, client_id=cid, client=cognito).authenticate_user()
    assert e.value.response["Error"]["Message"] == "Password attempts exceeded"


def test_parallel_guesses_cannot_slip_a_right_password_past_the_lockout(cognito, pool):
    user(cognito, pool)
    cid = app(cognito, pool)
    for _ in range(6):
        with pytest.raises(ClientError):
            sign_in(cognito, cid, password=WRONG)
    # Locked: 24 parallel guesses, one of them right; none signs in.
    def attempt(i):
        try:
            sign_in(cognito, cid, password=PASSWORD if i == 12 else WRONG)
            return "signed-in"
        except ClientError as e:
            return e.response["Error"]["Message"]
    with concurrent.futures.ThreadPoolExecutor(8) as pool_:
        answers = list(pool_.map(attempt, range(24)))
    assert "signed-in" not in answers


# 2, 3. The client's attribute permissions ----------------------------------------------------------

@pytest.fixture
def role_pool(cognito):
    pool = cognito.create_user_pool(
        PoolName="roles-" + uuid.uuid4().hex[:6],
        Schema=[{"Name": "role", "AttributeDataType": "String", "Mutable": True},
                {"Name": "team", "AttributeDataType": "String", "Mutable": True}])["UserPool"]["Id"]
    yield pool
    cognito.delete_user_pool(UserPoolId=pool)


def test_sign_up_cannot_write_attributes_outside_write_attributes(cognito, role_pool):
    cid = app(cognito, role_pool, WriteAttributes=["email", "name", "custom:team"],
              ReadAttributes=["email", "name", "custom:team", "custom:role"])
    with pytest.raises(ClientError) as e:
        cognito.sign_up(ClientId=cid, Username="mallory", Password=PASSWORD,
                        UserAttributes=[{"Name": "custom:role", "Value": "admin"}])
    assert error_code(e) == "NotAuthorizedException"
    assert e.value.response["Error"]["Message"] == "A client attempted to write unauthorized attribute"
    cognito.sign_up(ClientId=cid, Username="mallory", Password=PASSWORD, UserAttributes=[{"Name": "custom:team", "Value": "blue"}])
    cognito.admin_confirm_sign_up(UserPoolId=role_pool, Username="mallory")
    token = sign_in(cognito, cid, "mallory")["AuthenticationResult"]["AccessToken"]
    with pytest.raises(ClientError) as e:
        cognito.update_user_attributes(AccessToken=token, UserAttributes=[{"Name": "custom:role", "Value": "admin"}])
    assert e.value.response["Error"]["Message"] == "A client attempted to write unauthorized attribute"
    with pytest.raises(ClientError):
        cognito.delete_user_attributes(AccessToken=token, UserAttributeNames=["custom:role"])
    cognito.update_user_attributes(AccessToken=token, UserAttributes=[{"Name": "name", "Value": "Mal"}])


def test_read_attributes_limit_get_user_and_the_id_token(server, cognito, role_pool):
    import jwt
    user(cognito, role_pool, "reader", [{"Name": "email", "Value": "r@example.com"}, {"Name": "custom:role", "Value": "admin"},
                                        {"Name": "name", "Value": "Reader"}])
    cid = app(cognito, role_pool, ReadAttributes=["name"])
    result = sign_in(cognito, cid, "reader")["AuthenticationResult"]
    names = {a["Name"] for a in cognito.get_user(AccessToken=result["AccessToken"])["UserAttributes"]}
    assert names == {"sub", "name"}
    claims = jwt.decode(result["IdToken"], options={"verify_signature": False})
    assert claims["name"] == "Reader" and "custom:role" not in claims and "email" not in claims
    # A client without a list reads everything.
    everything = app(cognito, role_pool)
    token = sign_in(cognito, everything, "reader")["AuthenticationResult"]["AccessToken"]
    assert "custom:role" in {a["Name"] for a in cognito.get_user(AccessToken=token)["UserAttributes"]}


def test_new_password_required_cannot_verify_an_address_or_write_forbidden_attributes(cognito, role_pool):
    cid = app(cognito, role_pool, WriteAttributes=["email", "name"])
    cognito.admin_create_user(UserPoolId=role_pool, Username="invited", TemporaryPassword="Temp-Passw0rd!", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": "invited@example.com"}])

    def challenge():
        return sign_in(cognito, cid, "invited", "Temp-Passw0rd!")["Session"]

    for forbidden in ({"userAttributes.email_verified": "true"}, {"userAttributes.custom:role": "admin"}):
        with pytest.raises(ClientError) as e:
            cognito.respond_to_auth_challenge(
                ClientId=cid, ChallengeName="NEW_PASSWORD_REQUIRED", Session=challenge(),
                ChallengeResponses={"USERNAME": "invited", "NEW_PASSWORD": PASSWORD, **forbidden})
        assert error_code(e) == "NotAuthorizedException"
    attributes = {a["Name"]: a["Value"] for a in cognito.admin_get_user(UserPoolId=role_pool, Username="invited")["UserAttributes"]}
    assert attributes.get("email_verified") != "true" and "custom:role" not in attributes
    answer = cognito.respond_to_auth_challenge(
        ClientId=cid, ChallengeName="NEW_PASSWORD_REQUIRED", Session=challenge(),
        ChallengeResponses={"USERNAME": "invited", "NEW_PASSWORD": PASSWORD, "userAttributes.name": "Invited"})
    assert answer["AuthenticationResult"]["AccessToken"]


# 6. Refresh-token rotation has one successor --------------------------------------------------------

def test_parallel_refreshes_of_a_rotating_token_give_one_successor(cognito, pool):
    user(cognito, pool)
    cid = app(cognito, pool, RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 0})
    refresh = sign_in(cognito, cid)["AuthenticationResult"]["RefreshToken"]

    def attempt(_):
        try:
            return cognito.get_tokens_from_refresh_token(RefreshToken=refresh, ClientId=cid)["AuthenticationResult"]["RefreshToken"]
        except ClientError as e:
            return e.response["Error"]["Code"]
    with concurrent.futures.ThreadPoolExecutor(10) as pool_:
        answers = list(pool_.map(attempt, range(20)))
    successors = [a for a in answers if a.startswith("c")]
    assert len(successors) == 1, answers
    assert set(answers) - set(successors) == {"RefreshTokenReuseException"}


# 7. Connections are bounded in time and number ------------------------------------------------------

def test_idle_slow_and_surplus_connections_are_closed(tmp_path):
    server = Server(str(tmp_path / "limits.sqlite"),
                    extra_args=["--idle-timeout", "1", "--request-timeout", "1", "--max-connections", "16"]).start()
    try:
        host, port = "127.0.0.1", server.port

        def closed_within(sock, seconds):
            """Whether the server closes the socket (end of stream or reset) within `seconds`."""
            deadline = time.time() + seconds
            try:
                while time.time() < deadline:
                    sock.settimeout(max(deadline - time.time(), 0.01))
                    if sock.recv(1024) == b"":
                        return True
            except (ConnectionResetError, BrokenPipeError):
                return True
            except socket.timeout:
                return False
            return False
        idle = socket.create_connection((host, port))
        slow_head = socket.create_connection((host, port))
        slow_head.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")
        slow_body = socket.create_connection((host, port))
        slow_body.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        started = time.time()
        for sock in (idle, slow_head, slow_body):
            assert closed_within(sock, 5)
        assert time.time() - started < 5
        # Holding more sockets than allowed leaves the server answering once they go.
        held = [socket.create_connection((host, port)) for _ in range(40)]
        time.sleep(0.3)
        for sock in held:
            sock.close()
        assert requests.get(server.url + "/_cognate/health", timeout=5).ok
    finally:
        server.stop()


# 8. SRP_A is bounded and checked --------------------------------------------------------------------

def test_srp_a_out_of_the_group_is_refused_before_a_session_is_stored(server, cognito, pool):
    user(cognito, pool)
    cid = app(cognito, pool)
    n = int("FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
            "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
            "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
            "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
            "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
            "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
            "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
            "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF", 16)
    for a in ("ab" * 60000, format(n, "x"), "0" * 10 + format(n, "x"), "0", "xyz"):
        r = raw(server, "InitiateAuth", {"AuthFlow": "USER_SRP_AUTH", "ClientId": cid, "AuthParameters": {"USERNAME": "victim", "SRP_A": a}})
        assert r.status_code == 400, a[:20]
        assert r.json()["__type"] in ("InvalidParameterException", "NotAuthorizedException")
        assert len(r.content) < 1000


# 10. Disabling a user revokes their tokens ----------------------------------------------------------

def test_disable_revokes_tokens_and_enable_does_not_bring_them_back(cognito, pool):
    user(cognito, pool)
    cid = app(cognito, pool)
    tokens = sign_in(cognito, cid)["AuthenticationResult"]
    cognito.admin_disable_user(UserPoolId=pool, Username="victim")
    cognito.admin_enable_user(UserPoolId=pool, Username="victim")
    with pytest.raises(ClientError) as e:
        cognito.get_user(AccessToken=tokens["AccessToken"])
    assert error_code(e) == "NotAuthorizedException"
    with pytest.raises(ClientError) as e:
        cognito.initiate_auth(ClientId=cid, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
    assert error_code(e) == "NotAuthorizedException"
    assert sign_in(cognito, cid)["AuthenticationResult"]["AccessToken"]


# 12. Test endpoints refuse web pages ----------------------------------------------------------------

def test_test_endpoints_refuse_cross_site_and_rebound_requests(server, cognito, pool):
    before = cognito.describe_user_pool(UserPoolId=pool)["UserPool"]["Id"]
    attacks = [
        ("POST", "/_cognate/reset", {"Content-Type": "text/plain"}, "x"),
        ("POST", "/moto-api/reset", {"Origin": "https://evil.example"}, None),
        ("POST", "//_cognate/reset", {"Content-Type": "application/x-www-form-urlencoded"}, "a=b"),
        ("POST", "/_cognate/clock", {"Content-Type": "text/plain"}, '{"advanceSeconds": -99999}'),
        ("POST", "/_cognate/reset", {"Sec-Fetch-Site": "cross-site"}, None),
        ("GET", "/_cognate/outbox", {"Host": "rebound.evil.example:%d" % server.port}, None),
        ("GET", "/_cognate/clock", {"Host": "evil.example"}, None),
    ]
    for method, path, headers, body in attacks:
        r = requests.request(method, server.url + path, headers=headers, data=body, timeout=5)
        assert r.status_code in (403, 404), (path, headers, r.status_code)
    assert cognito.describe_user_pool(UserPoolId=pool)["UserPool"]["Id"] == before
    # The ordinary calls of a test suite still work.
    assert requests.get(server.url + "/_cognate/outbox", timeout=5).ok
    assert requests.get(f"http://localhost:{server.port}/_cognate/clock", timeout=5).ok
    assert requests.post(server.url + "/_cognate/clock", json={"advanceSeconds": 0}, timeout=5).ok


# 14. Smaller points ---------------------------------------------------------------------------------

def test_an_absurd_region_in_the_credential_scope_is_not_taken(server, pool):
    region = "r" * 3000
    auth = f"AWS4-HMAC-SHA256 Credential=AKID/20260101/{region}/cognito-idp/aws4_request, SignedHeaders=host, Signature=00"
    r = raw(server, "CreateUserPool", {"PoolName": "scoped"}, headers={"Authorization": auth})
    assert r.status_code == 200
    pool_id = r.json()["UserPool"]["Id"]
    assert len(pool_id) <= 55
    assert raw(server, "DescribeUserPool", {"UserPoolId": pool_id}).status_code == 200
    raw(server, "DeleteUserPool", {"UserPoolId": pool_id})


def test_duplicate_keys_are_refused(server, pool):
    r = raw(server, "DescribeUserPool", '{"UserPoolId": "%s", "UserPoolId": "us-east-1_other"}' % pool)
    assert r.status_code == 400 and r.json()["__type"] == "SerializationException"
    r = raw(server, "DescribeUserPool", '{"UserPoolId": "%s", "User\\u0050oolId": "us-east-1_other"}' % pool)
    assert r.json()["__type"] == "SerializationException"
    # The same key in different objects is no duplicate.
    r = raw(server, "AdminCreateUser", '{"UserPoolId": "%s", "Username": "dup", "MessageAction": "SUPPRESS", '
            '"UserAttributes": [{"Name": "name", "Value": "a"}, {"Name": "nickname", "Value": "b"}]}' % pool)
    assert r.status_code == 200, r.text


def test_head_is_answered_where_get_is(server, pool):
    for path in ("/_cognate/health", f"/{pool}/.well-known/jwks.json", f"/{pool}/.well-known/openid-configuration"):
        get = requests.get(server.url + path, timeout=5)
        head = requests.head(server.url + path, timeout=5)
        assert head.status_code == get.status_code == 200 and head.content == b""


def test_mfa_on_at_creation_needs_sms_configuration(cognito):
    for mode in ("ON", "OPTIONAL"):
        with pytest.raises(ClientError) as e:
            cognito.create_user_pool(PoolName="mfa", MfaConfiguration=mode)
        assert e.value.response["Error"]["Message"] == \
            "SMS configuration and Auto verification for phone_number are required when MFA is required/optional"
    pool = cognito.create_user_pool(
        PoolName="mfa", MfaConfiguration="ON", AutoVerifiedAttributes=["phone_number"],
        SmsConfiguration={"SnsCallerArn": "arn:aws:iam::000000000000:role/sns", "ExternalId": "x"})["UserPool"]
    assert pool["MfaConfiguration"] == "ON"
    cognito.delete_user_pool(UserPoolId=pool["Id"])


# 4. Codes cannot be brute-forced ------------------------------------------------------------------

@pytest.fixture
def recovery(cognito, pool):
    cid = app(cognito, pool)
    user(cognito, pool, "resetme", [{"Name": "email", "Value": "resetme@example.com"}, {"Name": "email_verified", "Value": "true"}])
    return cid


def test_code_sends_per_user_are_bounded(cognito, recovery):
    for _ in range(10):
        cognito.forgot_password(ClientId=recovery, Username="resetme")
    with pytest.raises(ClientError) as e:
        cognito.forgot_password(ClientId=recovery, Username="resetme")
    assert error_code(e) == "LimitExceededException"
    assert e.value.response["Error"]["Message"] == "Attempt limit exceeded, please try after some time."


def test_parallel_wrong_guesses_are_each_counted(server, cognito, pool, recovery):
    cognito.forgot_password(ClientId=recovery, Username="resetme")

    def guess(i):
        try:
            cognito.confirm_forgot_password(ClientId=recovery, Username="resetme", ConfirmationCode=f"{i:06d}", Password=PASSWORD)
            return "reset"
        except ClientError as e:
            return e.response["Error"]["Code"]
    code = outbox(server, poolId=pool, recipient="resetme@example.com")[-1]["code"]
    guesses = [i for i in range(30) if f"{i:06d}" != code][:20]
    with concurrent.futures.ThreadPoolExecutor(10) as pool_:
        answers = list(pool_.map(guess, guesses))
    assert answers.count("CodeMismatchException") == 5, answers
    assert answers.count("LimitExceededException") == 15
    # The right code is refused too once the code's attempts are used up.
    with pytest.raises(ClientError) as e:
        cognito.confirm_forgot_password(ClientId=recovery, Username="resetme", ConfirmationCode=code, Password=PASSWORD)
    assert error_code(e) == "LimitExceededException"


def test_fresh_codes_do_not_give_fresh_guesses(server, cognito, pool, recovery):
    try:
        for round_ in range(4):
            cognito.forgot_password(ClientId=recovery, Username="resetme")
            for _ in range(5):
                with pytest.raises(ClientError) as e:
                    cognito.confirm_forgot_password(ClientId=recovery, Username="resetme", ConfirmationCode="000000", Password=PASSWORD)
                assert error_code(e) in ("CodeMismatchException", "LimitExceededException")
        cognito.forgot_password(ClientId=recovery, Username="resetme")
        code = outbox(server, poolId=pool, recipient="resetme@example.com")[-1]["code"]
        with pytest.raises(ClientError) as e:
            cognito.confirm_forgot_password(ClientId=recovery, Username="resetme", ConfirmationCode=code, Password=PASSWORD)
        assert error_code(e) == "LimitExceededException"
        # An hour later the window has moved on.
        requests.post(server.url + "/_cognate/clock", json={"advanceSeconds": 3601}, timeout=5)
        cognito.forgot_password(ClientId=recovery, Username="resetme")
        code = outbox(server, poolId=pool, recipient="resetme@example.com")[-1]["code"]
        cognito.confirm_forgot_password(ClientId=recovery, Username="resetme", ConfirmationCode=code, Password="N3w-Passw0rd!")
    finally:
        requests.post(server.url + "/_cognate/clock", json={"offsetSeconds": 0}, timeout=5)


# 9. Secrets at rest and in logs ---------------------------------------------------------------------

def test_database_is_private_and_codes_stay_out_of_log_and_outbox(tmp_path):
    import os
    import sqlite3
    import stat
    data = tmp_path / "private"
    db = data / "cognate.sqlite"
    server = Server(str(db), extra_args=["--no-test-endpoints", "--log-level", "info"], sqlite=True)
    server.log_path = str(tmp_path / "quiet.log")
    server.start()
    try:
        cognito = server.client()
        pool = cognito.create_user_pool(PoolName="quiet", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
        cid = app(cognito, pool)
        cognito.sign_up(ClientId=cid, Username="quiet", Password=PASSWORD, UserAttributes=[{"Name": "email", "Value": "q@example.com"}])
        cognito.admin_create_user(UserPoolId=pool, Username="invited", TemporaryPassword="Temp-Passw0rd!1",
                                  UserAttributes=[{"Name": "email", "Value": "i@example.com"}], DesiredDeliveryMediums=["EMAIL"])
        secret = cognito.create_user_pool_client(UserPoolId=pool, ClientName="confidential", GenerateSecret=True,
                                                 ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientSecret"]
        cognito.set_user_pool_mfa_config(UserPoolId=pool, MfaConfiguration="OPTIONAL", SoftwareTokenMfaConfiguration={"Enabled": True})
        user(cognito, pool, "totp")
        token = sign_in(cognito, cid, "totp")["AuthenticationResult"]["AccessToken"]
        seed = cognito.associate_software_token(AccessToken=token)["SecretCode"]
    finally:
        server.stop()
    assert stat.S_IMODE(os.stat(data).st_mode) == 0o700
    for path in data.iterdir():
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
    log = open(server.log_path).read()
    assert "outbox: EMAIL to i@example.com" in log and "******" in log
    assert "Temp-Passw0rd!1" not in log
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == 0
    # TOTP seeds, client secrets and signing keys are sealed with the key beside the database.
    stored = b"".join(p.read_bytes() for p in data.iterdir() if p.name != "secrets.key")
    for clear in (secret.encode(), seed.encode(), b"PRIVATE KEY"):
        assert clear not in stored
    assert (data / "secrets.key").exists()
    # Restarted with the same key, everything opens; with another, the start stops with a clear error.
    again = Server(str(db), extra_args=["--no-test-endpoints"], sqlite=True)
    again.log_path = str(tmp_path / "again.log")
    again.start()
    try:
        described = again.client().describe_user_pool_client(UserPoolId=pool, ClientId=cid)
        assert described["UserPoolClient"]["ClientId"] == cid
    finally:
        again.stop()
    wrong = tmp_path / "wrong.key"
    wrong.write_text("A" * 43 + "=\n")
    import subprocess
    from conftest import BINARY
    out = subprocess.run([BINARY, "--db", str(db), "--port", "0", "--secrets-key-file", str(wrong)], capture_output=True, text=True, timeout=30)
    assert out.returncode != 0 and "does not open with this secrets key" in (out.stdout + out.stderr)


# 5. PreventUserExistenceErrors=ENABLED reveals nobody --------------------------------------------------

@pytest.fixture
def hiding(cognito, pool):
    cid = app(cognito, pool, PreventUserExistenceErrors="ENABLED")
    user(cognito, pool, "real", [{"Name": "email", "Value": "real@example.com"}, {"Name": "email_verified", "Value": "true"}])
    return cid


def answer(call):
    try:
        return ("ok", call())
    except ClientError as e:
        return (e.response["Error"]["Code"], e.response["Error"]["Message"])


def test_password_sign_in_answers_the_same_for_missing_and_existing(cognito, pool, hiding):
    missing = answer(lambda: sign_in(cognito, hiding, "ghost", WRONG))
    wrong = answer(lambda: sign_in(cognito, hiding, "real", WRONG))
    assert missing == wrong == ("NotAuthorizedException", "Incorrect username or password.")


def test_srp_first_step_is_simulated_with_a_stable_salt(cognito, pool, hiding):
    def first_step(name):
        srp = AWSSRP(username=name, password=WRONG, pool_id=pool, client_id=hiding, client=cognito)
        return cognito.initiate_auth(ClientId=hiding, AuthFlow="USER_SRP_AUTH", AuthParameters=srp.get_auth_params())
    one, two, real = first_step("ghost"), first_step("ghost"), first_step("real")
    assert one["ChallengeName"] == real["ChallengeName"] == "PASSWORD_VERIFIER"
    assert set(one["ChallengeParameters"]) == set(real["ChallengeParameters"])
    assert one["ChallengeParameters"]["SALT"] == two["ChallengeParameters"]["SALT"]
    assert one["ChallengeParameters"]["USER_ID_FOR_SRP"] == two["ChallengeParameters"]["USER_ID_FOR_SRP"]
    assert one["ChallengeParameters"]["SRP_B"] != two["ChallengeParameters"]["SRP_B"]
    assert first_step("other")["ChallengeParameters"]["SALT"] != one["ChallengeParameters"]["SALT"]
    for name in ("ghost", "real"):
        got = answer(lambda: AWSSRP(username=name, password=WRONG, pool_id=pool, client_id=hiding, client=cognito).authenticate_user())
        assert got == ("NotAuthorizedException", "Incorrect username or password."), name


def test_recovery_and_confirmation_answer_as_for_a_real_user(cognito, pool, hiding):
    real = cognito.forgot_password(ClientId=hiding, Username="real")["CodeDeliveryDetails"]
    ghost = cognito.forgot_password(ClientId=hiding, Username="ghost@example.com")["CodeDeliveryDetails"]
    assert set(real) == set(ghost) and ghost["DeliveryMedium"] == "EMAIL" and ghost["Destination"] == "g***@e***"
    assert answer(lambda: cognito.confirm_forgot_password(ClientId=hiding, Username="ghost", ConfirmationCode="123456",
                                                          Password=PASSWORD))[0] == "CodeMismatchException"
    assert answer(lambda: cognito.confirm_forgot_password(ClientId=hiding, Username="real", ConfirmationCode="000000",
                                                          Password=PASSWORD))[0] == "CodeMismatchException"
    resent = cognito.resend_confirmation_code(ClientId=hiding, Username="ghost")["CodeDeliveryDetails"]
    assert resent["DeliveryMedium"] in ("EMAIL", "SMS") and resent["Destination"]
    assert answer(lambda: cognito.confirm_sign_up(ClientId=hiding, Username="ghost", ConfirmationCode="123456"))[0] == "ExpiredCodeException"


def test_user_auth_offers_a_missing_user_what_a_password_user_gets(cognito, pool, hiding):
    def start(name):
        return cognito.initiate_auth(ClientId=hiding, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": name})
    ghost, real = start("ghost"), start("real")
    assert ghost["ChallengeName"] == real["ChallengeName"] == "SELECT_CHALLENGE"
    assert ghost["AvailableChallenges"] == real["AvailableChallenges"]
    got = answer(lambda: cognito.respond_to_auth_challenge(
        ClientId=hiding, ChallengeName="SELECT_CHALLENGE", Session=ghost["Session"],
        ChallengeResponses={"USERNAME": "ghost", "ANSWER": "PASSWORD", "PASSWORD": PASSWORD}))
    assert got == ("NotAuthorizedException", "Incorrect username or password.")


def test_a_disabled_user_is_revealed_only_to_the_right_password(cognito, pool, hiding):
    cognito.admin_disable_user(UserPoolId=pool, Username="real")
    assert answer(lambda: sign_in(cognito, hiding, "real", WRONG)) == ("NotAuthorizedException", "Incorrect username or password.")
    assert answer(lambda: sign_in(cognito, hiding, "real", PASSWORD)) == ("NotAuthorizedException", "User is disabled.")
    ghost = cognito.forgot_password(ClientId=hiding, Username="real")
    assert ghost["CodeDeliveryDetails"]["DeliveryMedium"] in ("EMAIL", "SMS")


def test_a_wrong_password_takes_as_long_for_a_missing_user(server, cognito, pool, hiding):
    body = lambda name: json.dumps({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": hiding,
                                    "AuthParameters": {"USERNAME": name, "PASSWORD": WRONG}})
    session = requests.Session()
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET + "InitiateAuth"}

    def timed(name):
        start = time.perf_counter()
        session.post(server.url + "/", data=body(name), headers=headers, timeout=5)
        return time.perf_counter() - start
    # Four wrong passwords per real user stay below the lockout, which would answer without any work.
    for i in range(15):
        user(cognito, pool, f"timed{i}")
    real, ghost = [], []
    for i in range(60):
        real.append(timed(f"timed{i % 15}"))
        ghost.append(timed(f"ghost{i}"))
    real.sort()
    ghost.sort()
    median_real, median_ghost = real[30], ghost[30]
    assert abs(median_real - median_ghost) < 0.2 * median_real, (median_real, median_ghost)
