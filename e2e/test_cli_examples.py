"""Cognate's answers have the shape of real AWS answers: for every implemented operation with an example output
in the AWS CLI (awscli/examples/cognito-idp/*.rst, captured from real pools), the same call against Cognate
(set up like the example) returns the same members, structure by structure. Maps whose keys are data
(ChallengeParameters, Tags, documents) are compared by presence only. A member missing from Cognate's answer
or one AWS's lacks fails the test; the few differences that follow from the example's own setup are listed
in ALLOWED with the reason."""
import base64
import json
import os
import re
import time
import uuid

import subprocess

import botocore.session
import pyotp
import pytest
import requests

from test_cli import AWS


def examples_folder():
    """The AWS CLI's examples, from the Python that runs the CLI (its own virtual environment)."""
    with open(AWS) as script:
        python = script.readline()[2:].strip()
    where = subprocess.run([python, "-c", "import awscli, os; print(os.path.dirname(awscli.__file__))"], capture_output=True, text=True,
                           check=True).stdout.strip()
    return os.path.join(where, "examples", "cognito-idp")


EXAMPLES = examples_folder()
MODEL = botocore.session.get_session().get_service_model("cognito-idp")
PASSWORD = "Str0ng-Passw0rd!"
LOGO = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")

# Differences that are the example's setup, not Cognate's answer: (operation, member path) and why.
ALLOWED = {
    # The examples' pools have devices that were authenticated with a remembered-device flow later on.
    ("InitiateAuth", "AuthenticationResult.NewDeviceMetadata"): "the example's pool tracks devices; a new device is reported once",
    ("RespondToAuthChallenge", "AuthenticationResult.NewDeviceMetadata"): "as above",
    ("AdminRespondToAuthChallenge", "AuthenticationResult.NewDeviceMetadata"): "as above",
    # Paged examples ran against accounts with more items than one page.
    ("ListGroups", "NextToken"): "the example's pool had more groups than the page",
    ("ListResourceServers", "NextToken"): "the example's pool had more resource servers than the page",
    ("ListUserPoolClients", "NextToken"): "the example's pool had more clients than the page",
    ("ListUserPools", "NextToken"): "the example's account had more pools than the page",
    ("ListUsers", "PaginationToken"): "the example's pool had more users than the page",
    # Real answers to InitiateAuth carry "ChallengeParameters": {} beside the tokens (boto3 output in public code shows it, as the
    # CLI's respond-to-auth-challenge example does); this one example leaves it out.
    ("InitiateAuth", "ChallengeParameters"): "the example omits the empty map real answers carry",
    # The example's request came with city and country (AWS places addresses); this server runs without a geo-IP
    # database, and reads a device from the User-Agent, which the example's event lacks.
    ("AdminListUserAuthEvents", "AuthEvents[].EventContextData.City"): "no geo-IP database in this test",
    ("AdminListUserAuthEvents", "AuthEvents[].EventContextData.Country"): "no geo-IP database in this test",
    ("AdminListUserAuthEvents", "AuthEvents[].EventContextData.DeviceName"): "boto3's User-Agent names a device; the example's had none",
}
# Members the API gained after an example was captured (the example's dates are in its output).
NEWER = {
    "CreateUserPool": {  # captured 2019-01
        "UserPool.Arn", "UserPool.DeletionProtection", "UserPool.UserPoolTier", "UserPool.Policies.SignInPolicy",
        "UserPool.Policies.PasswordPolicy.TemporaryPasswordValidityDays", "UserPool.EmailConfiguration.EmailSendingAccount",
        "UserPool.VerificationMessageTemplate", "UserPool.UserPoolTags", "UserPool.AdminCreateUserConfig.UnusedAccountValidityDays",
    },
    "DescribeUserPool": {"UserPool.UserPoolTier", "UserPool.Policies.SignInPolicy"},  # captured 2024-09, before tiers
    "DescribeUserPoolClient": {  # captured 2019
        "UserPoolClient.AuthSessionValidity", "UserPoolClient.EnablePropagateAdditionalUserContextData",
        "UserPoolClient.EnableTokenRevocation", "UserPoolClient.PreventUserExistenceErrors",
    },
    "DescribeUserPoolDomain": {"DomainDescription.ManagedLoginVersion"},  # before managed login (2024-11)
    "CreateUserPoolDomain": {"ManagedLoginVersion"},
    "GetUserPoolMfaConfig": {"WebAuthnConfiguration.FactorConfiguration"},  # before passkeys as MFA
    "SetUserPoolMfaConfig": {"WebAuthnConfiguration.FactorConfiguration"},
}


