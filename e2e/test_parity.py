"""Parity with AWS on answers applications branch on: schema validation, attribute rules, and the error codes
and messages of sign-in, codes and recovery (issue 13). Each test asserts AWS's code and exact message."""
import uuid

import pyotp
import pytest

from conftest import outbox, refused

PASSWORD = "Str0ng-Passw0rd!"


def new_pool(cognito, **kwargs):
    return cognito.create_user_pool(PoolName="parity-" + uuid.uuid4().hex[:6], **kwargs)["UserPool"]["Id"]


# User pool schema ---------------------------------------------------------------------------------------


def test_schema_types_and_standard_attributes(cognito, pools):
    create = lambda schema: refused(cognito.create_user_pool, PoolName="p", Schema=schema)
    assert create([{"Name": "nick"}]) == \
        ("InvalidParameterException", "Invalid AttributeDataType input, consider using the provided AttributeDataType enum.")
    message = "You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute email"
    assert create([{"Name": "email", "AttributeDataType": "Number"}]) == ("InvalidParameterException", message)
    assert create([{"Name": "email", "DeveloperOnlyAttribute": True}]) == ("InvalidParameterException", message)
    pool = pools(Schema=[{"Name": "email", "Required": True, "Mutable": False}, {"Name": "email", "AttributeDataType": "String"}])
    email = next(a for a in cognito.describe_user_pool(UserPoolId=pool)["UserPool"]["SchemaAttributes"] if a["Name"] == "email")
    assert email["Required"] is True and email["Mutable"] is False
    birthdate = next(a for a in cognito.describe_user_pool(UserPoolId=pool)["UserPool"]["SchemaAttributes"] if a["Name"] == "birthdate")
    assert birthdate["StringAttributeConstraints"] == {"MinLength": "10", "MaxLength": "10"}


def test_schema_constraints(cognito, pools):
    def create(name, kind, **constraints):
        return refused(cognito.create_user_pool, PoolName="p", Schema=[{"Name": name, "AttributeDataType": kind, **constraints}])
    assert create("a", "String", StringAttributeConstraints={"MinLength": "x"}) == \
        ("InvalidParameterException", "Invalid StringAttributeConstraints for schema attribute custom:a")
    assert create("a", "String", StringAttributeConstraints={"MaxLength": "-1"}) == \
        ("InvalidParameterException", "Invalid StringAttributeConstraints for schema attribute custom:a")
    assert create("a", "Number", NumberAttributeConstraints={"MinValue": "1.5"}) == \
        ("InvalidParameterException", "Invalid NumberAttributeConstraints for schema attribute custom:a")
    assert create("a", "String", StringAttributeConstraints={"MaxLength": "2049"}) == \
        ("InvalidParameterException", "user.custom:a: String attributes cannot have a length of more than 2048")
    assert create("a", "String", StringAttributeConstraints={"MinLength": "10", "MaxLength": "5"}) == \
        ("InvalidParameterException", "user.custom:a: Max length cannot be less than min length.")
    assert create("a", "Number", NumberAttributeConstraints={"MinValue": "10", "MaxValue": "5"}) == \
        ("InvalidParameterException", "user.custom:a: Max value cannot be less than min value.")
    # Only the block of the attribute's type is read: a bad number block on a string attribute is ignored.
    pool = pools(Schema=[{"Name": "a", "AttributeDataType": "String", "NumberAttributeConstraints": {"MinValue": "x"},
                          "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "30"}}])
    attribute = next(a for a in cognito.describe_user_pool(UserPoolId=pool)["UserPool"]["SchemaAttributes"] if a["Name"] == "custom:a")
    assert attribute["StringAttributeConstraints"] == {"MinLength": "1", "MaxLength": "30"} and "NumberAttributeConstraints" not in attribute


def test_developer_only_attributes(cognito, pools):
    pool = pools(Schema=[{"Name": "secret", "AttributeDataType": "String", "DeveloperOnlyAttribute": True}])
    names = [a["Name"] for a in cognito.describe_user_pool(UserPoolId=pool)["UserPool"]["SchemaAttributes"]]
    assert "dev:custom:secret" in names and "custom:secret" not in names
    assert refused(cognito.add_custom_attributes, UserPoolId=pool, CustomAttributes=[{"Name": "secret", "AttributeDataType": "String"}]) == \
        ("InvalidParameterException", "custom:secret: Existing attribute already has name dev:custom:secret.")
    # Admin operations read and write it under its name; the user's own API never sees it.
    cid = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app",
                                          ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="dev", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "dev:custom:secret", "Value": "s3"}])
    cognito.admin_set_user_password(UserPoolId=pool, Username="dev", Password=PASSWORD, Permanent=True)
    got = {a["Name"]: a["Value"] for a in cognito.admin_get_user(UserPoolId=pool, Username="dev")["UserAttributes"]}
    assert got["dev:custom:secret"] == "s3"
    access = cognito.admin_initiate_auth(UserPoolId=pool, ClientId=cid, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                         AuthParameters={"USERNAME": "dev", "PASSWORD": PASSWORD})["AuthenticationResult"]["AccessToken"]
    assert "dev:custom:secret" not in {a["Name"] for a in cognito.get_user(AccessToken=access)["UserAttributes"]}
    assert refused(cognito.update_user_attributes, AccessToken=access, UserAttributes=[{"Name": "dev:custom:secret", "Value": "x"}])[0] == \
        "NotAuthorizedException"


