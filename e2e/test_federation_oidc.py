"""Sign-in through an OpenID Connect provider: a second Cognate process is the provider (its managed login
signs the user in and its token endpoint answers Cognate's client_secret_post exchange with PKCE), Cognate
checks the ID token against the provider's JWKS and reads its user-info endpoint, and the federated user
appears as AWS makes them (username <provider>_<sub> in lower case, EXTERNAL_PROVIDER, identities, the
provider's group). Tokens are checked by PyJWT; errors and forged answers go back as AWS sends them."""
import json
import re
import urllib.parse
import uuid

import jwt
import pytest
import requests

from conftest import Server
from lambdas import FakeLambda

PASSWORD = "Str0ng-Passw0rd!"
CALLBACK = "http://localhost/callback"


@pytest.fixture(scope="module")
def upstream(tmp_path_factory):
    s = Server(str(tmp_path_factory.mktemp("upstream") / "upstream.sqlite")).start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def fake_lambda():
    fake = FakeLambda()
    yield fake
    fake.close()


@pytest.fixture(scope="module")
def downstream(tmp_path_factory, fake_lambda):
    s = Server(str(tmp_path_factory.mktemp("downstream") / "downstream.sqlite"), extra_args=["--lambda-endpoint", fake_lambda.url, "--allow-local-providers"]).start()
    yield s
    s.stop()


class Federation:
    def __init__(self, upstream, downstream, **pool_args):
        self.upstream, self.downstream = upstream, downstream
        up, down = upstream.client(), downstream.client()
        self.up, self.down = up, down
        self.idp_pool = up.create_user_pool(PoolName="idp-" + uuid.uuid4().hex[:6])["UserPool"]["Id"]
        self.rp = up.create_user_pool_client(
            UserPoolId=self.idp_pool, ClientName="cognate-rp", GenerateSecret=True, AllowedOAuthFlows=["code"],
            AllowedOAuthScopes=["openid", "email", "profile"], AllowedOAuthFlowsUserPoolClient=True,
            CallbackURLs=[downstream.url + "/oauth2/idpresponse"], SupportedIdentityProviders=["COGNITO"])["UserPoolClient"]
        self.pool = down.create_user_pool(PoolName="sp-" + uuid.uuid4().hex[:6], **pool_args)["UserPool"]["Id"]
        down.create_identity_provider(
            UserPoolId=self.pool, ProviderName="Upstream", ProviderType="OIDC", AttributeMapping={"email": "email", "name": "name"},
            ProviderDetails={"client_id": self.rp["ClientId"], "client_secret": self.rp["ClientSecret"], "authorize_scopes": "openid email profile",
                             "oidc_issuer": f"{upstream.url}/{self.idp_pool}", "attributes_request_method": "GET"})
        self.app = down.create_user_pool_client(
            UserPoolId=self.pool, ClientName="app", AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid", "email", "profile"],
            AllowedOAuthFlowsUserPoolClient=True, CallbackURLs=[CALLBACK], SupportedIdentityProviders=["COGNITO", "Upstream"],
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]

    def idp_user(self, name, email, full_name="Ursula Upstream"):
        self.up.admin_create_user(UserPoolId=self.idp_pool, Username=name, MessageAction="SUPPRESS",
                                  UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"},
                                                  {"Name": "name", "Value": full_name}])
        self.up.admin_set_user_password(UserPoolId=self.idp_pool, Username=name, Password=PASSWORD, Permanent=True)
        return {a["Name"]: a["Value"] for a in self.up.admin_get_user(UserPoolId=self.idp_pool, Username=name)["UserAttributes"]}["sub"]

    def authorize_url(self, **extra):
        query = {"client_id": self.app, "response_type": "code", "redirect_uri": CALLBACK, "scope": "openid email profile", "state": "st-1",
                 "identity_provider": "Upstream", **extra}
        return self.downstream.url + "/oauth2/authorize?" + urllib.parse.urlencode(query)

    def sign_in(self, name, session=None, follow=True, **extra):
        """Follows the browser's way: Cognate → the provider's login → Cognate's idpresponse → the client.
        With follow=False, stops before the provider's answer reaches Cognate and returns that link."""
        session = session or requests.Session()
        to_provider = session.get(self.authorize_url(**extra), allow_redirects=False, timeout=10)
        assert to_provider.status_code == 302, to_provider.text
        location = to_provider.headers["Location"]
        assert location.startswith(self.upstream.url + "/oauth2/authorize?")
        sent = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)
        assert sent["redirect_uri"] == [self.downstream.url + "/oauth2/idpresponse"] and sent["code_challenge_method"] == ["S256"]
        assert sent["nonce"] and sent["state"] and sent["scope"] == ["openid email profile"]
        login = session.get(location, timeout=10)  # the provider's sign-in page
        csrf = re.search(r'name="_csrf" value="([^"]+)"', login.text).group(1)
        answer = session.post(login.url, data={"_csrf": csrf, "username": name, "password": PASSWORD}, allow_redirects=False, timeout=10)
        assert answer.status_code == 302, answer.text
        back = answer.headers["Location"]
        assert back.startswith(self.downstream.url + "/oauth2/idpresponse?")
        if not follow:
            return back
        done = session.get(back, allow_redirects=False, timeout=10)
        return done.headers.get("Location", ""), done

    def tokens(self, location):
        code = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)["code"][0]
        return requests.post(self.downstream.url + "/oauth2/token", data={
            "grant_type": "authorization_code", "client_id": self.app, "code": code, "redirect_uri": CALLBACK}, timeout=10).json()

    def verified(self, token):
        issuer = f"{self.downstream.url}/{self.pool}"
        key = jwt.PyJWKClient(issuer + "/.well-known/jwks.json").get_signing_key_from_jwt(token)
        return jwt.decode(token, key.key, algorithms=["RS256"], issuer=issuer, options={"verify_aud": False})