def example_outputs(name):
    """The JSON blocks after `Output::` in the operation's example file."""
    path = os.path.join(EXAMPLES, re.sub(r"(?<!^)(?=[A-Z][a-z])", "-", name).lower().replace("u-i", "ui").replace("c-s-v", "csv")
                        .replace("m-f-a", "mfa") + ".rst")
    if not os.path.exists(path):
        return []
    lines, out, i = open(path).read().splitlines(), [], 0
    while i < len(lines):
        if lines[i].strip().startswith("Output::"):
            j = i + 1
            block = []
            while j < len(lines) and (not lines[j].strip() or lines[j][:1].isspace()):
                block.append(lines[j])
                j += 1
            try:
                value = json.loads("\n".join(block))
                if isinstance(value, dict):
                    out.append(value)
            except json.JSONDecodeError:
                pass
            i = j
        else:
            i += 1
    return out


def differences(expected, actual, shape, path=""):
    """Members of structures that one side has and the other lacks, walking the model's output shape."""
    found = []
    if shape is None or getattr(shape, "is_document_type", False):
        return found
    if shape.type_name == "structure" and isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual)):
            here = f"{path}.{key}" if path else key
            if key not in actual:
                found.append(("missing", here))
            elif key not in expected:
                found.append(("extra", here))
            else:
                found += differences(expected[key], actual[key], shape.members.get(key), here)
    elif shape.type_name == "list" and isinstance(expected, list) and isinstance(actual, list) and expected and actual:
        found += differences(expected[0], actual[0], shape.member, path + "[]")
    return found


@pytest.fixture(scope="module")
def world(server):
    """A pool set up the way the examples' pools are, with a user, a group, a client with a secret, and tokens."""
    cognito = server.client()
    pool = cognito.create_user_pool(
        PoolName="examples-" + uuid.uuid4().hex[:6], AutoVerifiedAttributes=["email"], AliasAttributes=["email"],
        Policies={"PasswordPolicy": {"MinimumLength": 8, "RequireUppercase": True, "RequireLowercase": True, "RequireNumbers": True,
                                     "RequireSymbols": True, "TemporaryPasswordValidityDays": 7}},
        UserPoolTags={"administrator": "Jie", "tenant": "ExampleCorp"})["UserPool"]
    pid = pool["Id"]
    client = cognito.create_user_pool_client(
        UserPoolId=pid, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH",
                                                              "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"])["UserPoolClient"]
    cid = client["ClientId"]
    cognito.admin_create_user(UserPoolId=pid, Username="diego", MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "email", "Value": "diego@example.com"}, {"Name": "email_verified", "Value": "true"}])
    cognito.admin_set_user_password(UserPoolId=pid, Username="diego", Password=PASSWORD, Permanent=True)
    cognito.create_group(UserPoolId=pid, GroupName="MyGroup", Description="A group", Precedence=1,
                         RoleArn="arn:aws:iam::123456789012:role/example")
    cognito.admin_add_user_to_group(UserPoolId=pid, Username="diego", GroupName="MyGroup")
    cognito.create_resource_server(UserPoolId=pid, Identifier="myapi", Name="My API",
                                   Scopes=[{"ScopeName": "read", "ScopeDescription": "Read"}])
    tokens = cognito.initiate_auth(ClientId=cid, AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": "diego", "PASSWORD": PASSWORD})["AuthenticationResult"]
    yield {"cognito": cognito, "pool": pid, "client": cid, "tokens": tokens, "server": server}
    for domain in (cognito.describe_user_pool(UserPoolId=pid)["UserPool"].get("Domain"),):
        if domain:
            cognito.delete_user_pool_domain(UserPoolId=pid, Domain=domain)
    cognito.delete_user_pool(UserPoolId=pid)


def fresh_user(w, name, **attributes):
    c = w["cognito"]
    c.admin_create_user(UserPoolId=w["pool"], Username=name, MessageAction="SUPPRESS",
                        UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()])
    c.admin_set_user_password(UserPoolId=w["pool"], Username=name, Password=PASSWORD, Permanent=True)
    return c.initiate_auth(ClientId=w["client"], AuthFlow="USER_PASSWORD_AUTH",
                           AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD})["AuthenticationResult"]


def enable_totp(w):
    w["cognito"].set_user_pool_mfa_config(UserPoolId=w["pool"], MfaConfiguration="OPTIONAL", SoftwareTokenMfaConfiguration={"Enabled": True})


def totp_user(w, name):
    """A user with an authenticator app, for the MFA examples."""
    c = w["cognito"]
    enable_totp(w)
    access = fresh_user(w, name)["AccessToken"]
    secret = c.associate_software_token(AccessToken=access)["SecretCode"]
    c.verify_software_token(AccessToken=access, UserCode=pyotp.TOTP(secret).now(), FriendlyDeviceName="phone")
    c.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    return secret


def device_user(w, name):
    """A user whose sign-in remembered a device, for the device examples."""
    c = w["cognito"]
    c.update_user_pool(UserPoolId=w["pool"], AutoVerifiedAttributes=["email"],
                       DeviceConfiguration={"ChallengeRequiredOnNewDevice": False, "DeviceOnlyRememberedOnUserPrompt": False})
    result = fresh_user(w, name)
    key = result["NewDeviceMetadata"]["DeviceKey"]
    c.confirm_device(AccessToken=result["AccessToken"], DeviceKey=key, DeviceName="laptop",
                     DeviceSecretVerifierConfig={"PasswordVerifier": base64.b64encode(b"v" * 32).decode(),
                                                 "Salt": base64.b64encode(b"s" * 16).decode()})
    return result, key