def test_verification_messages_and_password_policy_defaults(cognito, pools):
    pool = pools(VerificationMessageTemplate={"SmsMessage": "Code {####}", "EmailMessage": "Your code {####}", "EmailSubject": "Code"},
                 Policies={"PasswordPolicy": {"MinimumLength": 10}})
    described = cognito.describe_user_pool(UserPoolId=pool)["UserPool"]
    assert (described["SmsVerificationMessage"], described["EmailVerificationMessage"], described["EmailVerificationSubject"]) == \
        ("Code {####}", "Your code {####}", "Code")
    assert described["Policies"]["PasswordPolicy"]["TemporaryPasswordValidityDays"] == 7
    legacy = pools(EmailVerificationMessage="Legacy {####}", EmailVerificationSubject="Legacy")
    template = cognito.describe_user_pool(UserPoolId=legacy)["UserPool"]["VerificationMessageTemplate"]
    assert (template["EmailMessage"], template["EmailSubject"]) == ("Legacy {####}", "Legacy")


def test_quotas(cognito, pools):
    pool = pools()
    # 51 attributes at creation break the model's own limit; the message shows them as JSON, never as Swift values.
    code, message = refused(cognito.create_user_pool, PoolName="p", Schema=[
        {"Name": f"a{i}", "AttributeDataType": "String"} for i in range(51)])
    assert code == "InvalidParameterException" and message.endswith("Member must have length less than or equal to 50")
    assert '{"AttributeDataType":"String","Name":"a0"}' in message and "Optional(" not in message
    cognito.add_custom_attributes(UserPoolId=pool, CustomAttributes=[{"Name": f"a{i}", "AttributeDataType": "String"} for i in range(25)])
    cognito.add_custom_attributes(UserPoolId=pool, CustomAttributes=[{"Name": f"b{i}", "AttributeDataType": "String"} for i in range(25)])
    assert refused(cognito.add_custom_attributes, UserPoolId=pool, CustomAttributes=[{"Name": "c", "AttributeDataType": "String"}]) == \
        ("InvalidParameterException", "A user pool can have at most 50 custom attributes.")
    for i in range(25):
        cognito.create_resource_server(UserPoolId=pool, Identifier=f"rs{i}", Name=f"rs{i}")
    assert refused(cognito.create_resource_server, UserPoolId=pool, Identifier="rs25", Name="rs25")[0] == "LimitExceededException"


