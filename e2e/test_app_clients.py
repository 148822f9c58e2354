"""Create/Describe/Update/Delete/ListUserPoolClients and client secrets."""
import re

import pytest
from botocore.exceptions import ClientError

from conftest import error_code


def test_create_with_generated_secret(cognito, pool):
    client = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="web", GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        AccessTokenValidity=2, IdTokenValidity=30, RefreshTokenValidity=5,
        TokenValidityUnits={"AccessToken": "hours", "IdToken": "minutes", "RefreshToken": "days"},
        ReadAttributes=["email", "name"], WriteAttributes=["name"],
    )["UserPoolClient"]
    assert re.fullmatch(r"[0-9a-z]{26}", client["ClientId"])
    assert re.fullmatch(r"[0-9a-z]{51}", client["ClientSecret"])
    described = cognito.describe_user_pool_client(UserPoolId=pool, ClientId=client["ClientId"])["UserPoolClient"]
    assert described["ClientName"] == "web"
    assert described["ClientSecret"] == client["ClientSecret"]
    assert described["ExplicitAuthFlows"] == ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    assert described["AccessTokenValidity"] == 2 and described["IdTokenValidity"] == 30
    assert described["RefreshTokenValidity"] == 5
    assert described["TokenValidityUnits"]["IdToken"] == "minutes"
    assert described["ReadAttributes"] == ["email", "name"]
    assert described["EnableTokenRevocation"] is True
    assert described["AuthSessionValidity"] == 3


def test_client_without_secret_and_defaults(cognito, pool):
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="spa")["UserPoolClient"]
    assert "ClientSecret" not in client
    assert client["RefreshTokenValidity"] == 30
    assert client["AllowedOAuthFlowsUserPoolClient"] is False


def test_update_and_delete(cognito, pool):
    client_id = cognito.create_user_pool_client(UserPoolId=pool, ClientName="a")["UserPoolClient"]["ClientId"]
    updated = cognito.update_user_pool_client(UserPoolId=pool, ClientId=client_id, ClientName="b",
                                              ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]
    assert updated["ClientName"] == "b"
    assert updated["ExplicitAuthFlows"] == ["ALLOW_USER_PASSWORD_AUTH"]
    cognito.delete_user_pool_client(UserPoolId=pool, ClientId=client_id)
    with pytest.raises(cognito.exceptions.ResourceNotFoundException):
        cognito.describe_user_pool_client(UserPoolId=pool, ClientId=client_id)


def test_invalid_settings_are_refused(cognito, pool):
    bad = [
        dict(AccessTokenValidity=2, TokenValidityUnits={"AccessToken": "days"}),
        dict(RefreshTokenValidity=20, TokenValidityUnits={"RefreshToken": "minutes"}),
        dict(ExplicitAuthFlows=["USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"]),
        dict(ReadAttributes=["no_such_attribute"]),
    ]
    for kwargs in bad:
        with pytest.raises(ClientError) as e:
            cognito.create_user_pool_client(UserPoolId=pool, ClientName="x", **kwargs)
        assert error_code(e) == "InvalidParameterException", kwargs
    # The code flow without a callback URL: AWS's own exception for OAuth settings.
    with pytest.raises(ClientError) as e:
        cognito.create_user_pool_client(UserPoolId=pool, ClientName="x", AllowedOAuthFlowsUserPoolClient=True,
                                        AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid"])
    assert error_code(e) == "InvalidOAuthFlowException"


def test_list_clients_pages(cognito, pool):
    ids = {cognito.create_user_pool_client(UserPoolId=pool, ClientName=f"c{i}")["UserPoolClient"]["ClientId"] for i in range(5)}
    seen, token = [], None
    while True:
        kwargs = {"UserPoolId": pool, "MaxResults": 2}
        if token:
            kwargs["NextToken"] = token
        page = cognito.list_user_pool_clients(**kwargs)
        seen += [c["ClientId"] for c in page["UserPoolClients"]]
        token = page.get("NextToken")
        if not token:
            break
    assert set(seen) == ids and len(seen) == 5


def test_client_of_missing_pool(cognito):
    with pytest.raises(cognito.exceptions.ResourceNotFoundException):
        cognito.create_user_pool_client(UserPoolId="us-east-1_nothere1", ClientName="x")


def test_secret_rotation(cognito, pool):
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="s", GenerateSecret=True)["UserPoolClient"]
    cid = client["ClientId"]
    listed = cognito.list_user_pool_client_secrets(UserPoolId=pool, ClientId=cid)["ClientSecrets"]
    assert len(listed) == 1 and "ClientSecretValue" not in listed[0]
    added = cognito.add_user_pool_client_secret(UserPoolId=pool, ClientId=cid)["ClientSecretDescriptor"]
    assert re.fullmatch(r"[0-9a-z]{51}", added["ClientSecretValue"])
    assert len(cognito.list_user_pool_client_secrets(UserPoolId=pool, ClientId=cid)["ClientSecrets"]) == 2
    with pytest.raises(cognito.exceptions.LimitExceededException):
        cognito.add_user_pool_client_secret(UserPoolId=pool, ClientId=cid)
    cognito.delete_user_pool_client_secret(UserPoolId=pool, ClientId=cid, ClientSecretId=listed[0]["ClientSecretId"])
    remaining = cognito.list_user_pool_client_secrets(UserPoolId=pool, ClientId=cid)["ClientSecrets"]
    assert [s["ClientSecretId"] for s in remaining] == [added["ClientSecretId"]]
    with pytest.raises(ClientError) as e:
        cognito.delete_user_pool_client_secret(UserPoolId=pool, ClientId=cid, ClientSecretId=added["ClientSecretId"])
    assert error_code(e) == "InvalidParameterException"


def test_pinned_client_id_through_the_pool_tag(cognito):
    pool = cognito.create_user_pool(PoolName="pin", UserPoolTags={"_custom_id_:web": "pinnedwebclient1"})["UserPool"]["Id"]
    web = cognito.create_user_pool_client(UserPoolId=pool, ClientName="web")["UserPoolClient"]
    assert web["ClientId"] == "pinnedwebclient1"
    other = cognito.create_user_pool_client(UserPoolId=pool, ClientName="other")["UserPoolClient"]
    assert other["ClientId"] != "pinnedwebclient1"
    with pytest.raises(ClientError) as e:
        cognito.create_user_pool_client(UserPoolId=pool, ClientName="web")
    assert error_code(e) == "InvalidParameterException"
    cognito.delete_user_pool(UserPoolId=pool)