def call(name, w):
    """Cognate's answer to the call the example makes, in a setup like the example's."""
    c, pool, cid, tokens = w["cognito"], w["pool"], w["client"], w["tokens"]
    suffix = uuid.uuid4().hex[:6]
    if name == "AdminCreateUser":
        return c.admin_create_user(UserPoolId=pool, Username="new-" + suffix, MessageAction="SUPPRESS",
                                   UserAttributes=[{"Name": "email", "Value": f"new{suffix}@example.com"}])
    if name == "AdminGetUser":
        c.admin_create_user(UserPoolId=pool, Username="jane-" + suffix, MessageAction="SUPPRESS", UserAttributes=[
            {"Name": "email", "Value": f"jane{suffix}@example.com"}, {"Name": "email_verified", "Value": "true"}])
        return c.admin_get_user(UserPoolId=pool, Username="jane-" + suffix)
    if name in ("AdminGetDevice", "GetDevice", "AdminListDevices", "ListDevices"):
        result, key = device_user(w, "dev-" + suffix)
        return {"AdminGetDevice": lambda: c.admin_get_device(UserPoolId=pool, Username="dev-" + suffix, DeviceKey=key),
                "GetDevice": lambda: c.get_device(AccessToken=result["AccessToken"], DeviceKey=key),
                "AdminListDevices": lambda: c.admin_list_devices(UserPoolId=pool, Username="dev-" + suffix),
                "ListDevices": lambda: c.list_devices(AccessToken=result["AccessToken"])}[name]()
    if name == "AdminInitiateAuth":
        totp_user(w, "mfa-" + suffix)
        return c.admin_initiate_auth(UserPoolId=pool, ClientId=cid, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                     AuthParameters={"USERNAME": "mfa-" + suffix, "PASSWORD": PASSWORD})
    if name in ("AdminRespondToAuthChallenge", "RespondToAuthChallenge"):
        secret = totp_user(w, "resp-" + suffix)
        start = c.initiate_auth(ClientId=cid, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "resp-" + suffix, "PASSWORD": PASSWORD})
        requests_clock(w, 30)
        code = pyotp.TOTP(secret).at(time.time() + 30)
        responses = {"USERNAME": "resp-" + suffix, "SOFTWARE_TOKEN_MFA_CODE": code}
        if name == "RespondToAuthChallenge":
            return c.respond_to_auth_challenge(ClientId=cid, ChallengeName="SOFTWARE_TOKEN_MFA", Session=start["Session"],
                                               ChallengeResponses=responses)
        return c.admin_respond_to_auth_challenge(UserPoolId=pool, ClientId=cid, ChallengeName="SOFTWARE_TOKEN_MFA",
                                                 Session=start["Session"], ChallengeResponses=responses)
    if name == "AdminListGroupsForUser":
        return c.admin_list_groups_for_user(UserPoolId=pool, Username="diego")
    if name == "AssociateSoftwareToken":
        enable_totp(w)
        return c.associate_software_token(AccessToken=fresh_user(w, "assoc-" + suffix)["AccessToken"])
    if name == "ConfirmDevice":
        c.update_user_pool(UserPoolId=pool, AutoVerifiedAttributes=["email"],
                           DeviceConfiguration={"ChallengeRequiredOnNewDevice": False, "DeviceOnlyRememberedOnUserPrompt": True})
        result = fresh_user(w, "confirm-" + suffix)
        return c.confirm_device(AccessToken=result["AccessToken"], DeviceKey=result["NewDeviceMetadata"]["DeviceKey"],
                                DeviceSecretVerifierConfig={"PasswordVerifier": base64.b64encode(b"v" * 32).decode(),
                                                            "Salt": base64.b64encode(b"s" * 16).decode()})
    if name in ("CreateIdentityProvider", "GetIdentityProviderByIdentifier", "UpdateIdentityProvider", "ListIdentityProviders"):
        # The examples' providers are SAML ones, which Cognate does not serve yet; an OIDC provider's answer has the same
        # members (ProviderDetails is a map of data, compared by presence).
        details = {"client_id": "idp", "client_secret": "s", "authorize_scopes": "openid", "oidc_issuer": "https://idp.example.com",
                   "attributes_request_method": "GET", "authorize_url": "https://idp.example.com/authorize", "token_url": "https://idp.example.com/token",
                   "attributes_url": "https://idp.example.com/userInfo", "jwks_uri": "https://idp.example.com/jwks"}
        made = c.create_identity_provider(UserPoolId=pool, ProviderName="idp-" + suffix, ProviderType="OIDC", ProviderDetails=details,
                                          AttributeMapping={"email": "email"}, IdpIdentifiers=["corp-" + suffix])
        if name == "CreateIdentityProvider":
            return made
        if name == "GetIdentityProviderByIdentifier":
            return c.get_identity_provider_by_identifier(UserPoolId=pool, IdpIdentifier="corp-" + suffix)
        if name == "UpdateIdentityProvider":
            return c.update_identity_provider(UserPoolId=pool, ProviderName="idp-" + suffix, IdpIdentifiers=["corp-" + suffix, "dev-" + suffix])
        c.create_identity_provider(UserPoolId=pool, ProviderName="idp2-" + suffix, ProviderType="OIDC", ProviderDetails=details)
        return c.list_identity_providers(UserPoolId=pool, MaxResults=1)
    if name == "GetSigningCertificate":
        return c.get_signing_certificate(UserPoolId=pool)
    if name == "CreateGroup":
        return c.create_group(UserPoolId=pool, GroupName="g-" + suffix, Description="Example", Precedence=2,
                              RoleArn="arn:aws:iam::123456789012:role/example")
    if name == "GetGroup":  # the example's group has a role and a precedence, no description
        c.create_group(UserPoolId=pool, GroupName="gg-" + suffix, Precedence=1, RoleArn="arn:aws:iam::123456789012:role/example")
        return c.get_group(UserPoolId=pool, GroupName="gg-" + suffix)
    if name == "UpdateGroup":
        return c.update_group(UserPoolId=pool, GroupName="MyGroup", Description="Updated", Precedence=1,
                              RoleArn="arn:aws:iam::123456789012:role/example")
    if name == "ListGroups":  # the example's groups have descriptions and precedences, no roles
        other = c.create_user_pool(PoolName="lg-" + suffix)["UserPool"]["Id"]
        try:
            c.create_group(UserPoolId=other, GroupName="one", Description="First", Precedence=1)
            return c.list_groups(UserPoolId=other)
        finally:
            c.delete_user_pool(UserPoolId=other)
    if name in ("CreateResourceServer", "DescribeResourceServer", "UpdateResourceServer", "ListResourceServers"):
        scopes = [{"ScopeName": "read", "ScopeDescription": "Read"}]
        return {"CreateResourceServer": lambda: c.create_resource_server(UserPoolId=pool, Identifier="rs-" + suffix, Name="RS", Scopes=scopes),
                "DescribeResourceServer": lambda: c.describe_resource_server(UserPoolId=pool, Identifier="myapi"),
                "UpdateResourceServer": lambda: c.update_resource_server(UserPoolId=pool, Identifier="myapi", Name="My API", Scopes=scopes),
                "ListResourceServers": lambda: c.list_resource_servers(UserPoolId=pool, MaxResults=10)}[name]()
    if name == "CreateUserPoolClient":  # as the example's command
        return c.create_user_pool_client(
            UserPoolId=pool, ClientName="client-" + suffix, GenerateSecret=True, RefreshTokenValidity=10, AccessTokenValidity=60,
            IdTokenValidity=60, TokenValidityUnits={"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"},
            ReadAttributes=["email", "phone_number", "email_verified", "phone_number_verified"], WriteAttributes=["email", "phone_number"],
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            SupportedIdentityProviders=["COGNITO"],
            CallbackURLs=["https://www.amazon.com", "https://example.com", "http://localhost:8001", "myapp://example"],
            AllowedOAuthFlows=["code", "implicit"], AllowedOAuthScopes=["openid", "profile", "aws.cognito.signin.user.admin", "myapi/read"],
            AllowedOAuthFlowsUserPoolClient=True,
            AnalyticsConfiguration={"ApplicationArn": "arn:aws:mobiletargeting:us-west-2:767671399759:apps/example", "UserDataShared": True},
            PreventUserExistenceErrors="ENABLED", EnableTokenRevocation=True, EnablePropagateAdditionalUserContextData=True,
            AuthSessionValidity=4)
    if name == "UpdateUserPoolClient":  # as the example's command, on a client without a secret
        made = c.create_user_pool_client(UserPoolId=pool, ClientName="client-" + suffix)["UserPoolClient"]["ClientId"]
        readable = ["address", "birthdate", "email", "email_verified", "family_name", "gender", "locale", "middle_name", "name", "nickname",
                    "phone_number", "phone_number_verified", "picture", "preferred_username", "profile", "updated_at", "website", "zoneinfo"]
        return c.update_user_pool_client(
            UserPoolId=pool, ClientId=made, ClientName="my-test-app", RefreshTokenValidity=30, AccessTokenValidity=60, IdTokenValidity=60,
            TokenValidityUnits={"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"}, ReadAttributes=readable,
            WriteAttributes=[a for a in readable if not a.endswith("_verified")],
            ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_PASSWORD_AUTH",
                               "ALLOW_USER_SRP_AUTH"],
            SupportedIdentityProviders=["COGNITO"], CallbackURLs=["https://www.example.com", "https://app2.example.com"],
            LogoutURLs=["https://example.com/logout"], DefaultRedirectURI="https://www.example.com", AllowedOAuthFlows=["code", "implicit"],
            AllowedOAuthScopes=["openid", "profile", "aws.cognito.signin.user.admin"], AllowedOAuthFlowsUserPoolClient=True,
            PreventUserExistenceErrors="ENABLED", EnableTokenRevocation=True, EnablePropagateAdditionalUserContextData=False,
            AuthSessionValidity=3)
    if name == "DescribeUserPoolClient":
        made = c.create_user_pool_client(UserPoolId=pool, ClientName="d-" + suffix, GenerateSecret=True, RefreshTokenValidity=30,
                                         ReadAttributes=["email"], WriteAttributes=["email"], ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH",
                                                                                                                "ALLOW_REFRESH_TOKEN_AUTH"])
        return c.describe_user_pool_client(UserPoolId=pool, ClientId=made["UserPoolClient"]["ClientId"])
    if name == "ListUserPoolClients":
        return c.list_user_pool_clients(UserPoolId=pool, MaxResults=10)
    if name in ("CreateUserPoolDomain", "UpdateUserPoolDomain"):  # the examples' custom domain
        domain, certificate = f"auth.ex{suffix}.example.com", "arn:aws:acm:us-east-1:123456789012:certificate/a1b2c3d4-5678-90ab-cdef-EXAMPLE2"
        created = c.create_user_pool_domain(UserPoolId=pool, Domain=domain, CustomDomainConfig={"CertificateArn": certificate})
        try:
            if name == "CreateUserPoolDomain":
                return created
            return c.update_user_pool_domain(UserPoolId=pool, Domain=domain, ManagedLoginVersion=2,
                                             CustomDomainConfig={"CertificateArn": certificate})
        finally:
            c.delete_user_pool_domain(UserPoolId=pool, Domain=domain)
    if name == "DescribeUserPoolDomain":  # the example's prefix domain
        domain = "ex-" + suffix
        c.create_user_pool_domain(UserPoolId=pool, Domain=domain)
        try:
            return c.describe_user_pool_domain(Domain=domain)
        finally:
            c.delete_user_pool_domain(UserPoolId=pool, Domain=domain)
    if name == "CreateUserPool":  # the first example: a pool with every default
        made = c.create_user_pool(PoolName="cp-" + suffix)
        c.delete_user_pool(UserPoolId=made["UserPool"]["Id"])
        return made
    if name == "DescribeUserPool":  # a pool made with the settings the example's pool reports
        described = example_outputs("DescribeUserPool")[0]["UserPool"]
        accepted = set(MODEL.operation_model("CreateUserPool").input_shape.members)
        settings = {k: v for k, v in described.items() if k in accepted and k not in ("PoolName", "DeletionProtection")}
        settings["LambdaConfig"] = {k: v for k, v in settings["LambdaConfig"].items() if k != "PreTokenGeneration"}
        settings["UserPoolTier"] = "PLUS"  # advanced security (ENFORCED) needs the Plus tier
        mfa = settings.pop("MfaConfiguration")  # turned on afterwards, with an authenticator app as the factor
        made = c.create_user_pool(PoolName="dp-" + suffix, Schema=[{"Name": "email", "Required": True}], **settings)["UserPool"]["Id"]
        c.set_user_pool_mfa_config(UserPoolId=made, MfaConfiguration=mfa, SoftwareTokenMfaConfiguration={"Enabled": True})
        prefix, custom = "dp-" + suffix, f"auth.dp{suffix}.example.com"
        c.create_user_pool_domain(UserPoolId=made, Domain=prefix)
        c.create_user_pool_domain(UserPoolId=made, Domain=custom, CustomDomainConfig={
            "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/a1b2c3d4-5678-90ab-cdef-EXAMPLE2"})
        try:
            return c.describe_user_pool(UserPoolId=made)
        finally:
            for domain in (prefix, custom):
                c.delete_user_pool_domain(UserPoolId=made, Domain=domain)
            c.delete_user_pool(UserPoolId=made)
    if name == "ForgotPassword":
        fresh_user(w, "forgot-" + suffix, email=f"forgot{suffix}@example.com", email_verified="true")
        return c.forgot_password(ClientId=cid, Username="forgot-" + suffix)
    if name == "GetCSVHeader":
        return c.get_csv_header(UserPoolId=pool)
    if name in ("GetUICustomization", "SetUICustomization"):
        domain = "ui-" + suffix
        c.create_user_pool_domain(UserPoolId=pool, Domain=domain)
        try:
            c.set_ui_customization(UserPoolId=pool, ClientId=cid, CSS=".label-customizable { font-weight: 400; }", ImageFile=LOGO)
            if name == "SetUICustomization":
                return c.set_ui_customization(UserPoolId=pool, ClientId=cid, CSS=".label-customizable { font-weight: 400; }",
                                              ImageFile=LOGO)
            return c.get_ui_customization(UserPoolId=pool, ClientId=cid)
        finally:
            c.delete_user_pool_domain(UserPoolId=pool, Domain=domain)
    if name == "GetUserAttributeVerificationCode":
        access = fresh_user(w, "verify-" + suffix, email=f"verify{suffix}@example.com")["AccessToken"]
        return c.get_user_attribute_verification_code(AccessToken=access, AttributeName="email")
    if name == "GetUserAuthFactors":
        return c.get_user_auth_factors(AccessToken=tokens["AccessToken"])
    if name in ("GetUserPoolMfaConfig", "SetUserPoolMfaConfig"):
        mfa = dict(MfaConfiguration="OPTIONAL", SoftwareTokenMfaConfiguration={"Enabled": True},
                   SmsMfaConfiguration={"SmsAuthenticationMessage": "Code {####}", "SmsConfiguration": {
                       "SnsCallerArn": "arn:aws:iam::123456789012:role/sns", "ExternalId": "x", "SnsRegion": "us-east-1"}},
                   WebAuthnConfiguration={"RelyingPartyId": "auth.example.com", "UserVerification": "preferred"})
        cp = c.create_user_pool(PoolName="mfa-" + suffix, EmailConfiguration={
            "EmailSendingAccount": "DEVELOPER", "SourceArn": "arn:aws:ses:us-east-1:000000000000:identity/example.com",
            "From": "noreply@example.com"})["UserPool"]["Id"]
        try:
            made = c.set_user_pool_mfa_config(UserPoolId=cp, EmailMfaConfiguration={"Message": "Code {####}", "Subject": "Code"}, **mfa)
            return made if name == "SetUserPoolMfaConfig" else c.get_user_pool_mfa_config(UserPoolId=cp)
        finally:
            c.delete_user_pool(UserPoolId=cp)
    if name == "GetUser":
        return c.get_user(AccessToken=tokens["AccessToken"])
    if name == "InitiateAuth":
        device_user(w, "init-" + suffix)
        return c.initiate_auth(ClientId=cid, AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": "init-" + suffix, "PASSWORD": PASSWORD})
    if name == "ListTagsForResource":
        return c.list_tags_for_resource(ResourceArn=c.describe_user_pool(UserPoolId=pool)["UserPool"]["Arn"])
    if name == "ListUserPools":  # the example's first pool has three triggers
        arn = "arn:aws:lambda:us-east-1:123456789012:function:MyFunction"
        made = c.create_user_pool(PoolName="lp-" + suffix, LambdaConfig={
            "CustomMessage": arn, "PreSignUp": arn, "PreTokenGenerationConfig": {"LambdaArn": arn, "LambdaVersion": "V1_0"}})["UserPool"]["Id"]
        try:
            listed, token = [], None
            while True:
                page = c.list_user_pools(MaxResults=60, **({"NextToken": token} if token else {}))
                listed += page["UserPools"]
                token = page.get("NextToken")
                if not token:
                    break
            return {"UserPools": [p for p in listed if p["Id"] == made], "NextToken": "x"}
        finally:
            c.delete_user_pool(UserPoolId=made)
    if name == "ListUsersInGroup":
        return c.list_users_in_group(UserPoolId=pool, GroupName="MyGroup")
    if name == "ListUsers":
        return c.list_users(UserPoolId=pool, Limit=3)
    if name == "StartWebAuthnRegistration":
        c.update_user_pool(UserPoolId=pool, AutoVerifiedAttributes=["email"],
                           Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}})
        c.set_user_pool_mfa_config(UserPoolId=pool, WebAuthnConfiguration={"RelyingPartyId": "localhost"})
        access = fresh_user(w, "pk-" + suffix)["AccessToken"]
        return c.start_web_authn_registration(AccessToken=access)
    if name == "ResendConfirmationCode":
        c.sign_up(ClientId=cid, Username="resend-" + suffix, Password=PASSWORD,
                  UserAttributes=[{"Name": "email", "Value": f"resend{suffix}@example.com"}])
        return c.resend_confirmation_code(ClientId=cid, Username="resend-" + suffix)
    if name == "SignUp":
        return c.sign_up(ClientId=cid, Username="signup-" + suffix, Password=PASSWORD)
    if name == "UpdateManagedLoginBranding":
        made = c.create_managed_login_branding(UserPoolId=pool, ClientId=cid, UseCognitoProvidedValues=True)["ManagedLoginBranding"]
        try:
            return c.update_managed_login_branding(
                UserPoolId=pool, ManagedLoginBrandingId=made["ManagedLoginBrandingId"],
                Settings={"components": {"primaryButton": {"lightMode": {"defaults": {"backgroundColor": "0972d3ff"}}}}},
                Assets=[{"Category": "PAGE_FOOTER_BACKGROUND", "ColorMode": "DARK", "Extension": "PNG", "Bytes": LOGO}])
        finally:
            c.delete_managed_login_branding(UserPoolId=pool, ManagedLoginBrandingId=made["ManagedLoginBrandingId"])
    if name in ("DescribeRiskConfiguration", "SetRiskConfiguration", "AdminListUserAuthEvents", "GetLogDeliveryConfiguration",
                "SetLogDeliveryConfiguration"):
        return threat_protection_call(name, w, suffix)
    if name in ("CreateUserImportJob", "DescribeUserImportJob", "ListUserImportJobs", "StartUserImportJob", "StopUserImportJob"):
        return user_import_call(name, w, suffix)
    if name == "VerifySoftwareToken":
        enable_totp(w)
        access = fresh_user(w, "vst-" + suffix)["AccessToken"]
        secret = c.associate_software_token(AccessToken=access)["SecretCode"]
        return c.verify_software_token(AccessToken=access, UserCode=pyotp.TOTP(secret).now())
    raise LookupError(name)