def test_a_federated_sign_in_creates_the_user_as_aws_does(upstream, downstream):
    f = Federation(upstream, downstream)
    sub = f.idp_user("ursula", "ursula@example.com")
    location, _ = f.sign_in("ursula")
    assert location.startswith(CALLBACK + "?") and "state=st-1" in location
    tokens = f.tokens(location)
    claims = f.verified(tokens["id_token"])
    username = "upstream_" + sub
    assert claims["cognito:username"] == username and claims["email"] == "ursula@example.com" and claims["name"] == "Ursula Upstream"
    assert claims["email_verified"] is False  # email_verified is not mapped
    assert claims["cognito:groups"] == [f"{f.pool}_Upstream"]
    (identity,) = claims["identities"]
    assert identity["userId"] == sub and identity["providerName"] == "Upstream" and identity["providerType"] == "OIDC"
    assert identity["primary"] == "true" and identity["issuer"] is None and identity["dateCreated"].isdigit()
    user = f.down.admin_get_user(UserPoolId=f.pool, Username=username)
    assert user["UserStatus"] == "EXTERNAL_PROVIDER"
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert json.loads(attributes["identities"])[0]["userId"] == sub
    group = f.down.get_group(UserPoolId=f.pool, GroupName=f"{f.pool}_Upstream")["Group"]
    assert "Precedence" not in group and "RoleArn" not in group
    # A federated user cannot sign in with the API.
    with pytest.raises(f.down.exceptions.NotAuthorizedException):
        f.down.initiate_auth(ClientId=f.app, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD})
    # The next sign-in rewrites the mapped attributes; the same user, no second group.
    f.up.admin_update_user_attributes(UserPoolId=f.idp_pool, Username="ursula", UserAttributes=[{"Name": "name", "Value": "Ursula Renamed"}])
    location, _ = f.sign_in("ursula")
    assert f.verified(f.tokens(location)["id_token"])["name"] == "Ursula Renamed"
    assert len(f.down.list_users(UserPoolId=f.pool)["Users"]) == 1


