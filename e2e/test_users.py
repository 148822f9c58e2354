"""The administrator's user operations, the outbox, and ListUsers with filters."""
import pytest
from botocore.exceptions import ClientError

from conftest import error_code, outbox


def attrs(user, key="Attributes"):
    return {a["Name"]: a["Value"] for a in user[key]}


def test_admin_create_user_sends_an_invitation(server, cognito, pool):
    user = cognito.admin_create_user(
        UserPoolId=pool, Username="alice",
        UserAttributes=[{"Name": "email", "Value": "alice@example.com"}, {"Name": "name", "Value": "Alice"}],
        DesiredDeliveryMediums=["EMAIL"],
    )["User"]
    assert user["Username"] == "alice"
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert user["Enabled"] is True
    a = attrs(user)
    assert len(a["sub"]) == 36 and a["email"] == "alice@example.com"
    messages = outbox(server, poolId=pool, recipient="alice@example.com")
    assert len(messages) == 1
    message = messages[0]
    assert message["medium"] == "EMAIL" and message["purpose"] == "invitation"
    assert message["subject"] == "Your temporary password"
    temp = message["code"]
    assert "alice" in message["body"] and temp in message["body"]
    assert len(temp) >= 8
    assert any(c.isupper() for c in temp) and any(c.islower() for c in temp) and any(c.isdigit() for c in temp)


def test_invitation_uses_the_pool_template(server, cognito):
    pool = cognito.create_user_pool(PoolName="tpl", AdminCreateUserConfig={
        "InviteMessageTemplate": {"SMSMessage": "Hello {username}, use {####}", "EmailMessage": "E {username} {####}",
                                  "EmailSubject": "Join us"}})["UserPool"]["Id"]
    cognito.admin_create_user(UserPoolId=pool, Username="sam", UserAttributes=[{"Name": "phone_number", "Value": "+15555550100"}])
    [sms] = outbox(server, poolId=pool, recipient="+15555550100")
    assert sms["medium"] == "SMS"
    assert sms["body"] == f"Hello sam, use {sms['code']}"
    cognito.delete_user_pool(UserPoolId=pool)


def test_suppress_sends_nothing_and_temporary_password_is_checked(server, cognito, pool):
    cognito.admin_create_user(UserPoolId=pool, Username="quiet", MessageAction="SUPPRESS", TemporaryPassword="Temp-Passw0rd")
    assert outbox(server, poolId=pool) == []
    with pytest.raises(cognito.exceptions.InvalidPasswordException):
        cognito.admin_create_user(UserPoolId=pool, Username="weak", MessageAction="SUPPRESS", TemporaryPassword="weakweak")


def test_resend_invitation(server, cognito, pool):
    cognito.admin_create_user(UserPoolId=pool, Username="re", UserAttributes=[{"Name": "email", "Value": "re@example.com"}],
                              DesiredDeliveryMediums=["EMAIL"])
    cognito.admin_create_user(UserPoolId=pool, Username="re", MessageAction="RESEND", DesiredDeliveryMediums=["EMAIL"])
    messages = outbox(server, poolId=pool, recipient="re@example.com")
    assert len(messages) == 2 and messages[0]["code"] != messages[1]["code"]
    with pytest.raises(cognito.exceptions.UserNotFoundException):
        cognito.admin_create_user(UserPoolId=pool, Username="nobody", MessageAction="RESEND")


def test_duplicate_username(cognito, pool):
    cognito.admin_create_user(UserPoolId=pool, Username="dup", MessageAction="SUPPRESS")
    with pytest.raises(cognito.exceptions.UsernameExistsException):
        cognito.admin_create_user(UserPoolId=pool, Username="dup", MessageAction="SUPPRESS")


def test_attribute_checks(cognito, pool):
    cases = [
        [{"Name": "no_such_attr", "Value": "x"}],
        [{"Name": "email", "Value": "not-an-email"}],
        [{"Name": "phone_number", "Value": "5551234"}],
        [{"Name": "custom:undeclared", "Value": "x"}],
    ]
    for attributes in cases:
        with pytest.raises(ClientError) as e:
            cognito.admin_create_user(UserPoolId=pool, Username="bad", UserAttributes=attributes, MessageAction="SUPPRESS")
        assert error_code(e) == "InvalidParameterException", attributes


