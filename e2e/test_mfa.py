"""Multi-factor sign-in checked for real: TOTP codes from pyotp (a wrong or reused code is refused), SMS and
email codes read from the outbox, MFA_SETUP for pools that require MFA, SELECT_MFA_TYPE, and the lockout."""
import time
import uuid

import pyotp
import pytest
from botocore.exceptions import ClientError

from conftest import error_code, outbox

PASSWORD = "Str0ng-Passw0rd!"
FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"]
SMS = {"SmsAuthenticationMessage": "Your sign-in code is {####}",
       "SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::000000000000:role/sns", "ExternalId": "cognate"}}


@pytest.fixture
def mfa_pool(cognito):
    pool = cognito.create_user_pool(
        PoolName="mfa-" + uuid.uuid4().hex[:6],
        EmailConfiguration={"EmailSendingAccount": "DEVELOPER", "SourceArn": "arn:aws:ses:us-east-1:000000000000:identity/example.com",
                            "From": "noreply@example.com"})["UserPool"]["Id"]
    cid = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app", ExplicitAuthFlows=FLOWS)["UserPoolClient"]["ClientId"]
    yield pool, cid
    cognito.delete_user_pool(UserPoolId=pool)


def make_user(cognito, pool, name, **attributes):
    attrs = [{"Name": k, "Value": v} for k, v in attributes.items()]
    cognito.admin_create_user(UserPoolId=pool, Username=name, MessageAction="SUPPRESS", UserAttributes=attrs)
    cognito.admin_set_user_password(UserPoolId=pool, Username=name, Password=PASSWORD, Permanent=True)