def test_the_login_page_offers_the_provider(upstream, downstream):
    f = Federation(upstream, downstream)
    query = urllib.parse.urlencode({"client_id": f.app, "response_type": "code", "redirect_uri": CALLBACK, "scope": "openid"})
    page = requests.get(downstream.url + "/login?" + query, timeout=10)
    links = re.findall(r'<a class="idpButton-customizable" href="([^"]+)">Continue with ([^<]+)</a>', page.text)
    assert [name for _, name in links] == ["Upstream"]
    assert "identity_provider=Upstream" in links[0][0].replace("&amp;", "&")
    assert 'name="password"' in page.text  # COGNITO is offered too


def test_errors_and_forged_answers(upstream, downstream):
    f = Federation(upstream, downstream)
    f.idp_user("vera", "vera@example.com")
    session = requests.Session()
    # The provider says no: the client hears it, with its state.
    start = session.get(f.authorize_url(), allow_redirects=False, timeout=10).headers["Location"]
    state = urllib.parse.parse_qs(urllib.parse.urlparse(start).query)["state"][0]
    refused = session.get(downstream.url + "/oauth2/idpresponse?" + urllib.parse.urlencode(
        {"state": state, "error": "access_denied", "error_description": "User cancelled"}), allow_redirects=False, timeout=10)
    target = urllib.parse.urlparse(refused.headers["Location"])
    assert target.geturl().startswith(CALLBACK)
    assert urllib.parse.parse_qs(target.query) == {"error": ["access_denied"], "error_description": ["User cancelled"], "state": ["st-1"]}
    # The state is used up; a forged or replayed one leads nowhere.
    for forged in (state, "forged-state", ""):
        answer = session.get(downstream.url + "/oauth2/idpresponse?" + urllib.parse.urlencode({"state": forged, "code": "x"}),
                             allow_redirects=False, timeout=10)
        assert answer.status_code == 302 and answer.headers["Location"].startswith("/error?error=invalid_request")
    # No code; a code the provider never issued.
    for params in ({}, {"code": "not-a-code"}):
        start = session.get(f.authorize_url(), allow_redirects=False, timeout=10).headers["Location"]
        state = urllib.parse.parse_qs(urllib.parse.urlparse(start).query)["state"][0]
        answer = session.get(downstream.url + "/oauth2/idpresponse?" + urllib.parse.urlencode({"state": state, **params}),
                             allow_redirects=False, timeout=10)
        back = urllib.parse.parse_qs(urllib.parse.urlparse(answer.headers["Location"]).query)
        assert back["error"] == ["invalid_request"] and back["state"] == ["st-1"]
    # A provider the client does not support; one the pool does not have.
    other = f.down.create_user_pool_client(UserPoolId=f.pool, ClientName="native", AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid"],
                                           AllowedOAuthFlowsUserPoolClient=True, CallbackURLs=[CALLBACK],
                                           SupportedIdentityProviders=["COGNITO"])["UserPoolClient"]["ClientId"]
    answer = requests.get(f.authorize_url(client_id=other, scope="openid"), allow_redirects=False, timeout=10)
    assert urllib.parse.parse_qs(urllib.parse.urlparse(answer.headers["Location"]).query)["error"] == ["unauthorized_client"]
    answer = requests.get(f.authorize_url(identity_provider="Nobody"), allow_redirects=False, timeout=10)
    assert urllib.parse.parse_qs(urllib.parse.urlparse(answer.headers["Location"]).query)["error"] == ["invalid_request"]


def test_pre_sign_up_external_provider_runs_on_the_first_sign_in(upstream, downstream, fake_lambda):
    f = Federation(upstream, downstream, LambdaConfig={"PreSignUp": "arn:aws:lambda:us-east-1:000000000000:function:gate"})
    f.idp_user("walt", "walt@example.com")
    fake_lambda.requests.clear()
    fake_lambda.reply = lambda path, headers, body: (200, {"X-Amz-Function-Error": "Unhandled"}, b'{"errorMessage": "Not invited"}')
    location, _ = f.sign_in("walt")
    back = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)
    assert back["error"] == ["invalid_request"] and back["error_description"] == ["PreSignUp failed with error Not invited."]
    event = json.loads(fake_lambda.requests[-1][2])
    assert event["triggerSource"] == "PreSignUp_ExternalProvider" and event["userName"].startswith("upstream_")
    assert event["request"]["userAttributes"]["email"] == "walt@example.com" and event["callerContext"]["clientId"] == f.app
    assert f.down.list_users(UserPoolId=f.pool)["Users"] == []
    fake_lambda.reply = lambda path, headers, body: (200, {}, body)
    location, _ = f.sign_in("walt")
    assert "code=" in location and len(f.down.list_users(UserPoolId=f.pool)["Users"]) == 1


