"""Federation with an independent OpenID provider: oidc-provider-mock (PyPI, built on authlib) runs here, and a
pool signs its user in through it — discovery, the authorization form, the code exchange with
client_secret_post and PKCE, a required nonce, the ID token checked against its JWKS, the user-info answer —
with the attributes mapped, email_verified included."""
import urllib.parse
import uuid

import jwt
import pytest
import requests
from oidc_provider_mock import User, run_server_in_thread

CALLBACK = "http://localhost/callback"


@pytest.fixture(scope="module")
def op():
    users = [User(sub="alice-123", claims={"email": "alice@example.org", "name": "Alice Mock", "email_verified": True})]
    with run_server_in_thread(require_nonce=True, user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


def test_sign_in_through_an_independent_provider(server, cognito, op):
    pool = cognito.create_user_pool(PoolName="mockop-" + uuid.uuid4().hex[:6])["UserPool"]["Id"]
    made = cognito.create_identity_provider(
        UserPoolId=pool, ProviderName="MockOP", ProviderType="OIDC",
        ProviderDetails={"client_id": "cognate", "client_secret": "cognate-secret", "authorize_scopes": "openid email profile",
                         "oidc_issuer": op, "attributes_request_method": "GET"},
        AttributeMapping={"email": "email", "email_verified": "email_verified", "name": "name"})["IdentityProvider"]
    assert made["ProviderDetails"]["token_url"].startswith(op) and made["ProviderDetails"]["jwks_uri"].startswith(op)
    app = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="app", AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid", "email"],
        AllowedOAuthFlowsUserPoolClient=True, CallbackURLs=[CALLBACK], SupportedIdentityProviders=["MockOP"])["UserPoolClient"]["ClientId"]
    session = requests.Session()
    query = {"client_id": app, "response_type": "code", "redirect_uri": CALLBACK, "scope": "openid email", "state": "s-9",
             "identity_provider": "MockOP"}
    to_op = session.get(server.url + "/oauth2/authorize?" + urllib.parse.urlencode(query), allow_redirects=False, timeout=10)
    assert to_op.status_code == 302 and to_op.headers["Location"].startswith(op + "/oauth2/authorize?")
    form = session.get(to_op.headers["Location"], timeout=10)
    assert form.status_code == 200, form.text
    back = session.post(to_op.headers["Location"], data={"sub": "alice-123"}, allow_redirects=False, timeout=10)
    assert back.status_code == 302 and back.headers["Location"].startswith(server.url + "/oauth2/idpresponse?")
    done = session.get(back.headers["Location"], allow_redirects=False, timeout=10)
    location = done.headers["Location"]
    assert location.startswith(CALLBACK + "?code=") and "state=s-9" in location, location
    code = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)["code"][0]
    tokens = requests.post(server.url + "/oauth2/token", data={"grant_type": "authorization_code", "client_id": app, "code": code,
                                                                "redirect_uri": CALLBACK}, timeout=10).json()
    issuer = f"{server.url}/{pool}"
    key = jwt.PyJWKClient(issuer + "/.well-known/jwks.json").get_signing_key_from_jwt(tokens["id_token"])
    claims = jwt.decode(tokens["id_token"], key.key, algorithms=["RS256"], issuer=issuer, audience=app)
    assert claims["cognito:username"] == "mockop_alice-123" and claims["email"] == "alice@example.org"
    assert claims["email_verified"] is True and claims["name"] == "Alice Mock"
    user = cognito.admin_get_user(UserPoolId=pool, Username="mockop_alice-123")
    assert user["UserStatus"] == "EXTERNAL_PROVIDER"


