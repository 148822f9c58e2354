"""Sign-up, confirmation codes, password recovery and the operations users call with their access token."""
import pytest
from botocore.exceptions import ClientError

from conftest import error_code, outbox

PASSWORD = "Str0ng-Passw0rd!"


@pytest.fixture
def verifying_pool(cognito):
    pool = cognito.create_user_pool(PoolName="selfservice", AutoVerifiedAttributes=["email"],
                                    VerificationMessageTemplate={"EmailMessage": "Code: {####}", "EmailSubject": "Verify me"})["UserPool"]["Id"]
    cid = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app",
                                          ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    yield pool, cid
    cognito.delete_user_pool(UserPoolId=pool)


def last_code(server, pool, recipient, purpose):
    messages = [m for m in outbox(server, poolId=pool, recipient=recipient) if m["purpose"] == purpose]
    return messages[-1]


def sign_in(cognito, cid, username, password=PASSWORD):
    return cognito.initiate_auth(ClientId=cid, AuthFlow="USER_PASSWORD_AUTH",
                                 AuthParameters={"USERNAME": username, "PASSWORD": password})


def signed_up(server, cognito, pool, cid, username="sam", email="sam@example.com"):
    cognito.sign_up(ClientId=cid, Username=username, Password=PASSWORD, UserAttributes=[{"Name": "email", "Value": email}])
    code = last_code(server, pool, email, "signup")["code"]
    cognito.confirm_sign_up(ClientId=cid, Username=username, ConfirmationCode=code)
    return sign_in(cognito, cid, username)["AuthenticationResult"]


