"""Resource servers, custom scopes on app clients, and machine-to-machine tokens from POST /oauth2/token
(client_credentials), taken by authlib's OAuth 2.0 client and checked by PyJWT against the pool's JWKS."""
import base64

import jwt
import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from botocore.exceptions import ClientError

from conftest import error_code


@pytest.fixture
def api(cognito, pool):
    cognito.create_resource_server(UserPoolId=pool, Identifier="https://orders.example.com", Name="Orders",
                                   Scopes=[{"ScopeName": "read", "ScopeDescription": "Read orders"},
                                           {"ScopeName": "write", "ScopeDescription": "Write orders"}])
    client = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="machine", GenerateSecret=True, AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthScopes=["https://orders.example.com/read", "https://orders.example.com/write"])["UserPoolClient"]
    return client


def token_url(server):
    return server.url + "/oauth2/token"


def test_resource_servers_crud_and_pages(cognito, pool):
    for identifier in ("billing", "catalog", "search"):
        made = cognito.create_resource_server(UserPoolId=pool, Identifier=identifier, Name=identifier.title(),
                                              Scopes=[{"ScopeName": "read", "ScopeDescription": "Read"}])["ResourceServer"]
        assert made == {"UserPoolId": pool, "Identifier": identifier, "Name": identifier.title(),
                        "Scopes": [{"ScopeName": "read", "ScopeDescription": "Read"}]}
    with pytest.raises(ClientError) as e:
        cognito.create_resource_server(UserPoolId=pool, Identifier="billing", Name="again")
    assert error_code(e) == "InvalidParameterException"
    first = cognito.list_resource_servers(UserPoolId=pool, MaxResults=2)
    assert [s["Identifier"] for s in first["ResourceServers"]] == ["billing", "catalog"]
    rest = cognito.list_resource_servers(UserPoolId=pool, MaxResults=2, NextToken=first["NextToken"])
    assert [s["Identifier"] for s in rest["ResourceServers"]] == ["search"] and "NextToken" not in rest
    updated = cognito.update_resource_server(UserPoolId=pool, Identifier="search", Name="Find")["ResourceServer"]
    assert updated["Name"] == "Find" and updated["Scopes"] == []
    assert cognito.describe_resource_server(UserPoolId=pool, Identifier="search")["ResourceServer"]["Name"] == "Find"
    cognito.delete_resource_server(UserPoolId=pool, Identifier="search")
    with pytest.raises(ClientError) as e:
        cognito.describe_resource_server(UserPoolId=pool, Identifier="search")
    assert error_code(e) == "ResourceNotFoundException"


def test_client_oauth_settings_are_checked(cognito, pool):
    def refused(**kwargs):
        with pytest.raises(ClientError) as e:
            cognito.create_user_pool_client(UserPoolId=pool, ClientName="bad", **kwargs)
        return error_code(e), e.value.response["Error"]["Message"]
    assert refused(AllowedOAuthScopes=["Cognito"]) == ("ScopeDoesNotExistException", "Invalid scope requested: Cognito")
    assert refused(AllowedOAuthScopes=["orders/read"])[0] == "ScopeDoesNotExistException"
    assert refused(AllowedOAuthFlows=["client_credentials", "code"], CallbackURLs=["https://app.example.com/cb"],
                   AllowedOAuthScopes=["openid"])[0] == "InvalidOAuthFlowException"
    assert refused(AllowedOAuthFlows=["client_credentials"], AllowedOAuthScopes=["openid"]) == \
        ("InvalidOAuthFlowException", "openid is not supported with client_credentials flow")
    for url in ("http://app.example.com/cb", "https://app.example.com/cb#frag", "/relative", "https:///nohost"):
        assert refused(CallbackURLs=[url])[0] == "InvalidParameterException", url
    assert refused(LogoutURLs=["http://192.168.1.5/out"])[0] == "InvalidParameterException"
    for url in ("http://localhost:3000/cb", "http://127.0.0.1/cb", "myapp://callback", "https://app.example.com/cb?x=1"):
        cognito.create_user_pool_client(UserPoolId=pool, ClientName="ok", CallbackURLs=[url])
    assert refused(AllowedOAuthFlows=["code"], AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthScopes=["openid"]) == \
        ("InvalidOAuthFlowException", "CallbackUrls can not be empty when code flow or implicit flow is selected")