# Users and attributes -----------------------------------------------------------------------------------


def test_verified_flags_are_case_insensitive(cognito, pools):
    pool = pools(AliasAttributes=["email"])
    cognito.admin_create_user(UserPoolId=pool, Username="u1", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": "u1@example.com"}, {"Name": "email_verified", "Value": "True"}])
    got = {a["Name"]: a["Value"] for a in cognito.admin_get_user(UserPoolId=pool, Username="u1")["UserAttributes"]}
    assert got["email_verified"] == "true"
    assert cognito.admin_get_user(UserPoolId=pool, Username="u1@example.com")["Username"] == "u1"  # the alias counts
    cognito.admin_update_user_attributes(UserPoolId=pool, Username="u1", UserAttributes=[{"Name": "email_verified", "Value": "FALSE"}])
    got = {a["Name"]: a["Value"] for a in cognito.admin_get_user(UserPoolId=pool, Username="u1")["UserAttributes"]}
    assert got["email_verified"] == "false"


def test_unknown_attributes(cognito, pools):
    pool = pools()
    cognito.admin_create_user(UserPoolId=pool, Username="u", MessageAction="SUPPRESS")
    assert refused(cognito.admin_create_user, UserPoolId=pool, Username="v", MessageAction="SUPPRESS",
                   UserAttributes=[{"Name": "shoe", "Value": "1"}, {"Name": "hat", "Value": "2"}]) == \
        ("InvalidParameterException",
         "Attributes did not conform to the schema: shoe: Attribute does not exist in the schema.\nhat: Attribute does not exist in the schema.\n")
    assert refused(cognito.admin_update_user_attributes, UserPoolId=pool, Username="u", UserAttributes=[{"Name": "shoe", "Value": "1"}]) == \
        ("InvalidParameterException", "Attributes did not conform to the schema: shoe: Attribute does not exist in the schema.\n")
    assert refused(cognito.admin_delete_user_attributes, UserPoolId=pool, Username="u", UserAttributeNames=["shoe", "hat"]) == \
        ("InvalidParameterException",
         "Invalid user attributes: user.shoe: Attribute does not exist in the schema.\nuser.hat: Attribute does not exist in the schema.\n")
    cid = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app")["UserPoolClient"]["ClientId"]
    assert refused(cognito.sign_up, ClientId=cid, Username="w", Password=PASSWORD, UserAttributes=[{"Name": "shoe", "Value": "1"}]) == \
        ("InvalidParameterException", "Attributes did not conform to the schema: shoe: Attribute does not exist in the schema.\n")


def test_a_taken_email_or_phone_number_is_named(cognito, pools):
    pool = pools(UsernameAttributes=["email", "phone_number"])
    cid = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app")["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="taken@example.com", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "phone_number", "Value": "+15550100001"}])
    message = "An account with the given email already exists."
    assert refused(cognito.sign_up, ClientId=cid, Username="taken@example.com", Password=PASSWORD) == ("UsernameExistsException", message)
    assert refused(cognito.admin_create_user, UserPoolId=pool, Username="taken@example.com", MessageAction="SUPPRESS") == \
        ("UsernameExistsException", message)
    assert refused(cognito.admin_create_user, UserPoolId=pool, Username="+15550100001", MessageAction="SUPPRESS") == \
        ("UsernameExistsException", "An account with the given phone_number already exists.")
    other = cognito.admin_create_user(UserPoolId=pool, Username="other@example.com", MessageAction="SUPPRESS")["User"]["Username"]
    assert refused(cognito.admin_update_user_attributes, UserPoolId=pool, Username=other,
                   UserAttributes=[{"Name": "email", "Value": "taken@example.com"}]) == ("AliasExistsException", message)


def test_an_unparsable_filter(cognito, pools):
    pool = pools()
    for bad in ('username "x"', 'username = x', 'username = "x" and', "=", 'username ^= "x'):
        assert refused(cognito.list_users, UserPoolId=pool, Filter=bad) == ("InvalidParameterException", "Error while parsing filter.")


