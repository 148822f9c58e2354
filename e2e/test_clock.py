"""The test clock: a suite moves Cognate's clock forward to see codes, temporary passwords and tokens expire.
Without the test endpoints (--no-test-endpoints) none of /_cognate/outbox, reset or clock is served."""
import pytest
import requests

from conftest import Server, outbox

PASSWORD = "Str0ng-Passw0rd!"


@pytest.fixture
def pool(cognito):
    pool = cognito.create_user_pool(PoolName="clock", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    cid = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app",
                                          ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    yield pool, cid
    cognito.delete_user_pool(UserPoolId=pool)


def test_the_clock_moves_and_resets(server, clock):
    before = requests.get(server.url + "/_cognate/clock", timeout=5).json()
    assert before["offsetSeconds"] == 0
    moved = clock(advanceSeconds=3600)
    assert moved["offsetSeconds"] == 3600 and moved["now"] >= before["now"] + 3600
    assert clock(offsetSeconds=10)["offsetSeconds"] == 10


def test_a_sign_up_code_expires_after_24_hours(server, cognito, pool, clock):
    pool_id, cid = pool
    cognito.sign_up(ClientId=cid, Username="late", Password=PASSWORD, UserAttributes=[{"Name": "email", "Value": "late@example.com"}])
    code = outbox(server, poolId=pool_id, recipient="late@example.com")[-1]["code"]
    clock(advanceSeconds=24 * 3600 + 1)
    with pytest.raises(cognito.exceptions.ExpiredCodeException):
        cognito.confirm_sign_up(ClientId=cid, Username="late", ConfirmationCode=code)
    cognito.resend_confirmation_code(ClientId=cid, Username="late")
    fresh = outbox(server, poolId=pool_id, recipient="late@example.com")[-1]["code"]
    cognito.confirm_sign_up(ClientId=cid, Username="late", ConfirmationCode=fresh)


def test_a_password_reset_code_expires_after_an_hour(server, cognito, pool, clock):
    pool_id, cid = pool
    cognito.admin_create_user(UserPoolId=pool_id, Username="reset", TemporaryPassword=PASSWORD, MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": "reset@example.com"}, {"Name": "email_verified", "Value": "true"}])
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="reset", Password=PASSWORD, Permanent=True)
    cognito.forgot_password(ClientId=cid, Username="reset")
    code = outbox(server, poolId=pool_id, recipient="reset@example.com")[-1]["code"]
    clock(advanceSeconds=3601)
    with pytest.raises(cognito.exceptions.ExpiredCodeException):
        cognito.confirm_forgot_password(ClientId=cid, Username="reset", ConfirmationCode=code, Password="N3w-Passw0rd!")


def test_a_temporary_password_expires(cognito, pool, clock):
    pool_id, cid = pool
    cognito.update_user_pool(UserPoolId=pool_id, AutoVerifiedAttributes=["email"],
                             Policies={"PasswordPolicy": {"MinimumLength": 8, "TemporaryPasswordValidityDays": 1}})
    cognito.admin_create_user(UserPoolId=pool_id, Username="temp", TemporaryPassword=PASSWORD, MessageAction="SUPPRESS")
    challenge = cognito.initiate_auth(ClientId=cid, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "temp", "PASSWORD": PASSWORD})
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    clock(advanceSeconds=24 * 3600 + 1)
    with pytest.raises(cognito.exceptions.NotAuthorizedException) as e:
        cognito.initiate_auth(ClientId=cid, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "temp", "PASSWORD": PASSWORD})
    assert e.value.response["Error"]["Message"] == "Temporary password has expired and must be reset by an administrator."


def test_without_test_endpoints_nothing_test_only_is_served(tmp_path):
    server = Server(str(tmp_path / "closed.sqlite"), extra_args=["--no-test-endpoints"]).start()
    try:
        for method, path in [("GET", "/_cognate/outbox"), ("POST", "/_cognate/reset"), ("POST", "/moto-api/reset"),
                             ("GET", "/_cognate/clock"), ("POST", "/_cognate/clock")]:
            answer = requests.request(method, server.url + path, json={}, timeout=5)
            assert answer.status_code == 404, path
        assert requests.get(server.url + "/_cognate/health", timeout=5).json() == {"status": "ok"}
        assert server.client().list_user_pools(MaxResults=10)["UserPools"] == []
    finally:
        server.stop()