def test_client_credentials_through_authlib_verify_against_the_jwks(server, cognito, pool, api):
    session = OAuth2Session(api["ClientId"], api["ClientSecret"], token_endpoint_auth_method="client_secret_basic")
    token = session.fetch_token(token_url(server), grant_type="client_credentials")
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600 and "refresh_token" not in token
    assert "id_token" not in token
    issuer = f"{server.url}/{pool}"
    discovery = requests.get(issuer + "/.well-known/openid-configuration", timeout=5).json()
    assert discovery["token_endpoint"] == token_url(server)
    assert "client_secret_basic" in discovery["token_endpoint_auth_methods_supported"]
    key = jwt.PyJWKClient(discovery["jwks_uri"]).get_signing_key_from_jwt(token["access_token"])
    claims = jwt.decode(token["access_token"], key.key, algorithms=["RS256"], issuer=issuer)
    assert claims["sub"] == claims["client_id"] == api["ClientId"] and claims["token_use"] == "access"
    assert claims["scope"].split() == ["https://orders.example.com/read", "https://orders.example.com/write"]
    assert "username" not in claims and claims["version"] == 2
    # client_secret_post and a narrower scope.
    post = OAuth2Session(api["ClientId"], api["ClientSecret"], token_endpoint_auth_method="client_secret_post")
    narrow = post.fetch_token(token_url(server), grant_type="client_credentials", scope="https://orders.example.com/read")
    assert jwt.decode(narrow["access_token"], options={"verify_signature": False})["scope"] == "https://orders.example.com/read"
    # The token speaks for no user: the self-service API refuses it.
    with pytest.raises(ClientError) as e:
        cognito.get_user(AccessToken=token["access_token"])
    assert error_code(e) == "NotAuthorizedException"


def post(server, data, auth=None, headers=None):
    return requests.post(token_url(server), data=data, auth=auth, headers=headers, timeout=5)


def test_token_endpoint_errors(server, cognito, pool, api):
    cid, secret = api["ClientId"], api["ClientSecret"]
    cases = [
        (post(server, {"grant_type": "client_credentials"}, auth=(cid, "wrong")), 401, "invalid_client"),
        (post(server, {"grant_type": "client_credentials"}, auth=("nobody", "x")), 401, "invalid_client"),
        (post(server, {"grant_type": "client_credentials"}), 401, "invalid_client"),
        (post(server, {"grant_type": "client_credentials", "scope": "https://orders.example.com/delete"}, auth=(cid, secret)), 400, "invalid_scope"),
        (post(server, {"grant_type": "client_credentials", "scope": "openid"}, auth=(cid, secret)), 400, "invalid_scope"),
        (post(server, {"grant_type": "password", "username": "u"}, auth=(cid, secret)), 400, "unsupported_grant_type"),
        (post(server, {}, auth=(cid, secret)), 400, "invalid_request"),
        (post(server, "grant_type=client_credentials&grant_type=client_credentials", auth=(cid, secret),
              headers={"Content-Type": "application/x-www-form-urlencoded"}), 400, "invalid_request"),
        (post(server, '{"grant_type": "client_credentials"}', auth=(cid, secret), headers={"Content-Type": "application/json"}),
         400, "invalid_request"),
        (post(server, "grant_type=%zz", auth=(cid, secret), headers={"Content-Type": "application/x-www-form-urlencoded"}),
         400, "invalid_request"),
        (post(server, {"grant_type": "client_credentials", "client_secret": secret}, auth=(cid, secret)), 400, "invalid_request"),
        (post(server, {"grant_type": "client_credentials", "pad": "x" * 100_000}, auth=(cid, secret)), 400, "invalid_request"),
        (requests.post(token_url(server), data={"grant_type": "client_credentials"}, timeout=5,
                       headers={"Authorization": "Basic " + base64.b64encode(b"no-colon").decode()}), 400, "invalid_request"),
    ]
    for answer, status, code in cases:
        assert (answer.status_code, answer.json().get("error")) == (status, code), answer.text
        assert answer.headers["Cache-Control"] == "no-store"
    # A public client and a client whose OAuth flows are off cannot use the grant.
    public = cognito.create_user_pool_client(UserPoolId=pool, ClientName="public")["UserPoolClient"]["ClientId"]
    assert post(server, {"grant_type": "client_credentials", "client_id": public}).json()["error"] == "invalid_client"
    off = cognito.create_user_pool_client(UserPoolId=pool, ClientName="off", GenerateSecret=True, AllowedOAuthFlows=["client_credentials"],
                                          AllowedOAuthScopes=["https://orders.example.com/read"])["UserPoolClient"]
    assert post(server, {"grant_type": "client_credentials"}, auth=(off["ClientId"], off["ClientSecret"])).json()["error"] == "invalid_grant"
    # A token exchange needs its subject token's type.
    exchange = post(server, {"grant_type": "urn:ietf:params:oauth:grant-type:token-exchange", "subject_token": "x"},
                    auth=(cid, secret)).json()
    assert exchange["error"] == "invalid_request"
    # Deleting the resource server takes its scopes out of new tokens.
    cognito.delete_resource_server(UserPoolId=pool, Identifier="https://orders.example.com")
    assert post(server, {"grant_type": "client_credentials"}, auth=(cid, secret)).json()["error"] == "invalid_scope"
    # The code grant is not this client's.
    assert post(server, {"grant_type": "authorization_code", "code": "x", "redirect_uri": "https://a.example.com"},
                auth=(cid, secret)).json()["error"] == "unauthorized_client"