def test_in_chromium_the_provider_button_signs_the_user_in(upstream, downstream, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from conftest import chromium
    f = Federation(upstream, downstream)
    sub = f.idp_user("xena", "xena@example.com", full_name="Xena Browser")
    browser = chromium()
    try:
        query = urllib.parse.urlencode({"client_id": f.app, "response_type": "code", "redirect_uri": CALLBACK, "scope": "openid email",
                                        "state": "b-1"})
        browser.get(downstream.url + "/login?" + query)
        browser.save_screenshot(str(tmp_path / "login.png"))
        browser.find_element(By.LINK_TEXT, "Continue with Upstream").click()
        WebDriverWait(browser, 10).until(lambda b: b.current_url.startswith(upstream.url + "/login?"))
        browser.find_element(By.NAME, "username").send_keys("xena")
        browser.find_element(By.NAME, "password").send_keys(PASSWORD)
        browser.find_element(By.NAME, "signInSubmitButton").click()
        WebDriverWait(browser, 10).until(lambda b: b.current_url.startswith(CALLBACK))
        location = browser.current_url
    finally:
        browser.quit()
    assert "state=b-1" in location
    claims = f.verified(f.tokens(location)["id_token"])
    assert claims["cognito:username"] == "upstream_" + sub and claims["name"] == "Xena Browser"


def test_linking_an_identity_to_a_native_user_and_unlinking_it(upstream, downstream):
    f = Federation(upstream, downstream)
    sub = f.idp_user("nate-up", "nate@example.com", full_name="Nate Linked")
    f.down.admin_create_user(UserPoolId=f.pool, Username="nate", MessageAction="SUPPRESS",
                             UserAttributes=[{"Name": "email", "Value": "nate.native@example.com"}])
    f.down.admin_set_user_password(UserPoolId=f.pool, Username="nate", Password=PASSWORD, Permanent=True)
    f.down.admin_link_provider_for_user(
        UserPoolId=f.pool, DestinationUser={"ProviderName": "Cognito", "ProviderAttributeValue": "nate"},
        SourceUser={"ProviderName": "Upstream", "ProviderAttributeName": "Cognito_Subject", "ProviderAttributeValue": sub})
    location, _ = f.sign_in("nate-up")
    claims = f.verified(f.tokens(location)["id_token"])
    # The linked native user signs in; the provider's mapped attributes are written onto them.
    assert claims["cognito:username"] == "nate" and claims["name"] == "Nate Linked"
    assert [i["userId"] for i in claims["identities"]] == [sub]
    assert [u["Username"] for u in f.down.list_users(UserPoolId=f.pool)["Users"]] == ["nate"]
    # The identity belongs to one user; an identity that already signed in cannot be linked (AWS does not merge).
    f.down.admin_create_user(UserPoolId=f.pool, Username="other", MessageAction="SUPPRESS")
    with pytest.raises(f.down.exceptions.AliasExistsException):
        f.down.admin_link_provider_for_user(
            UserPoolId=f.pool, DestinationUser={"ProviderName": "Cognito", "ProviderAttributeValue": "other"},
            SourceUser={"ProviderName": "Upstream", "ProviderAttributeName": "Cognito_Subject", "ProviderAttributeValue": sub})
    solo = f.idp_user("solo", "solo@example.com")
    f.sign_in("solo")
    with pytest.raises(f.down.exceptions.InvalidParameterException) as refused:
        f.down.admin_link_provider_for_user(
            UserPoolId=f.pool, DestinationUser={"ProviderName": "Cognito", "ProviderAttributeValue": "other"},
            SourceUser={"ProviderName": "Upstream", "ProviderAttributeName": "Cognito_Subject", "ProviderAttributeValue": solo})
    assert refused.value.response["Error"]["Message"].startswith("Merging is not currently supported")
    # At most five identities per user.
    for n in range(5):
        f.down.admin_link_provider_for_user(
            UserPoolId=f.pool, DestinationUser={"ProviderName": "Cognito", "ProviderAttributeValue": "other"},
            SourceUser={"ProviderName": "Upstream", "ProviderAttributeName": "Cognito_Subject", "ProviderAttributeValue": f"sub-{n}"})
    with pytest.raises(f.down.exceptions.LimitExceededException):
        f.down.admin_link_provider_for_user(
            UserPoolId=f.pool, DestinationUser={"ProviderName": "Cognito", "ProviderAttributeValue": "other"},
            SourceUser={"ProviderName": "Upstream", "ProviderAttributeName": "Cognito_Subject", "ProviderAttributeValue": "sub-5"})
    # Unlinked, the identity's next sign-in makes a user of its own.
    f.down.admin_disable_provider_for_user(
        UserPoolId=f.pool, User={"ProviderName": "Upstream", "ProviderAttributeName": "Cognito_Subject", "ProviderAttributeValue": sub})
    location, _ = f.sign_in("nate-up")
    assert f.verified(f.tokens(location)["id_token"])["cognito:username"] == "upstream_" + sub
    # Disabling the native "provider" ends the password sign-in.
    f.down.initiate_auth(ClientId=f.app, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "nate", "PASSWORD": PASSWORD})
    f.down.admin_disable_provider_for_user(
        UserPoolId=f.pool, User={"ProviderName": "Cognito", "ProviderAttributeName": "Cognito_Subject", "ProviderAttributeValue": "nate"})
    with pytest.raises(f.down.exceptions.NotAuthorizedException):
        f.down.initiate_auth(ClientId=f.app, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "nate", "PASSWORD": PASSWORD})
    # A federated user who is not linked can no longer sign in with the provider once disabled.
    f.down.admin_disable_provider_for_user(
        UserPoolId=f.pool, User={"ProviderName": "Upstream", "ProviderAttributeName": "Cognito_Subject", "ProviderAttributeValue": solo})
    location, _ = f.sign_in("solo")
    assert urllib.parse.parse_qs(urllib.parse.urlparse(location).query)["error"] == ["invalid_request"]
    # Bad identities: a provider the pool lacks, an attribute nothing maps to.
    with pytest.raises(f.down.exceptions.InvalidParameterException):
        f.down.admin_link_provider_for_user(
            UserPoolId=f.pool, DestinationUser={"ProviderName": "Cognito", "ProviderAttributeValue": "other"},
            SourceUser={"ProviderName": "Nobody", "ProviderAttributeName": "Cognito_Subject", "ProviderAttributeValue": "x"})
    with pytest.raises(f.down.exceptions.InvalidParameterException):
        f.down.admin_link_provider_for_user(
            UserPoolId=f.pool, DestinationUser={"ProviderName": "Cognito", "ProviderAttributeValue": "other"},
            SourceUser={"ProviderName": "Upstream", "ProviderAttributeName": "shoe_size", "ProviderAttributeValue": "x"})
    with pytest.raises(f.down.exceptions.UserNotFoundException):
        f.down.admin_link_provider_for_user(
            UserPoolId=f.pool, DestinationUser={"ProviderName": "Cognito", "ProviderAttributeValue": "ghost"},
            SourceUser={"ProviderName": "Upstream", "ProviderAttributeName": "Cognito_Subject", "ProviderAttributeValue": "y"})