def test_a_provider_that_is_down(server, cognito):
    """The provider's token endpoint does not answer: the client hears so, never a 500."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    pool = cognito.create_user_pool(PoolName="down-" + uuid.uuid4().hex[:6])["UserPool"]["Id"]
    cognito.create_identity_provider(
        UserPoolId=pool, ProviderName="Down", ProviderType="OIDC",
        ProviderDetails={"client_id": "c", "client_secret": "s", "authorize_scopes": "openid", "oidc_issuer": dead,
                         "attributes_request_method": "GET", "authorize_url": dead + "/authorize", "token_url": dead + "/token",
                         "attributes_url": dead + "/userinfo", "jwks_uri": dead + "/jwks"})
    app = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="app", AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid"], AllowedOAuthFlowsUserPoolClient=True,
        CallbackURLs=[CALLBACK], SupportedIdentityProviders=["Down"])["UserPoolClient"]["ClientId"]
    query = {"client_id": app, "response_type": "code", "redirect_uri": CALLBACK, "scope": "openid", "identity_provider": "Down"}
    browser = requests.Session()  # the answer is taken from the browser that was sent to the provider
    start = browser.get(server.url + "/oauth2/authorize?" + urllib.parse.urlencode(query), allow_redirects=False, timeout=10)
    state = urllib.parse.parse_qs(urllib.parse.urlparse(start.headers["Location"]).query)["state"][0]
    answer = browser.get(server.url + "/oauth2/idpresponse?" + urllib.parse.urlencode({"state": state, "code": "c0de"}),
                         allow_redirects=False, timeout=30)
    assert answer.status_code == 302
    back = urllib.parse.parse_qs(urllib.parse.urlparse(answer.headers["Location"]).query)
    assert back["error"] == ["invalid_request"] and "could not be reached" in back["error_description"][0]


def test_a_social_provider_answered_by_a_local_provider(op, tmp_path):
    """--social-issuers Google=<local issuer>: an app's "Sign in with Google" works offline."""
    from conftest import Server
    server = Server(str(tmp_path / "social.sqlite"), extra_args=["--social-issuers", f"Google={op}"]).start()
    try:
        cognito = server.client()
        pool = cognito.create_user_pool(PoolName="social")["UserPool"]["Id"]
        google = cognito.create_identity_provider(
            UserPoolId=pool, ProviderName="Google", ProviderType="Google", AttributeMapping={"email": "email"},
            ProviderDetails={"client_id": "g-client", "client_secret": "g-secret", "authorize_scopes": "openid email profile"}
        )["IdentityProvider"]
        assert google["ProviderDetails"]["authorize_url"].startswith(op) and google["ProviderDetails"]["oidc_issuer"] == op
        app = cognito.create_user_pool_client(
            UserPoolId=pool, ClientName="app", AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid", "email"],
            AllowedOAuthFlowsUserPoolClient=True, CallbackURLs=[CALLBACK], SupportedIdentityProviders=["Google"])["UserPoolClient"]["ClientId"]
        session = requests.Session()
        query = {"client_id": app, "response_type": "code", "redirect_uri": CALLBACK, "scope": "openid email", "identity_provider": "Google"}
        to_op = session.get(server.url + "/oauth2/authorize?" + urllib.parse.urlencode(query), allow_redirects=False, timeout=10)
        back = session.post(to_op.headers["Location"], data={"sub": "alice-123"}, allow_redirects=False, timeout=10)
        location = session.get(back.headers["Location"], allow_redirects=False, timeout=10).headers["Location"]
        code = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)["code"][0]
        tokens = requests.post(server.url + "/oauth2/token", data={"grant_type": "authorization_code", "client_id": app, "code": code,
                                                                    "redirect_uri": CALLBACK}, timeout=10).json()
        claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
        assert claims["cognito:username"] == "google_alice-123" and claims["identities"][0]["providerType"] == "Google"
    finally:
        server.stop()
    # Without the option, Google keeps its public endpoints.
    plain = Server(str(tmp_path / "plain.sqlite")).start()
    try:
        cognito = plain.client()
        pool = cognito.create_user_pool(PoolName="plain")["UserPool"]["Id"]
        google = cognito.create_identity_provider(
            UserPoolId=pool, ProviderName="Google", ProviderType="Google",
            ProviderDetails={"client_id": "g", "client_secret": "s", "authorize_scopes": "openid"})["IdentityProvider"]
        assert google["ProviderDetails"]["authorize_url"] == "https://accounts.google.com/o/oauth2/v2/auth"
    finally:
        plain.stop()
