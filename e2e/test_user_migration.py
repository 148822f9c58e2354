"""UserMigration through ministack's Lambda: a user of an "old directory" (the function's environment) is
brought in at a plain-password sign-in and at ForgotPassword, keeps the password they typed (afterwards an
SRP sign-in proves it), or must reset it; the function's refusals, aliases moved with forceAliasCreation,
and answers of the wrong shape."""
import json
import uuid

import pytest
from pycognito.aws_srp import AWSSRP

from conftest import outbox
from lambdas import Functions, functions, lambda_endpoint, triggered  # noqa: F401 (fixtures)

# The old directory's passwords need not meet the pool's policy: AWS does not apply it to migrated users.
OLD_PASSWORD = "oldpass"
NEW_PASSWORD = "Str0ng-Passw0rd!"

MIGRATE = '''
import json, os
def handler(event, context):
    with open(os.environ["EVENTS"], "a") as f:
        f.write(json.dumps(event) + "\\n")
    old = json.loads(os.environ["DIRECTORY"]).get(event["userName"])
    if old is None:
        raise Exception("User not found")
    if event["triggerSource"] == "UserMigration_Authentication" and event["request"]["password"] != old["password"]:
        raise Exception("Bad password")
    if "answer" in old:
        return old["answer"]
    event["response"]["userAttributes"] = old["attributes"]
    event["response"].update(old.get("response", {}))
    return event
'''


def deploy(functions, directory):
    return functions.deploy(source=MIGRATE, DIRECTORY=json.dumps(directory))


def migrating_pool(cognito, arn, **pool_args):
    pool = cognito.create_user_pool(PoolName="migrate-" + uuid.uuid4().hex[:6], LambdaConfig={"UserMigration": arn},
                                    AutoVerifiedAttributes=["email"], **pool_args)["UserPool"]["Id"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="app",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    return pool, client


def sign_in(cognito, client, name, password, **extra):
    return cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": name, "PASSWORD": password},
                                 **extra)


CONFIRMED = {"password": OLD_PASSWORD, "attributes": {"email": "ann@example.com", "email_verified": "true", "name": "Ann"},
             "response": {"finalUserStatus": "CONFIRMED", "messageAction": "SUPPRESS"}}


def test_a_sign_in_migrates_the_user_with_their_password(triggered, functions):
    cognito = triggered.client()
    arn, events = deploy(functions, {"ann": CONFIRMED})
    pool, client = migrating_pool(cognito, arn)
    tokens = sign_in(cognito, client, "ann", OLD_PASSWORD, ClientMetadata={"app": "web"})["AuthenticationResult"]
    assert cognito.get_user(AccessToken=tokens["AccessToken"])["Username"] == "ann"
    user = cognito.admin_get_user(UserPoolId=pool, Username="ann")
    assert user["UserStatus"] == "CONFIRMED"
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["email"] == "ann@example.com" and attributes["email_verified"] == "true" and attributes["name"] == "Ann"
    (event,) = Functions.events(events)
    assert event["triggerSource"] == "UserMigration_Authentication" and event["userName"] == "ann"
    assert event["callerContext"]["clientId"] == client
    assert event["request"] == {"password": OLD_PASSWORD, "validationData": {"app": "web"}}
    assert event["response"] == {"userAttributes": None, "finalUserStatus": None, "messageAction": None,
                                 "desiredDeliveryMediums": None, "forceAliasCreation": None, "enableSMSMFA": None}
    # The user is the pool's now: the function is not asked again, and SRP proves the same password.
    sign_in(cognito, client, "ann", OLD_PASSWORD)
    assert len(Functions.events(events)) == 1
    srp = AWSSRP(username="ann", password=OLD_PASSWORD, pool_id=pool, client_id=client, client=cognito)
    assert srp.authenticate_user()["AuthenticationResult"]["AccessToken"]
    assert outbox(triggered, poolId=pool) == []  # SUPPRESS


def test_refusals_create_no_one_and_srp_never_migrates(triggered, functions):
    cognito = triggered.client()
    arn, events = deploy(functions, {"ann": CONFIRMED})
    pool, client = migrating_pool(cognito, arn)
    with pytest.raises(cognito.exceptions.UserLambdaValidationException) as refused:
        sign_in(cognito, client, "ann", "wrong")
    assert refused.value.response["Error"]["Message"] == "UserMigration failed with error Bad password."
    with pytest.raises(cognito.exceptions.UserNotFoundException):
        cognito.admin_get_user(UserPoolId=pool, Username="ann")
    # An SRP sign-in shows the function no password: it is not asked.
    before = len(Functions.events(events))
    srp = AWSSRP(username="ann", password=OLD_PASSWORD, pool_id=pool, client_id=client, client=cognito)
    with pytest.raises(cognito.exceptions.UserNotFoundException):
        srp.authenticate_user()
    assert len(Functions.events(events)) == before