def sign_in(cognito, cid, name, password=PASSWORD):
    return cognito.initiate_auth(ClientId=cid, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": name, "PASSWORD": password})


def respond(cognito, cid, name, challenge, session, **answers):
    return cognito.respond_to_auth_challenge(ClientId=cid, ChallengeName=challenge, Session=session,
                                             ChallengeResponses={"USERNAME": name, **answers})


def wrong(code):
    return "000000" if code != "000000" else "111111"


def mfa_code(server, pool, recipient):
    return [m for m in outbox(server, poolId=pool, recipient=recipient) if m["purpose"] == "mfa"][-1]


def test_pool_mfa_configuration(cognito, mfa_pool):
    pool, _ = mfa_pool
    initial = cognito.get_user_pool_mfa_config(UserPoolId=pool)
    assert initial["MfaConfiguration"] == "OFF"
    assert initial["SoftwareTokenMfaConfiguration"] == {"Enabled": False}
    with pytest.raises(cognito.exceptions.InvalidParameterException):
        cognito.set_user_pool_mfa_config(UserPoolId=pool, MfaConfiguration="ON")
    answer = cognito.set_user_pool_mfa_config(UserPoolId=pool, MfaConfiguration="OPTIONAL", SmsMfaConfiguration=SMS,
                                              SoftwareTokenMfaConfiguration={"Enabled": True},
                                              EmailMfaConfiguration={"Message": "Code {####}", "Subject": "Sign-in code"})
    assert answer["MfaConfiguration"] == "OPTIONAL"
    assert answer["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
    assert answer["SmsMfaConfiguration"]["SmsAuthenticationMessage"] == "Your sign-in code is {####}"
    assert answer["EmailMfaConfiguration"] == {"Message": "Code {####}", "Subject": "Sign-in code"}
    got = cognito.get_user_pool_mfa_config(UserPoolId=pool)
    assert {k: got[k] for k in answer if k != "ResponseMetadata"} == {k: answer[k] for k in answer if k != "ResponseMetadata"}
    assert cognito.describe_user_pool(UserPoolId=pool)["UserPool"]["MfaConfiguration"] == "OPTIONAL"
    # A factor left out is turned off.
    off = cognito.set_user_pool_mfa_config(UserPoolId=pool, MfaConfiguration="OPTIONAL", SoftwareTokenMfaConfiguration={"Enabled": True})
    assert "SmsMfaConfiguration" not in off and "EmailMfaConfiguration" not in off
    # Email MFA needs Amazon SES sending.
    plain = cognito.create_user_pool(PoolName="plain")["UserPool"]["Id"]
    with pytest.raises(cognito.exceptions.InvalidParameterException):
        cognito.set_user_pool_mfa_config(UserPoolId=plain, MfaConfiguration="OPTIONAL", EmailMfaConfiguration={"Subject": "x"})
    cognito.delete_user_pool(UserPoolId=plain)
    with pytest.raises(cognito.exceptions.ResourceNotFoundException):
        cognito.get_user_pool_mfa_config(UserPoolId="us-east-1_missing")


def test_totp_set_up_with_an_access_token(cognito, mfa_pool):
    pool, cid = mfa_pool
    make_user(cognito, pool, "tina")
    access = sign_in(cognito, cid, "tina")["AuthenticationResult"]["AccessToken"]
    with pytest.raises(cognito.exceptions.SoftwareTokenMFANotFoundException):
        cognito.associate_software_token(AccessToken=access)
    cognito.set_user_pool_mfa_config(UserPoolId=pool, MfaConfiguration="OPTIONAL", SoftwareTokenMfaConfiguration={"Enabled": True})
    with pytest.raises(cognito.exceptions.InvalidParameterException):
        cognito.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True})
    secret = cognito.associate_software_token(AccessToken=access)["SecretCode"]
    assert len(secret) == 52
    totp = pyotp.TOTP(secret)
    first = totp.now()
    with pytest.raises(cognito.exceptions.EnableSoftwareTokenMFAException):
        cognito.verify_software_token(AccessToken=access, UserCode=wrong(first))
    assert cognito.verify_software_token(AccessToken=access, UserCode=first, FriendlyDeviceName="phone")["Status"] == "SUCCESS"
    user = cognito.admin_get_user(UserPoolId=pool, Username="tina")
    assert user["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"] and "PreferredMfaSetting" not in user

    challenge = sign_in(cognito, cid, "tina")
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert challenge["ChallengeParameters"]["FRIENDLY_DEVICE_NAME"] == "phone"
    session = challenge["Session"]
    with pytest.raises(cognito.exceptions.CodeMismatchException):
        respond(cognito, cid, "tina", "SOFTWARE_TOKEN_MFA", session, SOFTWARE_TOKEN_MFA_CODE=wrong(first))
    # The code that verified the token was used once already: AWS says so.
    with pytest.raises(cognito.exceptions.ExpiredCodeException) as e:
        respond(cognito, cid, "tina", "SOFTWARE_TOKEN_MFA", session, SOFTWARE_TOKEN_MFA_CODE=first)
    assert e.value.response["Error"]["Message"] == "Your software token has already been used once."
    following = totp.at(time.time() + 30)
    tokens = respond(cognito, cid, "tina", "SOFTWARE_TOKEN_MFA", session, SOFTWARE_TOKEN_MFA_CODE=following)
    assert tokens["AuthenticationResult"]["AccessToken"]
    # The session is used up, and the accepted code cannot be used again.
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        respond(cognito, cid, "tina", "SOFTWARE_TOKEN_MFA", session, SOFTWARE_TOKEN_MFA_CODE=following)
    again = sign_in(cognito, cid, "tina")
    with pytest.raises(cognito.exceptions.ExpiredCodeException):
        respond(cognito, cid, "tina", "SOFTWARE_TOKEN_MFA", again["Session"], SOFTWARE_TOKEN_MFA_CODE=following)

    # An administrator deletes the token (a lost phone): sign-in needs the password alone, and a new token can be set up.
    cognito.admin_delete_software_token(UserPoolId=pool, Username="tina")
    assert "UserMFASettingList" not in cognito.admin_get_user(UserPoolId=pool, Username="tina")
    assert "AuthenticationResult" in sign_in(cognito, cid, "tina")
    with pytest.raises(cognito.exceptions.ResourceNotFoundException):
        cognito.admin_delete_software_token(UserPoolId=pool, Username="tina")
    secret = cognito.associate_software_token(AccessToken=tokens["AuthenticationResult"]["AccessToken"])["SecretCode"]
    cognito.verify_software_token(AccessToken=tokens["AuthenticationResult"]["AccessToken"], UserCode=pyotp.TOTP(secret).now())
    assert sign_in(cognito, cid, "tina")["ChallengeName"] == "SOFTWARE_TOKEN_MFA"

    # The user turns TOTP off: sign-in needs the password alone again.
    cognito.set_user_mfa_preference(AccessToken=tokens["AuthenticationResult"]["AccessToken"], SoftwareTokenMfaSettings={"Enabled": False})
    assert "AuthenticationResult" in sign_in(cognito, cid, "tina")