def test_required_attributes(cognito):
    pool = cognito.create_user_pool(PoolName="req", Schema=[{"Name": "email", "Required": True, "AttributeDataType": "String"}])["UserPool"]["Id"]
    # An administrator may leave required attributes to the user (the NEW_PASSWORD_REQUIRED step asks for them:
    # test_aws_answers.py); SignUp may not.
    assert cognito.admin_create_user(UserPoolId=pool, Username="noemail", MessageAction="SUPPRESS")["User"]["UserStatus"] == \
        "FORCE_CHANGE_PASSWORD"
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app")["UserPoolClient"]["ClientId"]
    with pytest.raises(ClientError) as e:
        cognito.sign_up(ClientId=client, Username="selfmade", Password="Str0ng-Passw0rd!")
    assert error_code(e) == "InvalidParameterException"
    cognito.admin_create_user(UserPoolId=pool, Username="ok", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": "ok@example.com"}])
    cognito.delete_user_pool(UserPoolId=pool)


def test_get_update_delete_attributes(cognito, pool):
    cognito.add_custom_attributes(UserPoolId=pool, CustomAttributes=[{"Name": "tier", "AttributeDataType": "String"}])
    cognito.admin_create_user(UserPoolId=pool, Username="bob", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": "bob@example.com"}, {"Name": "email_verified", "Value": "true"}])
    cognito.admin_update_user_attributes(UserPoolId=pool, Username="bob", UserAttributes=[
        {"Name": "custom:tier", "Value": "gold"}, {"Name": "email", "Value": "bob2@example.com"}])
    got = cognito.admin_get_user(UserPoolId=pool, Username="bob")
    a = attrs(got, "UserAttributes")
    assert a["custom:tier"] == "gold" and a["email"] == "bob2@example.com"
    assert a["email_verified"] == "false"
    assert got["UserStatus"] == "FORCE_CHANGE_PASSWORD" and got["Enabled"] is True
    cognito.admin_delete_user_attributes(UserPoolId=pool, Username="bob", UserAttributeNames=["custom:tier"])
    assert "custom:tier" not in attrs(cognito.admin_get_user(UserPoolId=pool, Username="bob"), "UserAttributes")
    with pytest.raises(ClientError) as e:
        cognito.admin_update_user_attributes(UserPoolId=pool, Username="bob", UserAttributes=[{"Name": "sub", "Value": "x"}])
    assert error_code(e) == "InvalidParameterException"
    cognito.admin_delete_user(UserPoolId=pool, Username="bob")
    with pytest.raises(cognito.exceptions.UserNotFoundException):
        cognito.admin_get_user(UserPoolId=pool, Username="bob")
    with pytest.raises(cognito.exceptions.UserNotFoundException):
        cognito.admin_delete_user(UserPoolId=pool, Username="bob")


def test_enable_disable_and_passwords(cognito, pool):
    cognito.admin_create_user(UserPoolId=pool, Username="carol", MessageAction="SUPPRESS")
    cognito.admin_disable_user(UserPoolId=pool, Username="carol")
    assert cognito.admin_get_user(UserPoolId=pool, Username="carol")["Enabled"] is False
    cognito.admin_enable_user(UserPoolId=pool, Username="carol")
    assert cognito.admin_get_user(UserPoolId=pool, Username="carol")["Enabled"] is True
    with pytest.raises(cognito.exceptions.InvalidPasswordException):
        cognito.admin_set_user_password(UserPoolId=pool, Username="carol", Password="short", Permanent=True)
    cognito.admin_set_user_password(UserPoolId=pool, Username="carol", Password="Perm-Passw0rd!", Permanent=True)
    assert cognito.admin_get_user(UserPoolId=pool, Username="carol")["UserStatus"] == "CONFIRMED"
    cognito.admin_set_user_password(UserPoolId=pool, Username="carol", Password="Temp-Passw0rd!", Permanent=False)
    assert cognito.admin_get_user(UserPoolId=pool, Username="carol")["UserStatus"] == "FORCE_CHANGE_PASSWORD"


def test_admin_confirm_sign_up_needs_unconfirmed(cognito, pool):
    cognito.admin_create_user(UserPoolId=pool, Username="dave", MessageAction="SUPPRESS")
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.admin_confirm_sign_up(UserPoolId=pool, Username="dave")


def test_case_insensitive_pool(cognito):
    pool = cognito.create_user_pool(PoolName="ci", UsernameConfiguration={"CaseSensitive": False})["UserPool"]["Id"]
    cognito.admin_create_user(UserPoolId=pool, Username="MixedCase", MessageAction="SUPPRESS")
    assert cognito.admin_get_user(UserPoolId=pool, Username="mixedcase")["Username"] == "MixedCase"
    with pytest.raises(cognito.exceptions.UsernameExistsException):
        cognito.admin_create_user(UserPoolId=pool, Username="MIXEDCASE", MessageAction="SUPPRESS")
    cognito.delete_user_pool(UserPoolId=pool)


def test_case_sensitive_pool_by_default(cognito, pool):
    cognito.admin_create_user(UserPoolId=pool, Username="Eve", MessageAction="SUPPRESS")
    cognito.admin_create_user(UserPoolId=pool, Username="eve", MessageAction="SUPPRESS")
    with pytest.raises(cognito.exceptions.UserNotFoundException):
        cognito.admin_get_user(UserPoolId=pool, Username="EVE")


def test_email_as_username(cognito):
    pool = cognito.create_user_pool(PoolName="byemail", UsernameAttributes=["email"])["UserPool"]["Id"]
    user = cognito.admin_create_user(UserPoolId=pool, Username="frank@example.com", MessageAction="SUPPRESS")["User"]
    a = attrs(user)
    assert user["Username"] == a["sub"]
    assert a["email"] == "frank@example.com"
    assert cognito.admin_get_user(UserPoolId=pool, Username="frank@example.com")["Username"] == a["sub"]
    with pytest.raises(cognito.exceptions.UsernameExistsException):
        cognito.admin_create_user(UserPoolId=pool, Username="frank@example.com", MessageAction="SUPPRESS")
    with pytest.raises(ClientError) as e:
        cognito.admin_create_user(UserPoolId=pool, Username="not-an-email", MessageAction="SUPPRESS")
    assert error_code(e) == "InvalidParameterException"
    cognito.delete_user_pool(UserPoolId=pool)


def test_email_alias(cognito):
    pool = cognito.create_user_pool(PoolName="alias", AliasAttributes=["email"])["UserPool"]["Id"]
    with pytest.raises(ClientError) as e:
        cognito.admin_create_user(UserPoolId=pool, Username="x@example.com", MessageAction="SUPPRESS")
    assert error_code(e) == "InvalidParameterException"
    verified = [{"Name": "email", "Value": "g@example.com"}, {"Name": "email_verified", "Value": "true"}]
    cognito.admin_create_user(UserPoolId=pool, Username="grace", UserAttributes=verified, MessageAction="SUPPRESS")
    assert cognito.admin_get_user(UserPoolId=pool, Username="g@example.com")["Username"] == "grace"
    with pytest.raises(cognito.exceptions.AliasExistsException):
        cognito.admin_create_user(UserPoolId=pool, Username="henry", UserAttributes=verified, MessageAction="SUPPRESS")
    # ForceAliasCreation moves the alias to the new user; the previous owner keeps the email, unverified.
    cognito.admin_create_user(UserPoolId=pool, Username="judy", UserAttributes=verified, MessageAction="SUPPRESS",
                              ForceAliasCreation=True)
    assert cognito.admin_get_user(UserPoolId=pool, Username="g@example.com")["Username"] == "judy"
    grace = attrs(cognito.admin_get_user(UserPoolId=pool, Username="grace"), "UserAttributes")
    assert grace["email"] == "g@example.com" and grace["email_verified"] == "false"
    # An unverified email is not an alias, so another user may hold it.
    cognito.admin_create_user(UserPoolId=pool, Username="ivan", UserAttributes=[{"Name": "email", "Value": "g@example.com"}],
                              MessageAction="SUPPRESS")
    # ...but verifying it while judy holds it as an alias is refused.
    with pytest.raises(cognito.exceptions.AliasExistsException):
        cognito.admin_update_user_attributes(UserPoolId=pool, Username="ivan",
                                             UserAttributes=[{"Name": "email_verified", "Value": "true"}])
    cognito.delete_user_pool(UserPoolId=pool)


def seed(cognito, pool):
    people = [("u01", "ann@example.com", "Ann"), ("u02", "anna@example.com", "Anna"), ("u03", "bob@example.com", "Bob"),
              ("u04", "bea@sample.org", "Bea"), ("u05", "carl@sample.org", "Carl")]
    for username, email, given in people:
        cognito.admin_create_user(UserPoolId=pool, Username=username, MessageAction="SUPPRESS",
                                  UserAttributes=[{"Name": "email", "Value": email}, {"Name": "given_name", "Value": given}])
    cognito.admin_disable_user(UserPoolId=pool, Username="u05")
    cognito.admin_set_user_password(UserPoolId=pool, Username="u03", Password="Perm-Passw0rd!", Permanent=True)


def usernames(response):
    return sorted(u["Username"] for u in response["Users"])


def test_list_users_filters(cognito, pool):
    seed(cognito, pool)
    assert usernames(cognito.list_users(UserPoolId=pool, Filter='email = "ann@example.com"')) == ["u01"]
    assert usernames(cognito.list_users(UserPoolId=pool, Filter='email ^= "an"')) == ["u01", "u02"]
    assert usernames(cognito.list_users(UserPoolId=pool, Filter='given_name ^= "B"')) == ["u03", "u04"]
    assert usernames(cognito.list_users(UserPoolId=pool, Filter='username = "u04"')) == ["u04"]
    assert usernames(cognito.list_users(UserPoolId=pool, Filter='username ^= "u0"')) == ["u01", "u02", "u03", "u04", "u05"]
    assert usernames(cognito.list_users(UserPoolId=pool, Filter='cognito:user_status = "CONFIRMED"')) == ["u03"]
    assert usernames(cognito.list_users(UserPoolId=pool, Filter='status = "Disabled"')) == ["u05"]
    sub = attrs(cognito.list_users(UserPoolId=pool, Filter='username = "u02"')["Users"][0])["sub"]
    assert usernames(cognito.list_users(UserPoolId=pool, Filter=f'sub = "{sub}"')) == ["u02"]
    assert usernames(cognito.list_users(UserPoolId=pool, Filter='email = "nobody@example.com"')) == []
    for bad in ('email', 'email = ann', 'custom:x = "1"', 'email ~ "a"'):
        with pytest.raises(ClientError) as e:
            cognito.list_users(UserPoolId=pool, Filter=bad)
        assert error_code(e) == "InvalidParameterException", bad


def test_list_users_attributes_to_get_and_paging(cognito, pool):
    seed(cognito, pool)
    response = cognito.list_users(UserPoolId=pool, AttributesToGet=["email"], Limit=2)
    assert len(response["Users"]) == 2 and response["PaginationToken"]
    assert all(set(attrs(u)) == {"email"} for u in response["Users"])
    seen = []
    for page in cognito.get_paginator("list_users").paginate(UserPoolId=pool, PaginationConfig={"PageSize": 2}):
        seen += [u["Username"] for u in page["Users"]]
    assert seen == ["u01", "u02", "u03", "u04", "u05"]
    filtered = []
    for page in cognito.get_paginator("list_users").paginate(UserPoolId=pool, Filter='email ^= "b"', PaginationConfig={"PageSize": 1}):
        filtered += [u["Username"] for u in page["Users"]]
    assert sorted(filtered) == ["u03", "u04"]
    with pytest.raises(ClientError) as e:
        cognito.list_users(UserPoolId=pool, PaginationToken="garbage")
    assert error_code(e) == "InvalidParameterException"


def test_estimated_number_of_users(cognito, pool):
    seed(cognito, pool)
    assert cognito.describe_user_pool(UserPoolId=pool)["UserPool"]["EstimatedNumberOfUsers"] == 5


def test_default_sms_medium_without_phone_still_creates(server, cognito, pool):
    # DesiredDeliveryMediums defaults to SMS; a user with only an email is still created, and no SMS is sent.
    user = cognito.admin_create_user(UserPoolId=pool, Username="nophone",
                                     UserAttributes=[{"Name": "email", "Value": "np@example.com"}])["User"]
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert outbox(server, poolId=pool) == []
    # Not silently: the log says why nothing was sent.
    with open(server.log_path, encoding="utf-8") as log:
        assert "The invitation of nophone in " + pool + " was not sent by SMS: the user has no phone_number" in log.read()
    cognito.admin_create_user(UserPoolId=pool, Username="both", DesiredDeliveryMediums=["EMAIL", "SMS"],
                              UserAttributes=[{"Name": "email", "Value": "b@example.com"},
                                              {"Name": "phone_number", "Value": "+15555550111"}])
    mediums = sorted(m["medium"] for m in outbox(server, poolId=pool))
    assert mediums == ["EMAIL", "SMS"]


def test_a_named_medium_needs_its_attribute(server, cognito, pool):
    for medium, attributes, message in (
            ("EMAIL", [{"Name": "phone_number", "Value": "+15555550112"}], "No email provided but desired delivery medium was Email"),
            ("SMS", [{"Name": "email", "Value": "ns@example.com"}], "No phone_number provided but desired delivery medium was Sms")):
        with pytest.raises(ClientError) as e:
            cognito.admin_create_user(UserPoolId=pool, Username="unreachable", DesiredDeliveryMediums=[medium], UserAttributes=attributes)
        assert error_code(e) == "InvalidParameterException" and e.value.response["Error"]["Message"] == message
        with pytest.raises(ClientError) as e:
            cognito.admin_get_user(UserPoolId=pool, Username="unreachable")
        assert error_code(e) == "UserNotFoundException"
    # With nothing to send, nothing is needed.
    cognito.admin_create_user(UserPoolId=pool, Username="unreachable", DesiredDeliveryMediums=["EMAIL"], MessageAction="SUPPRESS")