def test_a_user_who_must_reset_and_forgot_password_migration(triggered, functions):
    cognito = triggered.client()
    directory = {"bea": {"password": OLD_PASSWORD, "attributes": {"email": "bea@example.com", "email_verified": "true"}},
                 "cal": {"password": OLD_PASSWORD, "attributes": {"email": "cal@example.com", "email_verified": "true"},
                         "response": {"finalUserStatus": "CONFIRMED", "desiredDeliveryMediums": ["EMAIL"]}}}
    arn, events = deploy(functions, directory)
    pool, client = migrating_pool(cognito, arn)
    # Without finalUserStatus CONFIRMED the user is created RESET_REQUIRED and told to reset.
    with pytest.raises(cognito.exceptions.PasswordResetRequiredException):
        sign_in(cognito, client, "bea", OLD_PASSWORD)
    assert cognito.admin_get_user(UserPoolId=pool, Username="bea")["UserStatus"] == "RESET_REQUIRED"
    # ForgotPassword for a name nobody has: the function is asked without a password, then the code goes out.
    delivery = cognito.forgot_password(ClientId=client, Username="cal", ClientMetadata={"why": "forgot"})["CodeDeliveryDetails"]
    assert delivery["DeliveryMedium"] == "EMAIL"
    event = Functions.events(events)[-1]
    assert event["triggerSource"] == "UserMigration_ForgotPassword" and event["userName"] == "cal"
    assert event["request"] == {"clientMetadata": {"why": "forgot"}}
    code = outbox(triggered, poolId=pool, recipient="cal@example.com")[-1]["code"]
    cognito.confirm_forgot_password(ClientId=client, Username="cal", ConfirmationCode=code, Password=NEW_PASSWORD)
    assert sign_in(cognito, client, "cal", NEW_PASSWORD)["AuthenticationResult"]["IdToken"]
    # ForgotPassword for a name the old directory does not know either: the function's error.
    with pytest.raises(cognito.exceptions.UserLambdaValidationException) as refused:
        cognito.forgot_password(ClientId=client, Username="nobody")
    assert refused.value.response["Error"]["Message"] == "UserMigration failed with error User not found."


def test_force_alias_creation_moves_a_verified_email(triggered, functions):
    cognito = triggered.client()
    shared = {"email": "shared@example.com", "email_verified": "true"}
    directory = {"dee": {"password": OLD_PASSWORD, "attributes": shared, "response": {"finalUserStatus": "CONFIRMED"}},
                 "eli": {"password": OLD_PASSWORD, "attributes": shared,
                         "response": {"finalUserStatus": "CONFIRMED", "forceAliasCreation": True}}}
    arn, _ = deploy(functions, directory)
    pool, client = migrating_pool(cognito, arn, AliasAttributes=["email"])
    cognito.admin_create_user(UserPoolId=pool, Username="old", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": k, "Value": v} for k, v in shared.items()])
    with pytest.raises(cognito.exceptions.AliasExistsException):
        sign_in(cognito, client, "dee", OLD_PASSWORD)
    assert sign_in(cognito, client, "eli", OLD_PASSWORD)["AuthenticationResult"]["AccessToken"]
    old = {a["Name"]: a["Value"] for a in cognito.admin_get_user(UserPoolId=pool, Username="old")["UserAttributes"]}
    assert old["email_verified"] == "false"
    # The alias is eli's now.
    assert sign_in(cognito, client, "shared@example.com", OLD_PASSWORD)["AuthenticationResult"]["AccessToken"]


@pytest.mark.parametrize("answer", [
    {"response": {"finalUserStatus": "CONFIRMED"}},  # no userAttributes
    {"response": {"userAttributes": {"email": "x@example.com"}, "finalUserStatus": "ACTIVE"}},
    {"response": {"userAttributes": {"email": 5}}},
    {"response": {"userAttributes": {"email": "x@example.com"}, "desiredDeliveryMediums": ["PIGEON"]}},
    "not the event",
])
def test_answers_of_the_wrong_shape(triggered, functions, answer):
    cognito = triggered.client()
    arn, _ = deploy(functions, {"fay": {"password": OLD_PASSWORD, "answer": answer}})
    pool, client = migrating_pool(cognito, arn)
    with pytest.raises(cognito.exceptions.InvalidLambdaResponseException) as refused:
        sign_in(cognito, client, "fay", OLD_PASSWORD)
    assert refused.value.response["Error"]["Message"] == "Unrecognizable lambda output"
    with pytest.raises(cognito.exceptions.UserNotFoundException):
        cognito.admin_get_user(UserPoolId=pool, Username="fay")
