"""GetClientToken (the API form of client_credentials) and RFC 8693 token exchange: GetDerivedToken and the
token endpoint's token-exchange grant. Tokens are checked by PyJWT against the pool's JWKS."""
import html
import re
import urllib.parse

import boto3
import jwt
import pytest
import requests
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import error_code

PASSWORD = "Str0ng-Passw0rd!"
ORDERS = "https://orders.example.com"
EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS = "urn:ietf:params:oauth:token-type:access_token"
ID = "urn:ietf:params:oauth:token-type:id_token"


def unsigned(server):
    """A boto3 client that sends no IAM credentials at all."""
    return boto3.client("cognito-idp", endpoint_url=server.url, region_name="us-east-1", config=Config(signature_version=UNSIGNED))


def verify(server, pool, token, **kwargs):
    issuer = f"{server.url}/{pool}"
    key = jwt.PyJWKClient(issuer + "/.well-known/jwks.json").get_signing_key_from_jwt(token)
    return jwt.decode(token, key.key, algorithms=["RS256"], issuer=issuer, **kwargs)


@pytest.fixture
def orders(cognito, pool):
    cognito.create_resource_server(UserPoolId=pool, Identifier=ORDERS, Name="Orders",
                                   Scopes=[{"ScopeName": "read", "ScopeDescription": "Read"}, {"ScopeName": "write", "ScopeDescription": "Write"}])
    cognito.create_resource_server(UserPoolId=pool, Identifier="billing", Name="Billing",
                                   Scopes=[{"ScopeName": "read", "ScopeDescription": "Read"}])
    return pool


def test_get_client_token_with_custom_scopes(server, cognito, orders):
    pool = orders
    machine = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="m2m", GenerateSecret=True, ExplicitAuthFlows=["ALLOW_CLIENT_TOKEN_AUTH"],
        AllowedOAuthFlows=["client_credentials"], AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthScopes=[ORDERS + "/read", ORDERS + "/write"])["UserPoolClient"]
    assert machine["ExplicitAuthFlows"] == ["ALLOW_CLIENT_TOKEN_AUTH"]
    # IAM is not evaluated: an unsigned request works.
    result = unsigned(server).get_client_token(ClientId=machine["ClientId"], Secret=machine["ClientSecret"])["ClientAuthenticationResult"]
    assert result["TokenType"] == "Bearer" and result["ExpiresIn"] == 3600
    claims = verify(server, pool, result["AccessToken"])
    assert claims["sub"] == claims["client_id"] == machine["ClientId"] and claims["token_use"] == "access"
    assert claims["scope"].split() == [ORDERS + "/read", ORDERS + "/write"]
    narrow = cognito.get_client_token(ClientId=machine["ClientId"], Secret=machine["ClientSecret"], Scopes=[ORDERS + "/read"])
    assert verify(server, pool, narrow["ClientAuthenticationResult"]["AccessToken"])["scope"] == ORDERS + "/read"

    def refused(**kwargs):
        with pytest.raises(ClientError) as e:
            unsigned(server).get_client_token(**kwargs)
        return error_code(e), e.value.response["Error"]["Message"]
    assert refused(ClientId=machine["ClientId"], Secret="w" * 30)[0] == "NotAuthorizedException"
    assert refused(ClientId="nosuchclient1234567890abc", Secret="w" * 30)[0] == "ResourceNotFoundException"
    assert refused(ClientId=machine["ClientId"], Secret=machine["ClientSecret"], Scopes=["billing/read"]) == \
        ("InvalidParameterException", "Invalid scope requested: billing/read")
    # What botocore would not send: a secret shorter than the model allows.
    raw = requests.post(server.url, data=f'{{"ClientId": "{machine["ClientId"]}", "Secret": "short"}}', timeout=5,
                        headers={"X-Amz-Target": "AWSCognitoIdentityProviderService.GetClientToken",
                                 "Content-Type": "application/x-amz-json-1.1"})
    assert raw.status_code == 400 and raw.json()["__type"] == "InvalidParameterException"
    # The flow must be the client's, and its only one.
    other = cognito.create_user_pool_client(UserPoolId=pool, ClientName="other", GenerateSecret=True,
                                            AllowedOAuthScopes=[ORDERS + "/read"])["UserPoolClient"]
    assert refused(ClientId=other["ClientId"], Secret=other["ClientSecret"]) == \
        ("InvalidParameterException", "ALLOW_CLIENT_TOKEN_AUTH flow not enabled for this client")
    with pytest.raises(ClientError) as e:
        cognito.create_user_pool_client(UserPoolId=pool, ClientName="mixed", GenerateSecret=True,
                                        ExplicitAuthFlows=["ALLOW_CLIENT_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"])
    assert error_code(e) == "InvalidParameterException"
    # A client without custom scopes has nothing to authorize.
    bare = cognito.create_user_pool_client(UserPoolId=pool, ClientName="bare", GenerateSecret=True,
                                           ExplicitAuthFlows=["ALLOW_CLIENT_TOKEN_AUTH"])["UserPoolClient"]
    assert refused(ClientId=bare["ClientId"], Secret=bare["ClientSecret"])[0] == "InvalidParameterException"


