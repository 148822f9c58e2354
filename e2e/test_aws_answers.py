"""What real Cognito answers, as users captured it from real pools and posted it in public threads (issue 29):
the behaviours and the exact codes and texts. Each test names the situation and asserts AWS's code and message."""
import json
import time

import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP
from conftest import refused


PASSWORD = "Str0ng-Passw0rd!"


def app(cognito, pool, **kwargs):
    flows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"]
    return cognito.create_user_pool_client(UserPoolId=pool, ClientName="app", ExplicitAuthFlows=flows, **kwargs)["UserPoolClient"]


def password_sign_in(cognito, cid, username, password):
    return cognito.initiate_auth(ClientId=cid, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": username, "PASSWORD": password})


# Behaviour ------------------------------------------------------------------------------------------------


NOT_CONFIRMED = ("UserNotConfirmedException", "User is not confirmed.")
INCORRECT = ("NotAuthorizedException", "Incorrect username or password.")


def test_an_unconfirmed_user_is_told_so_whatever_the_password(cognito, pools):
    pool = pools()
    cid = app(cognito, pool)["ClientId"]
    cognito.sign_up(ClientId=cid, Username="una", Password=PASSWORD)
    for password in ("Wr0ng-Passw0rd!", PASSWORD):
        assert refused(password_sign_in, cognito=cognito, cid=cid, username="una", password=password) == NOT_CONFIRMED
        assert refused(cognito.admin_initiate_auth, UserPoolId=pool, ClientId=cid, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                       AuthParameters={"USERNAME": "una", "PASSWORD": password}) == NOT_CONFIRMED
        # SRP stops at its first step: no proof is looked at.
        with pytest.raises(ClientError) as e:
            AWSSRP(username="una", password=password, pool_id=pool, client_id=cid, client=cognito).authenticate_user()
        assert (e.value.response["Error"]["Code"], e.value.response["Error"]["Message"]) == NOT_CONFIRMED
    # Wrong passwords told "not confirmed" count toward no lockout: once confirmed, the right password signs in.
    cognito.admin_confirm_sign_up(UserPoolId=pool, Username="una")
    assert password_sign_in(cognito, cid, "una", PASSWORD)["AuthenticationResult"]["AccessToken"]


def test_a_client_that_hides_users_says_so_only_to_the_right_password(cognito, pools):
    pool = pools()
    cid = app(cognito, pool, PreventUserExistenceErrors="ENABLED")["ClientId"]
    cognito.sign_up(ClientId=cid, Username="una", Password=PASSWORD)
    assert refused(password_sign_in, cognito=cognito, cid=cid, username="una", password="Wr0ng-Passw0rd!") == INCORRECT
    assert refused(password_sign_in, cognito=cognito, cid=cid, username="nobody", password="Wr0ng-Passw0rd!") == INCORRECT
    assert refused(password_sign_in, cognito=cognito, cid=cid, username="una", password=PASSWORD) == NOT_CONFIRMED
    with pytest.raises(ClientError) as e:
        AWSSRP(username="una", password="Wr0ng-Passw0rd!", pool_id=pool, client_id=cid, client=cognito).authenticate_user()
    assert (e.value.response["Error"]["Code"], e.value.response["Error"]["Message"]) == INCORRECT
    with pytest.raises(ClientError) as e:
        AWSSRP(username="una", password=PASSWORD, pool_id=pool, client_id=cid, client=cognito).authenticate_user()
    assert (e.value.response["Error"]["Code"], e.value.response["Error"]["Message"]) == NOT_CONFIRMED


def required_pool(pools):
    return pools(Schema=[{"Name": "name", "AttributeDataType": "String", "Required": True, "Mutable": True},
                         {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True}])


def test_an_invitation_leaves_required_attributes_to_the_new_password_step(cognito, pools):
    pool = required_pool(pools)
    cid = app(cognito, pool)["ClientId"]
    # AdminCreateUser takes a user without the required attributes, as botocore's documentation says.
    created = cognito.admin_create_user(UserPoolId=pool, Username="ivy", TemporaryPassword="Temp-Passw0rd!", MessageAction="SUPPRESS",
                                        UserAttributes=[{"Name": "email", "Value": "ivy@example.com"}])["User"]
    assert created["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    # SignUp still refuses such a user.
    assert refused(cognito.sign_up, ClientId=cid, Username="sam", Password=PASSWORD,
                   UserAttributes=[{"Name": "email", "Value": "sam@example.com"}]) == \
        ("InvalidParameterException", "Attributes did not conform to the schema: name: The attribute name is required")

    challenge = password_sign_in(cognito, cid, "ivy", "Temp-Passw0rd!")
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert json.loads(challenge["ChallengeParameters"]["requiredAttributes"]) == ["userAttributes.name"]
    session = challenge["Session"]

    def answer(**attributes):
        responses = {"USERNAME": "ivy", "NEW_PASSWORD": PASSWORD, **{f"userAttributes.{k}": v for k, v in attributes.items()}}
        return cognito.respond_to_auth_challenge(ClientId=cid, ChallengeName="NEW_PASSWORD_REQUIRED", Session=session,
                                                 ChallengeResponses=responses)
    assert refused(answer) == ("InvalidParameterException", "Invalid attributes given, name is missing")
    # A required attribute that has a value already cannot be set here.
    assert refused(answer, name="Ivy", email="other@example.com") == \
        ("NotAuthorizedException", "Cannot modify an already provided email")
    # The refusals leave the session for another try.
    tokens = answer(name="Ivy")["AuthenticationResult"]
    assert tokens["AccessToken"]
    attributes = {a["Name"]: a["Value"] for a in cognito.admin_get_user(UserPoolId=pool, Username="ivy")["UserAttributes"]}
    assert attributes["name"] == "Ivy" and attributes["email"] == "ivy@example.com"


def test_several_missing_attributes_are_named_together(cognito, pools):
    pool = required_pool(pools)
    cid = app(cognito, pool)["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="ned", TemporaryPassword="Temp-Passw0rd!", MessageAction="SUPPRESS")
    challenge = password_sign_in(cognito, cid, "ned", "Temp-Passw0rd!")
    required = json.loads(challenge["ChallengeParameters"]["requiredAttributes"])
    assert sorted(required) == ["userAttributes.email", "userAttributes.name"]
    names = [r.removeprefix("userAttributes.") for r in required]
    assert refused(cognito.respond_to_auth_challenge, ClientId=cid, ChallengeName="NEW_PASSWORD_REQUIRED", Session=challenge["Session"],
                   ChallengeResponses={"USERNAME": "ned", "NEW_PASSWORD": PASSWORD}) == \
        ("InvalidParameterException", f"Invalid attributes given, {names[0]} and {names[1]} is missing")


def test_repeated_wrong_previous_passwords_hit_the_attempt_limit(cognito, pools):
    pool = pools()
    cid = app(cognito, pool)["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="cal", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool, Username="cal", Password=PASSWORD, Permanent=True)
    token = password_sign_in(cognito, cid, "cal", PASSWORD)["AuthenticationResult"]["AccessToken"]
    change = lambda previous: cognito.change_password(AccessToken=token, PreviousPassword=previous, ProposedPassword="N3w-Passw0rd!")
    for _ in range(5):
        assert refused(change, previous="Wr0ng-Passw0rd!") == INCORRECT
    limit = ("LimitExceededException", "Attempt limit exceeded, please try after some time.")
    assert refused(change, previous="Wr0ng-Passw0rd!") == limit
    # The wait doubles with each failure past the fifth (1 s, then 2 s, then 4 s): two more, each after the wait,
    # leave four seconds in which even the right password is refused.
    for wait in (1.1, 2.1):
        time.sleep(wait)
        assert refused(change, previous="Wr0ng-Passw0rd!") == INCORRECT
    assert refused(change, previous=PASSWORD) == limit
    assert refused(change, previous="Wr0ng-Passw0rd!") == limit


# Texts ----------------------------------------------------------------------------------------------------


def test_invalid_refresh_token_ends_with_a_period(cognito, pools):
    pool = pools()
    cid = app(cognito, pool)["ClientId"]
    assert refused(cognito.initiate_auth, ClientId=cid, AuthFlow="REFRESH_TOKEN_AUTH",
                   AuthParameters={"REFRESH_TOKEN": "eyJ" + "x" * 60}) == ("NotAuthorizedException", "Invalid Refresh Token.")


def test_a_missing_secret_hash_in_the_words_of_each_operation(server, cognito, pools):
    pool = pools(AutoVerifiedAttributes=["email"])
    client = app(cognito, pool, GenerateSecret=True)
    cid = client["ClientId"]
    not_received = ("NotAuthorizedException", f"Client {cid} is configured with secret but SECRET_HASH was not received")
    assert refused(password_sign_in, cognito=cognito, cid=cid, username="u", password=PASSWORD) == not_received
    assert refused(cognito.respond_to_auth_challenge, ClientId=cid, ChallengeName="PASSWORD_VERIFIER",
                   ChallengeResponses={"USERNAME": "u", "PASSWORD_CLAIM_SIGNATURE": "x", "PASSWORD_CLAIM_SECRET_BLOCK": "x",
                                       "TIMESTAMP": "x"}) == not_received
    # A SecretHash member left out is answered as a wrong one.
    assert refused(cognito.confirm_sign_up, ClientId=cid, Username="u", ConfirmationCode="123456") == \
        ("NotAuthorizedException", f"Unable to verify secret hash for client {cid}")


def test_usernames_of_pools_that_sign_in_with_an_email_or_a_phone(cognito, pools):
    email_pool, phone_pool, both_pool = pools(UsernameAttributes=["email"]), pools(UsernameAttributes=["phone_number"]), \
        pools(UsernameAttributes=["email", "phone_number"])
    for pool, text in ((email_pool, "Username should be an email."), (phone_pool, "Username should be a phone number."),
                       (both_pool, "Username should be either an email or a phone number.")):
        cid = app(cognito, pool)["ClientId"]
        assert refused(cognito.sign_up, ClientId=cid, Username="plainname", Password=PASSWORD) == ("InvalidParameterException", text)
        assert refused(cognito.admin_create_user, UserPoolId=pool, Username="plainname", MessageAction="SUPPRESS") == \
            ("InvalidParameterException", text)
    cid = app(cognito, email_pool)["ClientId"]
    assert refused(cognito.sign_up, ClientId=cid, Username="eve@example.com", Password=PASSWORD,
                   UserAttributes=[{"Name": "email", "Value": "other@example.com"}]) == \
        ("InvalidParameterException", "User email should be empty or same as username, since username attribute is email")
    # The same address given as the attribute too is fine.
    assert cognito.sign_up(ClientId=cid, Username="eve@example.com", Password=PASSWORD,
                           UserAttributes=[{"Name": "email", "Value": "eve@example.com"}])["UserSub"]


def test_password_policy_texts(cognito, pools):
    pool = pools(Policies={"PasswordPolicy": {"MinimumLength": 8, "RequireNumbers": True}})
    cid = app(cognito, pool)["ClientId"]
    # An administrator's temporary password "did not conform with password policy" ...
    assert refused(cognito.admin_create_user, UserPoolId=pool, Username="tom", TemporaryPassword="NoDigitsHere") == \
        ("InvalidPasswordException", "Password did not conform with password policy: Password must have numeric characters")
    # ... SignUp's "did not conform with policy" ...
    assert refused(cognito.sign_up, ClientId=cid, Username="tom", Password="NoDigitsHere") == \
        ("InvalidPasswordException", "Password did not conform with policy: Password must have numeric characters")
    # ... and a password set anywhere else "does not conform to policy".
    cognito.admin_create_user(UserPoolId=pool, Username="tom", TemporaryPassword="Temp0rary", MessageAction="SUPPRESS")
    assert refused(cognito.admin_set_user_password, UserPoolId=pool, Username="tom", Password="short1", Permanent=True) == \
        ("InvalidPasswordException", "Password does not conform to policy: Password not long enough")


def test_validation_errors_echo_values_that_are_not_secret(cognito, pools):
    # A client ID is echoed (AWS does, although the model marks the shape sensitive) ...
    assert refused(cognito.initiate_auth, ClientId="us-east-1_AbCdEf", AuthFlow="USER_PASSWORD_AUTH",
                   AuthParameters={"USERNAME": "u", "PASSWORD": PASSWORD}) == \
        ("InvalidParameterException", "1 validation error detected: Value 'us-east-1_AbCdEf' at 'clientId' failed to satisfy "
                                      "constraint: Member must satisfy regular expression pattern: [\\w+]+")
    # ... a username, a password or a session never is.
    code, message = refused(cognito.admin_get_user, UserPoolId="us-east-1_Pool", Username="a\tb")
    assert message == ("1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy "
                       "regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+")
    pool = pools()
    cid = app(cognito, pool)["ClientId"]
    code, message = refused(cognito.sign_up, ClientId=cid, Username="u", Password=" secret ")
    assert code == "InvalidParameterException" and "secret" not in message and "Value at 'password'" in message