def test_linking_by_a_mapped_attribute(upstream, downstream):
    f = Federation(upstream, downstream)
    f.idp_user("mapped-up", "mapped@example.com")
    f.down.admin_create_user(UserPoolId=f.pool, Username="mapped", MessageAction="SUPPRESS")
    f.down.admin_link_provider_for_user(
        UserPoolId=f.pool, DestinationUser={"ProviderName": "Cognito", "ProviderAttributeValue": "mapped"},
        SourceUser={"ProviderName": "Upstream", "ProviderAttributeName": "email", "ProviderAttributeValue": "mapped@example.com"})
    location, _ = f.sign_in("mapped-up")
    assert f.verified(f.tokens(location)["id_token"])["cognito:username"] == "mapped"


def test_inbound_federation_chooses_the_attributes_to_map(upstream, downstream, fake_lambda):
    f = Federation(upstream, downstream, LambdaConfig={"InboundFederation": {
        "LambdaVersion": "V1_0", "LambdaArn": "arn:aws:lambda:us-east-1:000000000000:function:inbound"}})
    sub = f.idp_user("yara", "yara@example.com", full_name="Yara Original")

    def reply(path, headers, body):
        event = json.loads(body)
        if event["triggerSource"] == "InboundFederation_ExternalProvider":
            event["response"]["userAttributesToMap"] = {"email": "yara@corp.example.com", "name": "Yara Chosen"}
        return 200, {}, json.dumps(event).encode()
    fake_lambda.requests.clear()
    fake_lambda.reply = reply
    location, _ = f.sign_in("yara")
    claims = f.verified(f.tokens(location)["id_token"])
    assert claims["cognito:username"] == "upstream_" + sub
    assert claims["email"] == "yara@corp.example.com" and claims["name"] == "Yara Chosen"
    event = next(json.loads(body) for _, _, body in fake_lambda.requests
                 if json.loads(body)["triggerSource"] == "InboundFederation_ExternalProvider")
    assert event["request"]["providerName"] == "Upstream" and event["request"]["providerType"] == "OIDC"
    attributes = event["request"]["attributes"]
    assert attributes["idToken"]["sub"] == sub and attributes["userInfo"]["email"] == "yara@example.com"
    assert "id_token" in attributes["tokenResponse"] and event["response"] == {"userAttributesToMap": None}
    # An empty answer keeps the provider's attributes.
    fake_lambda.reply = lambda path, headers, body: (200, {}, body)
    location, _ = f.sign_in("yara")
    assert f.verified(f.tokens(location)["id_token"])["name"] == "Yara Original"