def example_input(name):
    """The JSON the example's command gives (its `Contents of …json` block)."""
    path = os.path.join(EXAMPLES, re.sub(r"(?<!^)(?=[A-Z][a-z])", "-", name).lower() + ".rst")
    lines = open(path).read().splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("Contents of"))
    end = next(i for i in range(start + 1, len(lines)) if lines[i].strip().startswith("Output::"))
    return json.loads("\n".join(line for line in lines[start + 1:end] if line.strip() and not line.startswith("For more")))


def threat_protection_call(name, w, suffix):
    """Threat protection's examples, in a pool of their own on the Plus plan with it enforced."""
    c, server = w["cognito"], w["server"]
    pool = c.create_user_pool(PoolName="examples-plus-" + suffix, UserPoolTier="PLUS", UserPoolAddOns={"AdvancedSecurityMode": "ENFORCED"},
                              AutoVerifiedAttributes=["email"], EmailConfiguration={
                                  "EmailSendingAccount": "DEVELOPER", "From": "admin@example.com",
                                  "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/admin@example.com"})["UserPool"]["Id"]
    try:
        cid = c.create_user_pool_client(UserPoolId=pool, ClientName="app",
                                        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
        config = example_input("SetRiskConfiguration")
        config.update(UserPoolId=pool, ClientId=cid)
        if name == "SetRiskConfiguration":
            return c.set_risk_configuration(**config)
        if name == "DescribeRiskConfiguration":  # the example's pool: no exceptions, configured for the pool
            del config["ClientId"], config["RiskExceptionConfiguration"]
            c.set_risk_configuration(**config)
            return c.describe_risk_configuration(UserPoolId=pool)
        notices = {"LogLevel": "ERROR", "EventSource": "userNotification",
                   "CloudWatchLogsConfiguration": {"LogGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:cognito-exported"}}
        if name == "SetLogDeliveryConfiguration":  # as the example's command: notices to a log group, activity to S3
            return c.set_log_delivery_configuration(UserPoolId=pool, LogConfigurations=[notices, {
                "LogLevel": "INFO", "EventSource": "userAuthEvents", "S3Configuration": {"BucketArn": "arn:aws:s3:::amzn-s3-demo-bucket1"}}])
        if name == "GetLogDeliveryConfiguration":  # the example's pool: activity to Firehose, then notices
            c.set_log_delivery_configuration(UserPoolId=pool, LogConfigurations=[{
                "LogLevel": "INFO", "EventSource": "userAuthEvents",
                "FirehoseConfiguration": {"StreamArn": "arn:aws:firehose:us-east-1:123456789012:deliverystream/my-test-deliverystream"}}, notices])
            return c.get_log_delivery_configuration(UserPoolId=pool)
        # AdminListUserAuthEvents: the example's newest event is a Medium-risk sign-in stepped up to MFA.
        c.set_user_pool_mfa_config(UserPoolId=pool, MfaConfiguration="OPTIONAL", EmailMfaConfiguration={"Message": "{####}", "Subject": "Code"})
        c.set_risk_configuration(UserPoolId=pool, AccountTakeoverRiskConfiguration={"Actions": {
            "MediumAction": {"Notify": False, "EventAction": "MFA_IF_CONFIGURED"}}})
        c.admin_create_user(UserPoolId=pool, Username="diego", MessageAction="SUPPRESS", UserAttributes=[
            {"Name": "email", "Value": "diego@example.com"}, {"Name": "email_verified", "Value": "true"}])
        c.admin_set_user_password(UserPoolId=pool, Username="diego", Password=PASSWORD, Permanent=True)
        sign_in = {"ClientId": cid, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "diego", "PASSWORD": PASSWORD}}
        c.initiate_auth(**sign_in)
        requests.post(server.url + "/_cognate/risk", json={"userPoolId": pool, "username": "diego", "riskLevel": "Medium"}, timeout=5)
        assert c.initiate_auth(**sign_in)["ChallengeName"] == "EMAIL_OTP"
        return c.admin_list_user_auth_events(UserPoolId=pool, Username="diego", MaxResults=1)
    finally:
        c.delete_user_pool(UserPoolId=pool)


