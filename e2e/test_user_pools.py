"""CreateUserPool, DescribeUserPool, UpdateUserPool, DeleteUserPool, ListUserPools, AddCustomAttributes."""
import re
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import error_code


def test_create_stores_and_returns_every_setting(cognito):
    settings = dict(
        PoolName="full",
        Policies={"PasswordPolicy": {"MinimumLength": 10, "RequireUppercase": False, "RequireLowercase": True,
                                     "RequireNumbers": True, "RequireSymbols": False, "TemporaryPasswordValidityDays": 3}},
        DeletionProtection="INACTIVE",
        AutoVerifiedAttributes=["email"],
        AliasAttributes=["email", "preferred_username"],
        SmsAuthenticationMessage="Code {####}",
        MfaConfiguration="OFF",
        VerificationMessageTemplate={"EmailMessage": "Your code is {####}", "EmailSubject": "Verify",
                                     "DefaultEmailOption": "CONFIRM_WITH_CODE"},
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True,
                               "InviteMessageTemplate": {"EmailMessage": "Hi {username}: {####}", "EmailSubject": "Welcome"}},
        UsernameConfiguration={"CaseSensitive": False},
        AccountRecoverySetting={"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]},
        UserPoolTags={"team": "identity"},
        Schema=[{"Name": "tenant", "AttributeDataType": "String", "Mutable": True,
                 "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "64"}},
                {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True}],
    )
    created = cognito.create_user_pool(**settings)["UserPool"]
    pool_id = created["Id"]
    assert re.fullmatch(r"us-east-1_[0-9A-Za-z]{9}", pool_id)
    assert created["Arn"] == f"arn:aws:cognito-idp:us-east-1:000000000000:userpool/{pool_id}"
    described = cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert described["Name"] == "full"
    assert described["Policies"]["PasswordPolicy"]["MinimumLength"] == 10
    assert described["Policies"]["PasswordPolicy"]["RequireUppercase"] is False
    assert described["AutoVerifiedAttributes"] == ["email"]
    assert described["AliasAttributes"] == ["email", "preferred_username"]
    assert described["UsernameConfiguration"] == {"CaseSensitive": False}
    assert described["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert described["AdminCreateUserConfig"]["InviteMessageTemplate"]["EmailSubject"] == "Welcome"
    assert described["VerificationMessageTemplate"]["EmailMessage"] == "Your code is {####}"
    assert described["AccountRecoverySetting"]["RecoveryMechanisms"][0]["Name"] == "verified_email"
    assert described["UserPoolTags"] == {"team": "identity"}
    assert described["EstimatedNumberOfUsers"] == 0
    assert described["MfaConfiguration"] == "OFF"
    schema = {a["Name"]: a for a in described["SchemaAttributes"]}
    assert schema["custom:tenant"]["StringAttributeConstraints"] == {"MinLength": "1", "MaxLength": "64"}
    assert schema["email"]["Required"] is True
    assert schema["sub"]["Mutable"] is False
    assert "email_verified" in schema and "updated_at" in schema
    cognito.delete_user_pool(UserPoolId=pool_id)


def test_defaults_match_cognito(cognito, pool):
    described = cognito.describe_user_pool(UserPoolId=pool)["UserPool"]
    policy = described["Policies"]["PasswordPolicy"]
    assert policy == {"MinimumLength": 8, "RequireUppercase": True, "RequireLowercase": True, "RequireNumbers": True,
                      "RequireSymbols": True, "TemporaryPasswordValidityDays": 7}
    assert described["DeletionProtection"] == "INACTIVE"
    assert described["EmailConfiguration"] == {"EmailSendingAccount": "COGNITO_DEFAULT"}
    assert described["VerificationMessageTemplate"]["DefaultEmailOption"] == "CONFIRM_WITH_CODE"
    assert described["UserPoolTier"] == "ESSENTIALS"


def test_region_comes_from_the_credential_scope(server):
    client = server.client(region="eu-west-2")
    created = client.create_user_pool(PoolName="eu")["UserPool"]
    assert created["Id"].startswith("eu-west-2_")
    assert ":eu-west-2:" in created["Arn"]
    client.delete_user_pool(UserPoolId=created["Id"])


def test_custom_id_tag_pins_the_pool_id(cognito):
    pinned = "us-east-1_Pinned" + uuid.uuid4().hex[:6]
    created = cognito.create_user_pool(PoolName="pinned", UserPoolTags={"_custom_id_": pinned})["UserPool"]
    assert created["Id"] == pinned
    assert cognito.describe_user_pool(UserPoolId=pinned)["UserPool"]["Name"] == "pinned"
    cognito.delete_user_pool(UserPoolId=pinned)


def test_alias_and_username_attributes_are_exclusive(cognito):
    with pytest.raises(ClientError) as e:
        cognito.create_user_pool(PoolName="x", AliasAttributes=["email"], UsernameAttributes=["email"])
    assert error_code(e) == "InvalidParameterException"


def test_update_replaces_settings(cognito, pool):
    cognito.update_user_pool(
        UserPoolId=pool, Policies={"PasswordPolicy": {"MinimumLength": 12}}, UserPoolTags={"a": "b"},
        DeletionProtection="ACTIVE", PoolName="renamed",
    )
    described = cognito.describe_user_pool(UserPoolId=pool)["UserPool"]
    assert described["Policies"]["PasswordPolicy"]["MinimumLength"] == 12
    assert described["Name"] == "renamed"
    assert described["UserPoolTags"] == {"a": "b"}
    with pytest.raises(ClientError) as e:
        cognito.delete_user_pool(UserPoolId=pool)
    assert error_code(e) == "InvalidParameterException"
    cognito.update_user_pool(UserPoolId=pool, DeletionProtection="INACTIVE")


def test_missing_pool_is_resource_not_found(cognito):
    for call in (lambda: cognito.describe_user_pool(UserPoolId="us-east-1_missing1"),
                 lambda: cognito.update_user_pool(UserPoolId="us-east-1_missing1"),
                 lambda: cognito.delete_user_pool(UserPoolId="us-east-1_missing1")):
        with pytest.raises(cognito.exceptions.ResourceNotFoundException):
            call()


def test_list_pools_pages_to_the_end(cognito):
    ids = {cognito.create_user_pool(PoolName=f"list-{i}")["UserPool"]["Id"] for i in range(7)}
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"MaxResults": 3}
        if token:
            kwargs["NextToken"] = token
        page = cognito.list_user_pools(**kwargs)
        pages += 1
        assert len(page["UserPools"]) <= 3
        seen += [p["Id"] for p in page["UserPools"]]
        token = page.get("NextToken")
        if not token:
            break
    assert ids <= set(seen)
    assert len(seen) == len(set(seen))
    for pool_id in ids:
        cognito.delete_user_pool(UserPoolId=pool_id)


def test_list_pools_with_botocore_paginator(cognito):
    ids = {cognito.create_user_pool(PoolName=f"pg-{i}")["UserPool"]["Id"] for i in range(4)}
    found = set()
    for page in cognito.get_paginator("list_user_pools").paginate(MaxResults=2):
        found |= {p["Id"] for p in page["UserPools"]}
    assert ids <= found
    for pool_id in ids:
        cognito.delete_user_pool(UserPoolId=pool_id)


def test_add_custom_attributes(cognito, pool):
    cognito.add_custom_attributes(UserPoolId=pool, CustomAttributes=[{"Name": "plan", "AttributeDataType": "String"}])
    names = [a["Name"] for a in cognito.describe_user_pool(UserPoolId=pool)["UserPool"]["SchemaAttributes"]]
    assert "custom:plan" in names
    with pytest.raises(ClientError) as e:
        cognito.add_custom_attributes(UserPoolId=pool, CustomAttributes=[{"Name": "plan", "AttributeDataType": "String"}])
    assert error_code(e) == "InvalidParameterException"


def test_pattern_violation_message(cognito):
    with pytest.raises(ClientError) as e:
        cognito.describe_user_pool(UserPoolId="not a pool id")
    assert error_code(e) == "InvalidParameterException"
    assert e.value.response["Error"]["Message"] == (
        "1 validation error detected: Value 'not a pool id' at 'userPoolId' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+"
    )


def test_csv_header(cognito, pool):
    cognito.add_custom_attributes(UserPoolId=pool, CustomAttributes=[{"Name": "dept", "AttributeDataType": "String"}])
    header = cognito.get_csv_header(UserPoolId=pool)
    assert header["UserPoolId"] == pool
    assert header["CSVHeader"][0] == "name"
    assert "custom:dept" in header["CSVHeader"]
    assert header["CSVHeader"][-2:] == ["cognito:mfa_enabled", "cognito:username"]