def test_sign_up_and_confirm(server, cognito, verifying_pool):
    pool, cid = verifying_pool
    answer = cognito.sign_up(ClientId=cid, Username="sam", Password=PASSWORD, UserAttributes=[{"Name": "email", "Value": "sam@example.com"}])
    assert answer["UserConfirmed"] is False and len(answer["UserSub"]) == 36
    assert answer["CodeDeliveryDetails"] == {"Destination": "s***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    message = last_code(server, pool, "sam@example.com", "signup")
    assert message["subject"] == "Verify me" and message["body"] == f"Code: {message['code']}" and len(message["code"]) == 6
    with pytest.raises(cognito.exceptions.UserNotConfirmedException):
        sign_in(cognito, cid, "sam")
    wrong = "000000" if message["code"] != "000000" else "111111"
    with pytest.raises(cognito.exceptions.CodeMismatchException):
        cognito.confirm_sign_up(ClientId=cid, Username="sam", ConfirmationCode=wrong)
    cognito.confirm_sign_up(ClientId=cid, Username="sam", ConfirmationCode=message["code"])
    user = cognito.admin_get_user(UserPoolId=pool, Username="sam")
    assert user["UserStatus"] == "CONFIRMED"
    assert {a["Name"]: a["Value"] for a in user["UserAttributes"]}["email_verified"] == "true"
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.confirm_sign_up(ClientId=cid, Username="sam", ConfirmationCode=message["code"])
    assert sign_in(cognito, cid, "sam")["AuthenticationResult"]["AccessToken"]


def test_sign_up_rejections(server, cognito, verifying_pool):
    pool, cid = verifying_pool
    cognito.sign_up(ClientId=cid, Username="taken", Password=PASSWORD)
    with pytest.raises(cognito.exceptions.UsernameExistsException):
        cognito.sign_up(ClientId=cid, Username="taken", Password=PASSWORD)
    with pytest.raises(cognito.exceptions.InvalidPasswordException):
        cognito.sign_up(ClientId=cid, Username="weak", Password="weakpass")
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.sign_up(ClientId=cid, Username="sneaky", Password=PASSWORD, UserAttributes=[{"Name": "email_verified", "Value": "true"}])
    admin_only = cognito.create_user_pool(PoolName="adminonly", AdminCreateUserConfig={"AllowAdminCreateUserOnly": True})["UserPool"]["Id"]
    client = cognito.create_user_pool_client(UserPoolId=admin_only, ClientName="c")["UserPoolClient"]["ClientId"]
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.sign_up(ClientId=client, Username="nobody", Password=PASSWORD)
    cognito.delete_user_pool(UserPoolId=admin_only)


def test_resend_replaces_the_code(server, cognito, verifying_pool):
    pool, cid = verifying_pool
    cognito.sign_up(ClientId=cid, Username="re", Password=PASSWORD, UserAttributes=[{"Name": "email", "Value": "re@example.com"}])
    first = last_code(server, pool, "re@example.com", "signup")["code"]
    cognito.resend_confirmation_code(ClientId=cid, Username="re")
    second = last_code(server, pool, "re@example.com", "signup")["code"]
    if first != second:
        with pytest.raises(cognito.exceptions.CodeMismatchException):
            cognito.confirm_sign_up(ClientId=cid, Username="re", ConfirmationCode=first)
    cognito.confirm_sign_up(ClientId=cid, Username="re", ConfirmationCode=second)
    with pytest.raises(ClientError) as e:
        cognito.resend_confirmation_code(ClientId=cid, Username="re")
    assert error_code(e) == "InvalidParameterException"


def test_forgot_password(server, cognito, verifying_pool):
    pool, cid = verifying_pool
    signed_up(server, cognito, pool, cid)
    answer = cognito.forgot_password(ClientId=cid, Username="sam")
    assert answer["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    code = last_code(server, pool, "sam@example.com", "forgot-password")["code"]
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(cognito.exceptions.CodeMismatchException):
        cognito.confirm_forgot_password(ClientId=cid, Username="sam", ConfirmationCode=wrong, Password="N3w-Passw0rd!")
    with pytest.raises(cognito.exceptions.InvalidPasswordException):
        cognito.confirm_forgot_password(ClientId=cid, Username="sam", ConfirmationCode=code, Password="weak")
    cognito.confirm_forgot_password(ClientId=cid, Username="sam", ConfirmationCode=code, Password="N3w-Passw0rd!")
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        sign_in(cognito, cid, "sam")
    assert sign_in(cognito, cid, "sam", "N3w-Passw0rd!")["AuthenticationResult"]
    # The code is used up: with none outstanding, AWS asks for a new one.
    with pytest.raises(cognito.exceptions.ExpiredCodeException) as e:
        cognito.confirm_forgot_password(ClientId=cid, Username="sam", ConfirmationCode=code, Password="Th1rd-Passw0rd!")
    assert e.value.response["Error"]["Message"] == "Invalid code provided, please request a code again."


def test_forgot_password_needs_a_verified_address(cognito, verifying_pool):
    pool, cid = verifying_pool
    cognito.admin_create_user(UserPoolId=pool, Username="noaddr", MessageAction="SUPPRESS")
    # With its temporary password still to change, the user has no password to reset.
    with pytest.raises(ClientError) as e:
        cognito.forgot_password(ClientId=cid, Username="noaddr")
    assert (error_code(e), e.value.response["Error"]["Message"]) == \
        ("NotAuthorizedException", "User password cannot be reset in the current state.")
    cognito.admin_set_user_password(UserPoolId=pool, Username="noaddr", Password="Str0ng-Passw0rd!", Permanent=True)
    with pytest.raises(ClientError) as e:
        cognito.forgot_password(ClientId=cid, Username="noaddr")
    assert (error_code(e), e.value.response["Error"]["Message"]) == \
        ("InvalidParameterException", "Cannot reset password for the user as there is no registered/verified email or phone_number")


def test_admin_reset_user_password(server, cognito, verifying_pool):
    pool, cid = verifying_pool
    signed_up(server, cognito, pool, cid)
    cognito.admin_reset_user_password(UserPoolId=pool, Username="sam")
    assert cognito.admin_get_user(UserPoolId=pool, Username="sam")["UserStatus"] == "RESET_REQUIRED"
    with pytest.raises(cognito.exceptions.PasswordResetRequiredException):
        sign_in(cognito, cid, "sam")
    code = last_code(server, pool, "sam@example.com", "forgot-password")["code"]
    cognito.confirm_forgot_password(ClientId=cid, Username="sam", ConfirmationCode=code, Password="N3w-Passw0rd!")
    assert cognito.admin_get_user(UserPoolId=pool, Username="sam")["UserStatus"] == "CONFIRMED"
    assert sign_in(cognito, cid, "sam", "N3w-Passw0rd!")["AuthenticationResult"]


def test_change_password(server, cognito, verifying_pool):
    pool, cid = verifying_pool
    tokens = signed_up(server, cognito, pool, cid)
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.change_password(PreviousPassword="Wr0ng-Passw0rd!", ProposedPassword="N3w-Passw0rd!", AccessToken=tokens["AccessToken"])
    with pytest.raises(cognito.exceptions.InvalidPasswordException):
        cognito.change_password(PreviousPassword=PASSWORD, ProposedPassword="weak", AccessToken=tokens["AccessToken"])
    cognito.change_password(PreviousPassword=PASSWORD, ProposedPassword="N3w-Passw0rd!", AccessToken=tokens["AccessToken"])
    assert sign_in(cognito, cid, "sam", "N3w-Passw0rd!")["AuthenticationResult"]


def test_attributes_and_verification(server, cognito, verifying_pool):
    pool, cid = verifying_pool
    token = signed_up(server, cognito, pool, cid)["AccessToken"]
    answer = cognito.update_user_attributes(AccessToken=token, UserAttributes=[
        {"Name": "email", "Value": "sam2@example.com"}, {"Name": "name", "Value": "Sam"}])
    assert answer["CodeDeliveryDetailsList"][0]["AttributeName"] == "email"
    attributes = {a["Name"]: a["Value"] for a in cognito.get_user(AccessToken=token)["UserAttributes"]}
    assert attributes["email"] == "sam2@example.com" and attributes["email_verified"] == "false" and attributes["name"] == "Sam"
    code = last_code(server, pool, "sam2@example.com", "verify:email")["code"]
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(cognito.exceptions.CodeMismatchException):
        cognito.verify_user_attribute(AccessToken=token, AttributeName="email", Code=wrong)
    cognito.verify_user_attribute(AccessToken=token, AttributeName="email", Code=code)
    attributes = {a["Name"]: a["Value"] for a in cognito.get_user(AccessToken=token)["UserAttributes"]}
    assert attributes["email_verified"] == "true"
    sent = cognito.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")["CodeDeliveryDetails"]
    assert sent["Destination"] == "s***@e***"
    cognito.verify_user_attribute(AccessToken=token, AttributeName="email",
                                  Code=last_code(server, pool, "sam2@example.com", "verify:email")["code"])
    cognito.delete_user_attributes(AccessToken=token, UserAttributeNames=["name"])
    assert "name" not in {a["Name"] for a in cognito.get_user(AccessToken=token)["UserAttributes"]}
    with pytest.raises(ClientError) as e:
        cognito.update_user_attributes(AccessToken=token, UserAttributes=[{"Name": "email_verified", "Value": "true"}])
    assert error_code(e) == "NotAuthorizedException"


def test_delete_user(server, cognito, verifying_pool):
    pool, cid = verifying_pool
    token = signed_up(server, cognito, pool, cid)["AccessToken"]
    cognito.delete_user(AccessToken=token)
    with pytest.raises(cognito.exceptions.UserNotFoundException):
        cognito.admin_get_user(UserPoolId=pool, Username="sam")
    with pytest.raises(ClientError):
        cognito.get_user(AccessToken=token)


def test_email_username_pool_sign_up(server, cognito):
    pool = cognito.create_user_pool(PoolName="byemail", UsernameAttributes=["email"], AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    cid = cognito.create_user_pool_client(UserPoolId=pool, ClientName="c", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    sub = cognito.sign_up(ClientId=cid, Username="ema@example.com", Password=PASSWORD)["UserSub"]
    code = last_code(server, pool, "ema@example.com", "signup")["code"]
    cognito.confirm_sign_up(ClientId=cid, Username="ema@example.com", ConfirmationCode=code)
    tokens = sign_in(cognito, cid, "ema@example.com")["AuthenticationResult"]
    assert cognito.get_user(AccessToken=tokens["AccessToken"])["Username"] == sub
    cognito.delete_user_pool(UserPoolId=pool)


def test_password_history(server, cognito):
    pool = cognito.create_user_pool(PoolName="history", Policies={"PasswordPolicy": {"MinimumLength": 8, "PasswordHistorySize": 2}})["UserPool"]["Id"]
    cid = cognito.create_user_pool_client(UserPoolId=pool, ClientName="c", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="h", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool, Username="h", Password="First-Passw0rd!", Permanent=True)
    cognito.admin_set_user_password(UserPoolId=pool, Username="h", Password="Second-Passw0rd!", Permanent=True)
    token = sign_in(cognito, cid, "h", "Second-Passw0rd!")["AuthenticationResult"]["AccessToken"]
    for reused in ("First-Passw0rd!", "Second-Passw0rd!"):
        with pytest.raises(cognito.exceptions.PasswordHistoryPolicyViolationException):
            cognito.change_password(PreviousPassword="Second-Passw0rd!", ProposedPassword=reused, AccessToken=token)
        with pytest.raises(cognito.exceptions.PasswordHistoryPolicyViolationException):
            cognito.admin_set_user_password(UserPoolId=pool, Username="h", Password=reused, Permanent=True)
    cognito.change_password(PreviousPassword="Second-Passw0rd!", ProposedPassword="Third-Passw0rd!", AccessToken=token)
    # Only the last two are remembered: the first may come back now.
    cognito.admin_set_user_password(UserPoolId=pool, Username="h", Password="First-Passw0rd!", Permanent=True)
    cognito.delete_user_pool(UserPoolId=pool)


def test_five_wrong_codes_exhaust_the_code(server, cognito, verifying_pool):
    pool, cid = verifying_pool
    signed_up(server, cognito, pool, cid)
    cognito.forgot_password(ClientId=cid, Username="sam")
    code = last_code(server, pool, "sam@example.com", "forgot-password")["code"]
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(cognito.exceptions.CodeMismatchException):
            cognito.confirm_forgot_password(ClientId=cid, Username="sam", ConfirmationCode=wrong, Password="N3w-Passw0rd!")
    with pytest.raises(cognito.exceptions.LimitExceededException) as e:
        cognito.confirm_forgot_password(ClientId=cid, Username="sam", ConfirmationCode=code, Password="N3w-Passw0rd!")
    assert e.value.response["Error"]["Message"] == "Attempt limit exceeded, please try after some time."
    # A new code starts a new count.
    cognito.forgot_password(ClientId=cid, Username="sam")
    fresh = last_code(server, pool, "sam@example.com", "forgot-password")["code"]
    cognito.confirm_forgot_password(ClientId=cid, Username="sam", ConfirmationCode=fresh, Password="N3w-Passw0rd!")
    assert sign_in(cognito, cid, "sam", "N3w-Passw0rd!")["AuthenticationResult"]