def test_mfa_required_sets_up_totp_during_sign_in(cognito, mfa_pool):
    pool, cid = mfa_pool
    cognito.set_user_pool_mfa_config(UserPoolId=pool, MfaConfiguration="ON", SoftwareTokenMfaConfiguration={"Enabled": True})
    make_user(cognito, pool, "newbie")
    setup = sign_in(cognito, cid, "newbie")
    assert setup["ChallengeName"] == "MFA_SETUP"
    assert setup["ChallengeParameters"]["MFAS_CAN_SETUP"] == '["SOFTWARE_TOKEN_MFA"]'
    with pytest.raises(cognito.exceptions.InvalidParameterException):
        respond(cognito, cid, "newbie", "MFA_SETUP", setup["Session"])
    setup = sign_in(cognito, cid, "newbie")
    associated = cognito.associate_software_token(Session=setup["Session"])
    totp = pyotp.TOTP(associated["SecretCode"])
    with pytest.raises(cognito.exceptions.EnableSoftwareTokenMFAException):
        cognito.verify_software_token(Session=associated["Session"], UserCode=wrong(totp.now()))
    verified = cognito.verify_software_token(Session=associated["Session"], UserCode=totp.now())
    assert verified["Status"] == "SUCCESS"
    tokens = respond(cognito, cid, "newbie", "MFA_SETUP", verified["Session"])
    assert tokens["AuthenticationResult"]["IdToken"]
    assert sign_in(cognito, cid, "newbie")["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    with pytest.raises(cognito.exceptions.InvalidParameterException):
        cognito.set_user_mfa_preference(AccessToken=tokens["AuthenticationResult"]["AccessToken"],
                                        SoftwareTokenMfaSettings={"Enabled": False})


def test_sms_mfa_with_the_code_from_the_outbox(server, cognito, mfa_pool):
    pool, cid = mfa_pool
    cognito.set_user_pool_mfa_config(UserPoolId=pool, MfaConfiguration="OPTIONAL", SmsMfaConfiguration=SMS)
    make_user(cognito, pool, "sam", phone_number="+15555550123")
    cognito.admin_set_user_mfa_preference(UserPoolId=pool, Username="sam", SMSMfaSettings={"Enabled": True})
    challenge = sign_in(cognito, cid, "sam")
    assert challenge["ChallengeName"] == "SMS_MFA"
    assert challenge["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "SMS"
    assert challenge["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "+*******0123"
    message = mfa_code(server, pool, "+15555550123")
    assert message["body"] == f"Your sign-in code is {message['code']}"
    with pytest.raises(cognito.exceptions.CodeMismatchException) as e:
        respond(cognito, cid, "sam", "SMS_MFA", challenge["Session"], SMS_MFA_CODE=wrong(message["code"]))
    assert e.value.response["Error"]["Message"] == "Invalid code or auth state for the user."
    tokens = respond(cognito, cid, "sam", "SMS_MFA", challenge["Session"], SMS_MFA_CODE=message["code"])
    assert tokens["AuthenticationResult"]["AccessToken"]
    user = cognito.get_user(AccessToken=tokens["AuthenticationResult"]["AccessToken"])
    assert user["UserMFASettingList"] == ["SMS_MFA"]
    assert user["MFAOptions"] == [{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]
    # The legacy settings call turns it off.
    cognito.admin_set_user_settings(UserPoolId=pool, Username="sam", MFAOptions=[])
    assert "AuthenticationResult" in sign_in(cognito, cid, "sam")


def test_email_mfa(server, cognito, mfa_pool):
    pool, cid = mfa_pool
    cognito.set_user_pool_mfa_config(UserPoolId=pool, MfaConfiguration="OPTIONAL",
                                     EmailMfaConfiguration={"Message": "Sign-in code {####}", "Subject": "Your code"})
    make_user(cognito, pool, "eve", email="eve@example.com")
    cognito.admin_set_user_mfa_preference(UserPoolId=pool, Username="eve", EmailMfaSettings={"Enabled": True, "PreferredMfa": True})
    assert cognito.admin_get_user(UserPoolId=pool, Username="eve")["PreferredMfaSetting"] == "EMAIL_OTP"
    challenge = sign_in(cognito, cid, "eve")
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    assert challenge["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "e***@e***"
    message = mfa_code(server, pool, "eve@example.com")
    assert message["subject"] == "Your code" and message["body"] == f"Sign-in code {message['code']}"
    tokens = respond(cognito, cid, "eve", "EMAIL_OTP", challenge["Session"], EMAIL_OTP_CODE=message["code"])
    assert tokens["AuthenticationResult"]["RefreshToken"]


def test_select_mfa_type_and_preference(server, cognito, mfa_pool):
    pool, cid = mfa_pool
    cognito.set_user_pool_mfa_config(UserPoolId=pool, MfaConfiguration="OPTIONAL", SmsMfaConfiguration=SMS,
                                     SoftwareTokenMfaConfiguration={"Enabled": True})
    make_user(cognito, pool, "both", phone_number="+15555550188")
    access = sign_in(cognito, cid, "both")["AuthenticationResult"]["AccessToken"]
    secret = cognito.associate_software_token(AccessToken=access)["SecretCode"]
    cognito.verify_software_token(AccessToken=access, UserCode=pyotp.TOTP(secret).now())
    cognito.set_user_mfa_preference(AccessToken=access, SMSMfaSettings={"Enabled": True})
    with pytest.raises(cognito.exceptions.InvalidParameterException):
        cognito.set_user_mfa_preference(AccessToken=access, SMSMfaSettings={"PreferredMfa": True},
                                        SoftwareTokenMfaSettings={"PreferredMfa": True})
    cognito.sign_up(ClientId=cid, Username="pending", Password=PASSWORD)
    with pytest.raises(cognito.exceptions.UserNotConfirmedException):
        cognito.admin_set_user_mfa_preference(UserPoolId=pool, Username="pending", SMSMfaSettings={"Enabled": True})
    choose = sign_in(cognito, cid, "both")
    assert choose["ChallengeName"] == "SELECT_MFA_TYPE"
    assert choose["ChallengeParameters"]["MFAS_CAN_CHOOSE"] == '["SMS_MFA","SOFTWARE_TOKEN_MFA"]'
    sms = respond(cognito, cid, "both", "SELECT_MFA_TYPE", choose["Session"], ANSWER="SMS_MFA")
    assert sms["ChallengeName"] == "SMS_MFA"
    code = mfa_code(server, pool, "+15555550188")["code"]
    assert respond(cognito, cid, "both", "SMS_MFA", sms["Session"], SMS_MFA_CODE=code)["AuthenticationResult"]
    cognito.admin_set_user_mfa_preference(UserPoolId=pool, Username="both", SoftwareTokenMfaSettings={"PreferredMfa": True})
    factors = cognito.admin_get_user_auth_factors(UserPoolId=pool, Username="both")
    assert factors["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"
    assert factors["UserMFASettingList"] == ["SMS_MFA", "SOFTWARE_TOKEN_MFA"]
    assert factors["ConfiguredUserAuthFactors"] == ["PASSWORD"]
    assert sign_in(cognito, cid, "both")["ChallengeName"] == "SOFTWARE_TOKEN_MFA"


def test_wrong_mfa_codes_count_toward_the_lockout(server, cognito, mfa_pool):
    pool, cid = mfa_pool
    cognito.set_user_pool_mfa_config(UserPoolId=pool, MfaConfiguration="OPTIONAL", SmsMfaConfiguration=SMS)
    make_user(cognito, pool, "guess", phone_number="+15555550199")
    cognito.admin_set_user_mfa_preference(UserPoolId=pool, Username="guess", SMSMfaSettings={"Enabled": True})
    challenge = sign_in(cognito, cid, "guess")
    code = mfa_code(server, pool, "+15555550199")["code"]
    for _ in range(3):
        with pytest.raises(cognito.exceptions.CodeMismatchException):
            respond(cognito, cid, "guess", "SMS_MFA", challenge["Session"], SMS_MFA_CODE=wrong(code))
    # Three wrong codes use up the session.
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        respond(cognito, cid, "guess", "SMS_MFA", challenge["Session"], SMS_MFA_CODE=code)
    # Two more make five failed sign-ins: even the right code is refused now, and so is the password.
    challenge = sign_in(cognito, cid, "guess")
    code = mfa_code(server, pool, "+15555550199")["code"]
    for _ in range(2):
        with pytest.raises(cognito.exceptions.CodeMismatchException):
            respond(cognito, cid, "guess", "SMS_MFA", challenge["Session"], SMS_MFA_CODE=wrong(code))
    for attempt in (lambda: respond(cognito, cid, "guess", "SMS_MFA", challenge["Session"], SMS_MFA_CODE=code),
                    lambda: sign_in(cognito, cid, "guess")):
        with pytest.raises(ClientError) as e:
            attempt()
        assert error_code(e) == "NotAuthorizedException"
        assert e.value.response["Error"]["Message"] == "Password attempts exceeded"