# Sign-in, codes and recovery ----------------------------------------------------------------------------


@pytest.fixture
def app(cognito, pools):
    pool = pools(AutoVerifiedAttributes=["email"])
    cid = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app", ExplicitAuthFlows=[
        "ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="ann", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": "ann@example.com"}, {"Name": "email_verified", "Value": "true"}])
    cognito.admin_set_user_password(UserPoolId=pool, Username="ann", Password=PASSWORD, Permanent=True)
    return pool, cid


def sign_in(cognito, cid, username="ann", password=PASSWORD):
    return cognito.initiate_auth(ClientId=cid, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": username, "PASSWORD": password})


def test_tokens_come_with_empty_challenge_parameters(cognito, app):
    pool, cid = app
    answer = sign_in(cognito, cid)
    assert answer["ChallengeParameters"] == {} and answer["AuthenticationResult"]["AccessToken"]
    admin = cognito.admin_initiate_auth(UserPoolId=pool, ClientId=cid, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                        AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD})
    assert admin["ChallengeParameters"] == {}
    refreshed = cognito.initiate_auth(ClientId=cid, AuthFlow="REFRESH_TOKEN_AUTH",
                                      AuthParameters={"REFRESH_TOKEN": answer["AuthenticationResult"]["RefreshToken"]})
    assert refreshed["ChallengeParameters"] == {}