def sign_in_through_the_form(server, client_id, redirect_uri, scope, username):
    """The code grant without a browser: authorize, post the login form with its CSRF token, take the code."""
    web = requests.Session()
    page = web.get(server.url + "/oauth2/authorize", params={"response_type": "code", "client_id": client_id,
                                                             "redirect_uri": redirect_uri, "scope": scope}, timeout=5)
    assert page.status_code == 200, page.text
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page.text).group(1))
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
    answer = web.post(urllib.parse.urljoin(page.url, action), data={"_csrf": csrf, "username": username, "password": PASSWORD},
                      allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    code = urllib.parse.parse_qs(urllib.parse.urlparse(answer.headers["Location"]).query)["code"][0]
    tokens = requests.post(server.url + "/oauth2/token", data={"grant_type": "authorization_code", "code": code, "client_id": client_id,
                                                                "redirect_uri": redirect_uri}, timeout=5)
    assert tokens.status_code == 200, tokens.text
    return tokens.json()


@pytest.fixture
def exchange(server, cognito, orders):
    """A user signed in to a web app with custom scopes, and a back-end service allowed to exchange tokens."""
    pool = orders
    cognito.create_user_pool_domain(UserPoolId=pool, Domain="exchange-" + pool.split("_")[1].lower())
    app = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="app", AllowedOAuthFlows=["code"], AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthScopes=["openid", "email", ORDERS + "/read", ORDERS + "/write"], CallbackURLs=["http://localhost/cb"],
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]
    service = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="service", GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_TOKEN_EXCHANGE_IMPERSONATION", "ALLOW_TOKEN_EXCHANGE_DELEGATION", "ALLOW_REFRESH_TOKEN_AUTH"],
        AllowedOAuthFlows=["code"], AllowedOAuthFlowsUserPoolClient=True, CallbackURLs=["https://service.example.com/cb"],
        AllowedOAuthScopes=[ORDERS + "/read", "openid"])["UserPoolClient"]
    cognito.admin_create_user(UserPoolId=pool, Username="carol", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": "carol@example.com"}, {"Name": "email_verified", "Value": "true"}])
    cognito.admin_set_user_password(UserPoolId=pool, Username="carol", Password=PASSWORD, Permanent=True)
    tokens = sign_in_through_the_form(server, app["ClientId"], "http://localhost/cb", f"openid email {ORDERS}/read {ORDERS}/write", "carol")
    return {"pool": pool, "app": app, "service": service, "tokens": tokens}


def test_get_derived_token_narrows_scopes_and_binds_an_audience(server, cognito, exchange):
    pool, service, tokens = exchange["pool"], exchange["service"], exchange["tokens"]
    subject = verify(server, pool, tokens["access_token"])
    assert set(subject["scope"].split()) == {"openid", "email", ORDERS + "/read", ORDERS + "/write"}
    # Impersonation, authorized by the client's ID and secret (no IAM).
    derived = unsigned(server).get_derived_token(
        ClientId=service["ClientId"], ClientSecret=service["ClientSecret"], SubjectToken=tokens["access_token"],
        SubjectTokenType="ACCESS_TOKEN", Scopes=[ORDERS + "/read", ORDERS + "/write"], Resources=[ORDERS])
    # Never longer than the subject token lives (issued a moment ago for an hour).
    assert derived["IssuedTokenType"] == "ACCESS_TOKEN" and derived["TokenType"] == "Bearer" and 3500 < derived["ExpiresIn"] <= 3600
    assert derived["Scopes"] == [ORDERS + "/read"]  # write is not the service's
    assert "RefreshToken" not in derived
    claims = verify(server, pool, derived["IssuedToken"], audience=ORDERS)
    assert claims["sub"] == subject["sub"] and claims["username"] == "carol" and claims["client_id"] == service["ClientId"]
    assert claims["scope"] == ORDERS + "/read" and "act" not in claims and claims["token_use"] == "access"
    assert claims["auth_time"] == subject["auth_time"]
    # Without Scopes: the subject token's scopes.
    same = unsigned(server).get_derived_token(ClientId=service["ClientId"], ClientSecret=service["ClientSecret"],
                                              SubjectToken=tokens["access_token"], SubjectTokenType="ACCESS_TOKEN", Audiences=["reports"])
    assert set(same["Scopes"]) == set(subject["scope"].split())
    assert verify(server, pool, same["IssuedToken"], audience="reports")["aud"] == "reports"
    # Delegation: an actor token (the service's own client_credentials-style token here: an ID token of another user)
    # puts an act claim in the issued token. IAM credentials authorize it without the secret.
    cognito.admin_create_user(UserPoolId=pool, Username="agent", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool, Username="agent", Password=PASSWORD, Permanent=True)
    agent = cognito.admin_initiate_auth(UserPoolId=pool, ClientId=exchange["app"]["ClientId"], AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                        AuthParameters={"USERNAME": "agent", "PASSWORD": PASSWORD})["AuthenticationResult"]
    delegated = cognito.get_derived_token(
        ClientId=service["ClientId"], SubjectToken=tokens["access_token"], SubjectTokenType="ACCESS_TOKEN",
        ActorToken=agent["IdToken"], ActorTokenType="ID_TOKEN", RequestedTokenType="ID_TOKEN", Audiences=["reports"])
    assert delegated["IssuedTokenType"] == "ID_TOKEN" and delegated["TokenType"] == "N_A"
    id_claims = verify(server, pool, delegated["IssuedToken"], audience="reports")
    agent_sub = verify(server, pool, agent["IdToken"], audience=exchange["app"]["ClientId"])["sub"]
    assert id_claims["token_use"] == "id" and id_claims["sub"] == subject["sub"] and id_claims["email"] == "carol@example.com"
    assert id_claims["act"] == {"sub": agent_sub, "client_id": exchange["app"]["ClientId"]}


def test_get_derived_token_refusals(server, cognito, exchange):
    pool, service, tokens = exchange["pool"], exchange["service"], exchange["tokens"]
    api = unsigned(server)
    base = {"ClientId": service["ClientId"], "ClientSecret": service["ClientSecret"], "SubjectToken": tokens["access_token"],
            "SubjectTokenType": "ACCESS_TOKEN"}

    def refused(**changes):
        kwargs = {k: v for k, v in {**base, **changes}.items() if v is not None}
        with pytest.raises(ClientError) as e:
            api.get_derived_token(**kwargs)
        return error_code(e), e.value.response["Error"]["Message"]
    assert refused(ClientSecret=None) == \
        ("NotAuthorizedException", f"Client {service['ClientId']} is configured with secret but ClientSecret was not received")
    assert refused(ClientSecret="x" * 40)[0] == "NotAuthorizedException"
    assert refused(SubjectTokenType="ID_TOKEN")[0] == "InvalidParameterException"
    assert refused(SubjectToken=tokens["access_token"][:-4] + "AAAA")[0] == "NotAuthorizedException"
    assert refused(SubjectToken="not-a-jwt")[0] == "NotAuthorizedException"
    assert refused(Audiences=["a"], Resources=[ORDERS])[0] == "InvalidParameterException"
    assert refused(Resources=["https://nowhere.example.com"])[0] == "InvalidParameterException"
    assert refused(Scopes=["billing/read"])[0] == "InvalidParameterException"
    assert refused(ActorToken=tokens["id_token"]) == ("InvalidParameterException", "ActorTokenType is required when ActorToken is provided.")
    assert refused(SubjectTokenType="SAML2")[0] == "InvalidParameterException"
    assert refused(SubjectTokenProviderName="Okta")[0] == "ResourceNotFoundException"
    # A registered provider's tokens: not exchanged yet, and said so.
    cognito.create_identity_provider(UserPoolId=pool, ProviderName="Okta", ProviderType="OIDC", ProviderDetails={
        "client_id": "c", "client_secret": "s", "authorize_scopes": "openid", "oidc_issuer": "https://okta.example.test",
        "attributes_request_method": "GET", "authorize_url": "https://okta.example.test/a", "token_url": "https://okta.example.test/t",
        "attributes_url": "https://okta.example.test/u", "jwks_uri": "https://okta.example.test/k"})
    assert refused(SubjectTokenProviderName="Okta")[0] == "UnsupportedOperationException"
    assert refused(ClientId="nosuchclient1234567890abc")[0] == "ResourceNotFoundException"
    # A client without the exchange flows.
    plain = exchange["app"]
    assert refused(ClientId=plain["ClientId"], ClientSecret=None) == \
        ("InvalidParameterException", "ALLOW_TOKEN_EXCHANGE_IMPERSONATION flow not enabled for this client")
    # A machine token speaks for no user.
    cognito.update_user_pool_client(UserPoolId=pool, ClientId=service["ClientId"], AllowedOAuthFlows=["client_credentials"],
                                    AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthScopes=[ORDERS + "/read"],
                                    ExplicitAuthFlows=["ALLOW_TOKEN_EXCHANGE_IMPERSONATION", "ALLOW_TOKEN_EXCHANGE_DELEGATION"])
    machine = requests.post(server.url + "/oauth2/token", data={"grant_type": "client_credentials"},
                            auth=(service["ClientId"], service["ClientSecret"]), timeout=5).json()["access_token"]
    assert refused(SubjectToken=machine)[0] == "NotAuthorizedException"
    # A revoked sign-in's tokens are exchanged no more; neither are a disabled user's.
    cognito.admin_disable_user(UserPoolId=pool, Username="carol")
    assert refused()[0] == "NotAuthorizedException"


def test_token_exchange_grant_at_the_token_endpoint(server, cognito, exchange):
    pool, service, tokens = exchange["pool"], exchange["service"], exchange["tokens"]
    url = server.url + "/oauth2/token"
    auth = (service["ClientId"], service["ClientSecret"])
    answer = requests.post(url, data={"grant_type": EXCHANGE, "subject_token": tokens["access_token"], "subject_token_type": ACCESS,
                                      "scope": ORDERS + "/read", "resource": ORDERS}, auth=auth, timeout=5)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["issued_token_type"] == ACCESS and body["token_type"] == "Bearer" and body["scope"] == ORDERS + "/read"
    assert "refresh_token" not in body and "id_token" not in body
    claims = verify(server, pool, body["access_token"], audience=ORDERS)
    assert claims["client_id"] == service["ClientId"] and claims["scope"] == ORDERS + "/read"
    # Delegation with an access-token actor, issuing an ID token.
    delegated = requests.post(url, data={"grant_type": EXCHANGE, "subject_token": tokens["id_token"], "subject_token_type": ID,
                                         "actor_token": tokens["access_token"], "actor_token_type": ACCESS,
                                         "requested_token_type": ID}, auth=auth, timeout=5).json()
    assert delegated["issued_token_type"] == ID and delegated["token_type"] == "N_A"
    id_claims = verify(server, pool, delegated["access_token"], audience=service["ClientId"])
    assert id_claims["act"]["client_id"] == exchange["app"]["ClientId"]

    def error(data, auth=auth):
        answer = requests.post(url, data={"grant_type": EXCHANGE, **data}, auth=auth, timeout=5)
        return answer.status_code, answer.json()["error"]
    assert error({"subject_token": tokens["access_token"]}) == (400, "invalid_request")
    assert error({"subject_token": tokens["access_token"], "subject_token_type": "urn:x"}) == (400, "invalid_request")
    assert error({"subject_token": "garbage", "subject_token_type": ACCESS}) == (400, "invalid_grant")
    assert error({"subject_token": tokens["access_token"], "subject_token_type": ACCESS, "scope": "billing/read"}) == (400, "invalid_scope")
    assert error({"subject_token": tokens["access_token"], "subject_token_type": ACCESS}, auth=(service["ClientId"], "wrong")) == \
        (401, "invalid_client")
    # A client without the flow is not authorized for the grant.
    app = exchange["app"]["ClientId"]
    assert error({"subject_token": tokens["access_token"], "subject_token_type": ACCESS, "client_id": app}, auth=None) == \
        (400, "unauthorized_client")


def test_a_derived_token_never_outlives_its_subject_or_its_session(server, cognito, exchange, clock):
    """Issue 26, item 6: exchanging a derived token again gets no fresh lifetime, and a subject whose sign-in
    (its refresh token) was revoked or has expired is refused, however long the subject token itself lives."""
    pool, service, tokens = exchange["pool"], exchange["service"], exchange["tokens"]
    api = unsigned(server)
    subject = verify(server, pool, tokens["access_token"])
    first = api.get_derived_token(ClientId=service["ClientId"], ClientSecret=service["ClientSecret"], SubjectToken=tokens["access_token"],
                                  SubjectTokenType="ACCESS_TOKEN", Audiences=["reports"])
    clock(advanceSeconds=1800)
    second = api.get_derived_token(ClientId=service["ClientId"], ClientSecret=service["ClientSecret"], SubjectToken=first["IssuedToken"],
                                   SubjectTokenType="ACCESS_TOKEN", Audiences=["reports"])
    claims = jwt.decode(second["IssuedToken"], options={"verify_signature": False})
    assert claims["exp"] <= subject["exp"] and second["ExpiresIn"] <= 1800
    # Past the subject's expiry nothing of the chain exchanges.
    clock(advanceSeconds=1801)
    with pytest.raises(ClientError) as e:
        api.get_derived_token(ClientId=service["ClientId"], ClientSecret=service["ClientSecret"], SubjectToken=second["IssuedToken"],
                              SubjectTokenType="ACCESS_TOKEN", Audiences=["reports"])
    assert error_code(e) == "NotAuthorizedException"
    clock(offsetSeconds=0)
    # An access token that outlives its refresh token (a day against an hour): once the refresh token has
    # expired, the sign-in is over and the access token is exchanged no more.
    app = exchange["app"]["ClientId"]
    cognito.update_user_pool_client(UserPoolId=pool, ClientId=app, AccessTokenValidity=1, RefreshTokenValidity=60,
                                    TokenValidityUnits={"AccessToken": "days", "RefreshToken": "minutes"},
                                    ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    signed_in = cognito.admin_initiate_auth(UserPoolId=pool, ClientId=app, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                            AuthParameters={"USERNAME": "carol", "PASSWORD": PASSWORD})["AuthenticationResult"]
    # (An API sign-in's token carries aws.cognito.signin.user.admin, which the service may not ask for: no Scopes.)
    base = {"ClientId": service["ClientId"], "ClientSecret": service["ClientSecret"], "SubjectToken": signed_in["AccessToken"],
            "SubjectTokenType": "ACCESS_TOKEN", "Audiences": ["reports"]}
    assert api.get_derived_token(**base)["IssuedToken"]
    clock(advanceSeconds=61 * 60)
    with pytest.raises(ClientError) as e:
        api.get_derived_token(**base)
    assert error_code(e) == "NotAuthorizedException" and "expired" in e.value.response["Error"]["Message"]
    clock(offsetSeconds=0)
    # Revoked with its refresh token: refused at once.
    signed_in = cognito.admin_initiate_auth(UserPoolId=pool, ClientId=app, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                            AuthParameters={"USERNAME": "carol", "PASSWORD": PASSWORD})["AuthenticationResult"]
    base["SubjectToken"] = signed_in["AccessToken"]
    assert api.get_derived_token(**base)["IssuedToken"]
    cognito.revoke_token(Token=signed_in["RefreshToken"], ClientId=app)
    with pytest.raises(ClientError) as e:
        api.get_derived_token(**base)
    assert error_code(e) == "NotAuthorizedException"


def test_another_app_client_is_no_audience(server, cognito, exchange):
    """Issue 26, item 7: one client cannot mint tokens — an ID token above all — for another app client."""
    pool, service, tokens = exchange["pool"], exchange["service"], exchange["tokens"]
    api = unsigned(server)
    other = exchange["app"]["ClientId"]
    for requested in ("ID_TOKEN", "ACCESS_TOKEN"):
        with pytest.raises(ClientError) as e:
            api.get_derived_token(ClientId=service["ClientId"], ClientSecret=service["ClientSecret"], SubjectToken=tokens["access_token"],
                                  SubjectTokenType="ACCESS_TOKEN", Audiences=[other], RequestedTokenType=requested)
        assert error_code(e) == "InvalidParameterException" and "app client" in e.value.response["Error"]["Message"]
    # The same at the token endpoint.
    answer = requests.post(server.url + "/oauth2/token", auth=(service["ClientId"], service["ClientSecret"]), timeout=5, data={
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange", "subject_token": tokens["access_token"],
        "subject_token_type": ACCESS, "requested_token_type": ID, "audience": other})
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_request"
    # An audience that is no client of any pool is still fine, and so is the exchanging client itself.
    mine = api.get_derived_token(ClientId=service["ClientId"], ClientSecret=service["ClientSecret"], SubjectToken=tokens["access_token"],
                                 SubjectTokenType="ACCESS_TOKEN", Audiences=[service["ClientId"]], RequestedTokenType="ID_TOKEN")
    assert verify(server, pool, mine["IssuedToken"], audience=service["ClientId"])["aud"] == service["ClientId"]