def test_routing_by_identifier_and_by_email_domain(upstream, downstream):
    f = Federation(upstream, downstream)
    f.down.update_identity_provider(UserPoolId=f.pool, ProviderName="Upstream", IdpIdentifiers=["corp.example.com"])
    # idp_identifier on the authorize request goes straight to the provider.
    answer = requests.get(f.authorize_url(identity_provider="", idp_identifier="corp.example.com"), allow_redirects=False, timeout=10)
    assert answer.headers["Location"].startswith(upstream.url + "/oauth2/authorize?")
    # The login page asks for an email address and routes by its domain.
    session = requests.Session()
    query = urllib.parse.urlencode({"client_id": f.app, "response_type": "code", "redirect_uri": CALLBACK, "scope": "openid"})
    page = session.get(downstream.url + "/login?" + query, timeout=10)
    assert 'id="idpEmail"' in page.text and 'action="/login/federate?' in page.text
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
    routed = session.post(downstream.url + "/login/federate?" + query, data={"_csrf": csrf, "email": "Ann@Corp.Example.com"},
                          allow_redirects=False, timeout=10)
    assert routed.status_code == 302 and routed.headers["Location"].startswith(upstream.url + "/oauth2/authorize?")
    page = session.get(downstream.url + "/login?" + query, timeout=10)
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
    unknown = session.post(downstream.url + "/login/federate?" + query, data={"_csrf": csrf, "email": "bob@elsewhere.example"},
                           allow_redirects=False, timeout=10)
    assert unknown.status_code == 200 and "No identity provider signs in users of that email domain." in unknown.text
    # Without the CSRF token, nothing is routed.
    forged = requests.post(downstream.url + "/login/federate?" + query, data={"email": "ann@corp.example.com"}, allow_redirects=False, timeout=10)
    assert forged.status_code == 403


