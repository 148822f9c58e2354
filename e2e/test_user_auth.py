"""Choice-based sign-in (USER_AUTH): AvailableChallenges from the pool's allowed first factors and the
user's verified addresses, PREFERRED_CHALLENGE, SELECT_CHALLENGE, and each first factor signing in."""
import uuid

import pytest
from pycognito.aws_srp import AWSSRP, long_to_hex

from conftest import outbox

PASSWORD = "Str0ng-Passw0rd!"
EMAIL = "uma@example.com"
PHONE = "+15555550177"


@pytest.fixture
def choice_pool(cognito):
    pool = cognito.create_user_pool(
        PoolName="choice-" + uuid.uuid4().hex[:6],
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]}},
        EmailConfiguration={"EmailSendingAccount": "DEVELOPER", "SourceArn": "arn:aws:ses:us-east-1:000000000000:identity/example.com"},
    )["UserPool"]["Id"]
    cid = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app",
                                          ExplicitAuthFlows=["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="uma", MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "email", "Value": EMAIL}, {"Name": "email_verified", "Value": "true"},
        {"Name": "phone_number", "Value": PHONE}, {"Name": "phone_number_verified", "Value": "true"}])
    cognito.admin_set_user_password(UserPoolId=pool, Username="uma", Password=PASSWORD, Permanent=True)
    yield pool, cid
    cognito.delete_user_pool(UserPoolId=pool)


def user_auth(cognito, cid, **params):
    return cognito.initiate_auth(ClientId=cid, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": "uma", **params})


def respond(cognito, cid, challenge, session, **answers):
    return cognito.respond_to_auth_challenge(ClientId=cid, ChallengeName=challenge, Session=session,
                                             ChallengeResponses={"USERNAME": "uma", **answers})


def last_code(server, pool, recipient):
    return [m for m in outbox(server, poolId=pool, recipient=recipient) if m["purpose"] == "mfa"][-1]["code"]


def test_select_challenge_lists_what_the_user_can_use(cognito, choice_pool):
    pool, cid = choice_pool
    choice = user_auth(cognito, cid)
    assert choice["ChallengeName"] == "SELECT_CHALLENGE"
    assert choice["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP"]
    with pytest.raises(cognito.exceptions.InvalidParameterException):
        respond(cognito, cid, "SELECT_CHALLENGE", choice["Session"], ANSWER="WEB_AUTHN")
    tokens = respond(cognito, cid, "SELECT_CHALLENGE", choice["Session"], ANSWER="PASSWORD", PASSWORD=PASSWORD)
    assert tokens["AuthenticationResult"]["AccessToken"]
    # Without a verified phone number, SMS_OTP is not offered.
    cognito.admin_update_user_attributes(UserPoolId=pool, Username="uma", UserAttributes=[{"Name": "phone_number_verified", "Value": "false"}])
    assert user_auth(cognito, cid)["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]


def test_email_and_sms_one_time_codes(server, cognito, choice_pool):
    pool, cid = choice_pool
    email = user_auth(cognito, cid, PREFERRED_CHALLENGE="EMAIL_OTP")
    assert email["ChallengeName"] == "EMAIL_OTP"
    assert email["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "u***@e***"
    tokens = respond(cognito, cid, "EMAIL_OTP", email["Session"], EMAIL_OTP_CODE=last_code(server, pool, EMAIL))
    assert tokens["AuthenticationResult"]["IdToken"]

    choice = user_auth(cognito, cid)
    sms = respond(cognito, cid, "SELECT_CHALLENGE", choice["Session"], ANSWER="SMS_OTP")
    assert sms["ChallengeName"] == "SMS_OTP"
    code = last_code(server, pool, PHONE)
    with pytest.raises(cognito.exceptions.CodeMismatchException):
        respond(cognito, cid, "SMS_OTP", sms["Session"], SMS_OTP_CODE="000000" if code != "000000" else "111111")
    assert respond(cognito, cid, "SMS_OTP", sms["Session"], SMS_OTP_CODE=code)["AuthenticationResult"]


def test_password_factors(cognito, choice_pool):
    pool, cid = choice_pool
    assert user_auth(cognito, cid, PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD)["AuthenticationResult"]
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        user_auth(cognito, cid, PREFERRED_CHALLENGE="PASSWORD", PASSWORD="Wr0ng-Passw0rd!")
    asked = user_auth(cognito, cid, PREFERRED_CHALLENGE="PASSWORD")
    assert asked["ChallengeName"] == "PASSWORD"
    assert respond(cognito, cid, "PASSWORD", asked["Session"], PASSWORD=PASSWORD)["AuthenticationResult"]

    # PASSWORD_SRP: the PASSWORD_VERIFIER step is answered by pycognito's SRP client.
    srp = AWSSRP(username="uma", password=PASSWORD, pool_id=pool, client_id=cid, client=cognito)
    verifier = user_auth(cognito, cid, PREFERRED_CHALLENGE="PASSWORD_SRP", SRP_A=long_to_hex(srp.large_a_value))
    assert verifier["ChallengeName"] == "PASSWORD_VERIFIER"
    answers = srp.process_challenge(verifier["ChallengeParameters"], {"USERNAME": "uma"})
    tokens = cognito.respond_to_auth_challenge(ClientId=cid, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answers)
    assert tokens["AuthenticationResult"]["AccessToken"]


def test_user_auth_needs_the_client_and_the_tier(cognito, choice_pool):
    pool, _ = choice_pool
    other = cognito.create_user_pool_client(UserPoolId=pool, ClientName="old",
                                            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
    with pytest.raises(cognito.exceptions.InvalidParameterException):
        user_auth(cognito, other)
    lite = cognito.create_user_pool(PoolName="lite", UserPoolTier="LITE")["UserPool"]["Id"]
    cid = cognito.create_user_pool_client(UserPoolId=lite, ClientName="c", ExplicitAuthFlows=["ALLOW_USER_AUTH"])["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=lite, Username="uma", MessageAction="SUPPRESS")
    with pytest.raises(cognito.exceptions.FeatureUnavailableInTierException):
        user_auth(cognito, cid)
    cognito.delete_user_pool(UserPoolId=lite)