def user_import_call(name, w, suffix):
    """The import examples, in a pool of their own: a job made, and for the list one of each end the example shows."""
    c = w["cognito"]
    pool = c.create_user_pool(PoolName="examples-import-" + suffix, AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    role = "arn:aws:iam::123456789012:role/example-cloudwatch-logs-role"
    header = c.get_csv_header(UserPoolId=pool)["CSVHeader"]

    def job(rows, start=True):
        made = c.create_user_import_job(UserPoolId=pool, JobName="Customer import", CloudWatchLogsRoleArn=role)["UserImportJob"]
        lines = [",".join(header)] + [",".join({"cognito:username": n, "cognito:mfa_enabled": "FALSE", "email": f"{n}@example.com",
                                                 "email_verified": v}.get(col, "") for col in header) for n, v in rows]
        requests.put(made["PreSignedUrl"], data="\n".join(lines) + "\n", headers={"x-amz-server-side-encryption": "aws:kms"}, timeout=30)
        if start:
            c.start_user_import_job(UserPoolId=pool, JobId=made["JobId"])
            for _ in range(600):
                if c.describe_user_import_job(UserPoolId=pool, JobId=made["JobId"])["UserImportJob"]["Status"] in ("Succeeded", "Failed"):
                    break
                time.sleep(0.05)
        return made["JobId"]
    try:
        if name == "CreateUserImportJob":
            return c.create_user_import_job(UserPoolId=pool, JobName="MyImportJob", CloudWatchLogsRoleArn=role)
        if name == "DescribeUserImportJob":
            return c.describe_user_import_job(UserPoolId=pool, JobId=job([], start=False))
        if name == "StartUserImportJob":
            made = job([("one", "TRUE")], start=False)
            try:
                return c.start_user_import_job(UserPoolId=pool, JobId=made)
            finally:
                try:  # a job of one user may have ended already
                    c.stop_user_import_job(UserPoolId=pool, JobId=made)
                except c.exceptions.PreconditionNotMetException:
                    pass
        if name == "StopUserImportJob":
            made = job([(f"u{i}", "TRUE") for i in range(2000)], start=False)
            c.start_user_import_job(UserPoolId=pool, JobId=made)
            stopped = c.stop_user_import_job(UserPoolId=pool, JobId=made)
            for _ in range(600):
                if c.describe_user_import_job(UserPoolId=pool, JobId=made)["UserImportJob"]["Status"] == "Stopped":
                    break
                time.sleep(0.05)
            return stopped
        # ListUserImportJobs: the example's three, newest first — expired, failed, succeeded — and an older one,
        # for the example's PaginationToken.
        job([("first", "TRUE")])
        job([(f"ok{i}", "TRUE") for i in range(6)])
        job([("bad", "FALSE")])
        job([], start=False)
        requests_clock(w, 86_400)
        return c.list_user_import_jobs(UserPoolId=pool, MaxResults=3)
    finally:
        requests.post(w["server"].url + "/_cognate/clock", json={"offsetSeconds": 0}, timeout=5)
        for listed in c.list_user_import_jobs(UserPoolId=pool, MaxResults=60).get("UserImportJobs", []):
            if listed["Status"] in ("Pending", "InProgress"):
                c.stop_user_import_job(UserPoolId=pool, JobId=listed["JobId"])
        for _ in range(600):
            try:
                c.delete_user_pool(UserPoolId=pool)
                break
            except c.exceptions.UserImportInProgressException:
                time.sleep(0.05)


def requests_clock(w, seconds):
    requests.post(w["server"].url + "/_cognate/clock", json={"advanceSeconds": seconds}, timeout=5)


def implemented():
    table = open(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "COVERAGE.md")).read()
    return sorted(line.split("|")[1].strip() for line in table.splitlines() if line.startswith("|") and "| yes |" in line)


# ListWebAuthnCredentials needs a passkey made by a browser: e2e/test_passkeys_browser.py compares it.
ELSEWHERE = {"ListWebAuthnCredentials"}
CASES = [name for name in implemented() if example_outputs(name) and name not in ELSEWHERE]


def test_every_example_with_an_output_is_compared():
    # A new example output for an implemented operation must get a call here.
    assert len(CASES) >= 45, CASES


@pytest.mark.parametrize("name", CASES)
def test_answer_has_the_shape_of_the_cli_example(world, name):
    try:
        answer = call(name, world)
    finally:
        requests.post(world["server"].url + "/_cognate/clock", json={"offsetSeconds": 0}, timeout=5)
    answer.pop("ResponseMetadata", None)
    shape = MODEL.operation_model(name).output_shape
    outputs = example_outputs(name)
    # The operation's examples may show several outcomes (a challenge, or tokens): the answer matches one.
    candidates = []
    for example in outputs:
        found = [d for d in differences(example, json.loads(json.dumps(answer, default=str)), shape)
                 if (name, d[1]) not in ALLOWED and d[1] not in NEWER.get(name, set())]
        if not found:
            return
        candidates.append(found)
    pytest.fail(f"{name}: {min(candidates, key=len)}")