def test_required_attributes_must_be_mapped(upstream, downstream):
    f = Federation(upstream, downstream, Schema=[{"Name": "family_name", "AttributeDataType": "String", "Required": True, "Mutable": True}])
    f.idp_user("zed", "zed@example.com")
    location, _ = f.sign_in("zed")
    back = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)
    assert back["error"] == ["invalid_request"] and "family_name" in back["error_description"][0]
    assert f.down.list_users(UserPoolId=f.pool)["Users"] == []


def test_a_native_user_with_the_federated_name_is_not_taken_over(upstream, downstream):
    f = Federation(upstream, downstream)
    sub = f.idp_user("mallory", "mallory@example.com")
    f.down.admin_create_user(UserPoolId=f.pool, Username="upstream_" + sub, MessageAction="SUPPRESS")
    location, _ = f.sign_in("mallory")
    back = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)
    assert back["error"] == ["invalid_request"] and "code" not in back
    assert f.down.admin_get_user(UserPoolId=f.pool, Username="upstream_" + sub)["UserStatus"] == "FORCE_CHANGE_PASSWORD"


def test_a_provider_may_post_its_answer(upstream, downstream):
    """response_mode=form_post (Sign in with Apple does it): the same answer, posted."""
    f = Federation(upstream, downstream)
    sub = f.idp_user("pam", "pam@example.com")
    session = requests.Session()
    location = session.get(f.authorize_url(), allow_redirects=False, timeout=10).headers["Location"]
    login = session.get(location, timeout=10)
    csrf = re.search(r'name="_csrf" value="([^"]+)"', login.text).group(1)
    back = session.post(login.url, data={"_csrf": csrf, "username": "pam", "password": PASSWORD}, allow_redirects=False, timeout=10)
    answer = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(back.headers["Location"]).query))
    posted = session.post(downstream.url + "/oauth2/idpresponse", data=answer, allow_redirects=False, timeout=10)
    assert posted.status_code == 302 and posted.headers["Location"].startswith(CALLBACK + "?code="), posted.headers["Location"]
    assert f.verified(f.tokens(posted.headers["Location"])["id_token"])["cognito:username"] == "upstream_" + sub
    # Posted again, the state is spent.
    again = requests.post(downstream.url + "/oauth2/idpresponse", data=answer, allow_redirects=False, timeout=10)
    assert again.headers["Location"].startswith("/error?error=invalid_request")
    assert requests.post(downstream.url + "/oauth2/idpresponse", data=b"\xff\xfe", allow_redirects=False,
                         headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=10).status_code == 302


def test_a_providers_answer_is_taken_only_from_the_browser_that_started_the_sign_in(upstream, downstream):
    """Issue 26, item 2 (login CSRF): an attacker signs in at the provider, keeps the answer link
    (/oauth2/idpresponse?state=…&code=…) and gets a victim to open it. The victim's browser lacks the
    cookie set when the attacker's browser was sent to the provider: the answer is refused, back at the
    client's redirect URI, and nobody is signed in."""
    f = Federation(upstream, downstream)
    f.idp_user("mallory", "mallory@example.com")
    attacker = requests.Session()
    link = f.sign_in("mallory", session=attacker, follow=False)
    assert attacker.cookies.get("cognate-federation")
    victim = requests.Session()
    answer = victim.get(link, allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith(CALLBACK + "?") and "code=" not in location
    query = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)
    assert query["error"] == ["invalid_request"] and "did not start in this browser" in query["error_description"][0]
    assert "cognito=" not in answer.headers.get("Set-Cookie", "")  # no session was started
    # The state is spent: the attacker's own browser cannot use it afterwards either.
    again = attacker.get(link, allow_redirects=False, timeout=10)
    assert "code=" not in again.headers.get("Location", "")
    # A forged cookie is no better than none.
    forged = requests.Session()
    forged.cookies.set("cognate-federation", "A" * 43)
    link = f.sign_in("mallory", session=requests.Session(), follow=False)
    location = forged.get(link, allow_redirects=False, timeout=10).headers["Location"]
    assert "error=invalid_request" in location and "code=" not in location
    # The browser that started it signs in as before.
    location, _ = f.sign_in("mallory")
    assert location.startswith(CALLBACK + "?") and "code=" in location