def test_a_revoked_refresh_token_says_so(cognito, app):
    pool, cid = app
    refresh = lambda token: refused(cognito.initiate_auth, ClientId=cid, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": token})
    for revoke in (lambda r: cognito.global_sign_out(AccessToken=r["AccessToken"]),
                   lambda r: cognito.admin_user_global_sign_out(UserPoolId=pool, Username="ann"),
                   lambda r: cognito.revoke_token(ClientId=cid, Token=r["RefreshToken"])):
        result = sign_in(cognito, cid)["AuthenticationResult"]
        revoke(result)
        assert refresh(result["RefreshToken"]) == ("NotAuthorizedException", "Refresh Token has been revoked")
    assert refresh("c" + "x" * 60) == ("NotAuthorizedException", "Invalid Refresh Token.")


def test_confirm_forgot_password_without_an_outstanding_code(server, cognito, app):
    pool, cid = app
    assert refused(cognito.confirm_forgot_password, ClientId=cid, Username="ann", ConfirmationCode="123456", Password="N3w-Passw0rd!") == \
        ("ExpiredCodeException", "Invalid code provided, please request a code again.")
    cognito.forgot_password(ClientId=cid, Username="ann")
    code = outbox(server, poolId=pool)[-1]["code"]
    wrong = "000000" if code != "000000" else "111111"
    assert refused(cognito.confirm_forgot_password, ClientId=cid, Username="ann", ConfirmationCode=wrong, Password="N3w-Passw0rd!")[0] == \
        "CodeMismatchException"


def test_a_totp_code_used_twice(server, cognito, app, clock):
    pool, cid = app
    cognito.set_user_pool_mfa_config(UserPoolId=pool, MfaConfiguration="OPTIONAL", SoftwareTokenMfaConfiguration={"Enabled": True})
    access = sign_in(cognito, cid)["AuthenticationResult"]["AccessToken"]
    secret = cognito.associate_software_token(AccessToken=access)["SecretCode"]
    code = pyotp.TOTP(secret).now()
    cognito.verify_software_token(AccessToken=access, UserCode=code)
    cognito.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    challenge = sign_in(cognito, cid)
    assert refused(cognito.respond_to_auth_challenge, ClientId=cid, ChallengeName="SOFTWARE_TOKEN_MFA", Session=challenge["Session"],
                   ChallengeResponses={"USERNAME": "ann", "SOFTWARE_TOKEN_MFA_CODE": code}) == \
        ("ExpiredCodeException", "Your software token has already been used once.")


def test_forgot_password_rules(cognito, pools):
    admin_only = pools(AccountRecoverySetting={"RecoveryMechanisms": [{"Name": "admin_only", "Priority": 1}]})
    cid = cognito.create_user_pool_client(UserPoolId=admin_only, ClientName="app")["UserPoolClient"]["ClientId"]
    for name in ("nobody", "somebody"):
        assert refused(cognito.forgot_password, ClientId=cid, Username=name) == \
            ("NotAuthorizedException", "Contact administrator to reset password.")
    pool = pools()
    legacy = cognito.create_user_pool_client(UserPoolId=pool, ClientName="legacy", PreventUserExistenceErrors="LEGACY")["UserPoolClient"]
    assert refused(cognito.forgot_password, ClientId=legacy["ClientId"], Username="nobody") == \
        ("UserNotFoundException", "Username/client id combination not found.")


def test_admin_reset_user_password_rules(cognito, pools):
    pool = pools()
    cognito.admin_create_user(UserPoolId=pool, Username="temp", MessageAction="SUPPRESS")
    assert refused(cognito.admin_reset_user_password, UserPoolId=pool, Username="temp") == \
        ("NotAuthorizedException", "User password cannot be reset in the current state.")
    cognito.admin_set_user_password(UserPoolId=pool, Username="temp", Password=PASSWORD, Permanent=True)
    assert refused(cognito.admin_reset_user_password, UserPoolId=pool, Username="temp") == \
        ("InvalidParameterException", "Cannot reset password for the user as there is no registered/verified email or phone_number")
    assert cognito.admin_get_user(UserPoolId=pool, Username="temp")["UserStatus"] == "CONFIRMED"  # unchanged
    cognito.admin_disable_user(UserPoolId=pool, Username="temp")
    assert refused(cognito.admin_reset_user_password, UserPoolId=pool, Username="temp")[0] == "NotAuthorizedException"


def test_turning_on_mfa_without_somewhere_to_send_codes(cognito, app):
    pool, cid = app
    cognito.set_user_pool_mfa_config(UserPoolId=pool, MfaConfiguration="OPTIONAL", SoftwareTokenMfaConfiguration={"Enabled": True},
                                     SmsMfaConfiguration={"SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::000000000000:role/sns",
                                                                               "ExternalId": "x"}})
    assert refused(cognito.admin_set_user_mfa_preference, UserPoolId=pool, Username="ann", SMSMfaSettings={"Enabled": True}) == \
        ("InvalidParameterException", "User does not have delivery config set to turn on SMS_MFA")
    assert refused(cognito.admin_set_user_mfa_preference, UserPoolId=pool, Username="ann", SoftwareTokenMfaSettings={"Enabled": True}) == \
        ("InvalidParameterException", "User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA")


def test_a_secret_that_was_not_sent(cognito, pools):
    pool = pools()
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="secret", GenerateSecret=True,
                                             ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]
    cid = client["ClientId"]
    # AWS's words depend on where the hash travels: in AuthParameters it is "not received", as a request's
    # SecretHash member a missing one is answered as a wrong one.
    missing = ("NotAuthorizedException", f"Client {cid} is configured with secret but SECRET_HASH was not received")
    assert refused(cognito.initiate_auth, ClientId=cid, AuthFlow="USER_PASSWORD_AUTH",
                   AuthParameters={"USERNAME": "u", "PASSWORD": PASSWORD}) == missing
    assert refused(cognito.sign_up, ClientId=cid, Username="u", Password=PASSWORD) == \
        ("NotAuthorizedException", f"Unable to verify secret hash for client {cid}")
    assert refused(cognito.initiate_auth, ClientId=cid, AuthFlow="USER_PASSWORD_AUTH",
                   AuthParameters={"USERNAME": "u", "PASSWORD": PASSWORD, "SECRET_HASH": "bm9wZQ=="}) == \
        ("NotAuthorizedException", f"Unable to verify secret hash for client {cid}")
