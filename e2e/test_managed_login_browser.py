"""Managed login in a real browser: Debian's chromium through Selenium signs in on Cognate's /login page,
and a real OAuth client (authlib) runs the authorization-code grant with PKCE against it; then single
sign-on, prompt=login, logout, the implicit grant, refresh, revocation, userInfo and every error of the
endpoints. Screenshots of the pages go to $COGNATE_SCREENSHOTS when it is set."""
import base64
import hashlib
import http.server
import os
import re
import threading
import urllib.parse
import uuid

import jwt
import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import chromium

PASSWORD = "Str0ng-Passw0rd!"


@pytest.fixture(scope="module")
def app_site():
    """The web app's side: http://localhost:PORT/callback and /signed-out, pages that just show their URL."""
    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"<!doctype html><title>App</title><p>app"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    yield f"http://localhost:{site.server_address[1]}"
    site.shutdown()


@pytest.fixture(scope="module")
def browser():
    driver = chromium()
    yield driver
    driver.quit()


@pytest.fixture
def web(server, cognito, pool, app_site, browser):
    forget_session(server, browser)
    client = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="web", GenerateSecret=False, AllowedOAuthFlows=["code", "implicit"],
        AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthScopes=["openid", "email", "profile"],
        CallbackURLs=[app_site + "/callback"], LogoutURLs=[app_site + "/signed-out"], SupportedIdentityProviders=["COGNITO"],
        ExplicitAuthFlows=["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"])["UserPoolClient"]
    cognito.admin_create_user(UserPoolId=pool, Username="alice", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": "alice@example.com"}, {"Name": "email_verified", "Value": "true"},
                                              {"Name": "name", "Value": "Alice"}])
    cognito.admin_set_user_password(UserPoolId=pool, Username="alice", Password=PASSWORD, Permanent=True)
    return {"client": client["ClientId"], "callback": app_site + "/callback", "signed_out": app_site + "/signed-out", "pool": pool}


def forget_session(server, browser):
    """Drops Cognate's cookies (a browser deletes only the cookies of the page it is on)."""
    browser.get(server.url + "/_cognate/health")
    browser.delete_all_cookies()


def shot(browser, name):
    folder = os.environ.get("COGNATE_SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        browser.save_screenshot(os.path.join(folder, name + ".png"))


def oauth(server, web, **kwargs):
    return OAuth2Session(web["client"], redirect_uri=web["callback"], scope="openid email profile", code_challenge_method="S256",
                         token_endpoint_auth_method="none", **kwargs)


def sign_in(browser, username, password):
    field = browser.find_element(By.NAME, "username")
    field.clear()
    field.send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(password)
    submit(browser)


def submit(browser):
    """Submits the form and waits until the next page has replaced it."""
    button = browser.find_element(By.NAME, "signInSubmitButton")
    button.click()
    WebDriverWait(browser, 10).until(lambda b: not b.find_elements(By.NAME, "signInSubmitButton") or button not in
                                     b.find_elements(By.NAME, "signInSubmitButton"))


def test_code_grant_with_pkce_through_the_login_page(server, cognito, web, browser):
    session = oauth(server, web)
    verifier = base64.urlsafe_b64encode(os.urandom(40)).rstrip(b"=").decode()
    nonce = uuid.uuid4().hex
    url, state = session.create_authorization_url(server.url + "/oauth2/authorize", code_verifier=verifier, nonce=nonce)
    browser.get(url)
    assert "/login?" in browser.current_url
    assert browser.find_element(By.CSS_SELECTOR, "label[for=signInFormUsername]").text == "Username"
    shot(browser, "login")
    sign_in(browser, "alice", "Wr0ng-Passw0rd!")
    alert = browser.find_element(By.CSS_SELECTOR, "[role=alert]")
    assert alert.text == "Incorrect username or password."
    shot(browser, "login-error")
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    submit(browser)
    assert browser.current_url.startswith(web["callback"] + "?code=")
    token = session.fetch_token(server.url + "/oauth2/token", authorization_response=browser.current_url, code_verifier=verifier,
                                state=state)
    assert token["token_type"] == "Bearer" and token["refresh_token"]
    issuer = f"{server.url}/{web['pool']}"
    discovery = requests.get(issuer + "/.well-known/openid-configuration", timeout=5).json()
    for key, path in (("authorization_endpoint", "/oauth2/authorize"), ("token_endpoint", "/oauth2/token"),
                      ("userinfo_endpoint", "/oauth2/userInfo"), ("revocation_endpoint", "/oauth2/revoke"),
                      ("end_session_endpoint", "/logout")):
        assert discovery[key] == server.url + path
    keys = jwt.PyJWKClient(f"{issuer}/.well-known/jwks.json")
    id_claims = jwt.decode(token["id_token"], keys.get_signing_key_from_jwt(token["id_token"]).key, algorithms=["RS256"],
                           audience=web["client"], issuer=issuer)
    assert id_claims["nonce"] == nonce and id_claims["email"] == "alice@example.com" and id_claims["at_hash"]
    expected_at_hash = base64.urlsafe_b64encode(hashlib.sha256(token["access_token"].encode()).digest()[:16]).rstrip(b"=").decode()
    assert id_claims["at_hash"] == expected_at_hash
    access = jwt.decode(token["access_token"], options={"verify_signature": False})
    assert access["scope"].split() == ["openid", "email", "profile"]
    info = requests.get(server.url + "/oauth2/userInfo", headers={"Authorization": "Bearer " + token["access_token"]}, timeout=5)
    assert info.json() == {"sub": id_claims["sub"], "username": "alice", "email": "alice@example.com", "email_verified": "true",
                           "name": "Alice"}
    assert info.headers["Cache-Control"].startswith("no-cache")
    # The token of a managed-login sign-in without aws.cognito.signin.user.admin does not reach GetUser.
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.get_user(AccessToken=token["access_token"])
    # The code is spent; refresh works, and revocation ends it.
    reused = requests.post(server.url + "/oauth2/token", timeout=5, data={
        "grant_type": "authorization_code", "client_id": web["client"], "code": re.search(r"code=([^&]+)", browser.current_url).group(1),
        "redirect_uri": web["callback"], "code_verifier": verifier})
    assert reused.status_code == 400 and reused.json() == {"error": "invalid_grant"}
    refreshed = requests.post(server.url + "/oauth2/token", timeout=5, data={
        "grant_type": "refresh_token", "client_id": web["client"], "refresh_token": token["refresh_token"]}).json()
    assert refreshed["access_token"] and refreshed["id_token"] and "refresh_token" not in refreshed
    assert requests.post(server.url + "/oauth2/revoke", timeout=5,
                         data={"token": token["refresh_token"], "client_id": web["client"]}).status_code == 200
    after = requests.post(server.url + "/oauth2/token", timeout=5, data={
        "grant_type": "refresh_token", "client_id": web["client"], "refresh_token": token["refresh_token"]})
    assert after.json() == {"error": "invalid_grant"}
    info = requests.get(server.url + "/oauth2/userInfo", headers={"Authorization": "Bearer " + token["access_token"]}, timeout=5)
    assert info.status_code == 401 and 'error="invalid_token"' in info.headers["WWW-Authenticate"]


def test_single_sign_on_prompt_login_and_logout(server, web, browser):
    session = oauth(server, web)
    url, _ = session.create_authorization_url(server.url + "/oauth2/authorize", code_verifier="v" * 50)
    browser.get(url)
    sign_in(browser, "alice", PASSWORD)
    assert browser.current_url.startswith(web["callback"] + "?code=")
    # A second authorize signs in without the form.
    url, _ = session.create_authorization_url(server.url + "/oauth2/authorize", code_verifier="w" * 50)
    browser.get(url)
    assert browser.current_url.startswith(web["callback"] + "?code=")
    browser.get(url + "&prompt=login")
    assert "/login?" in browser.current_url
    # Logout ends the session and goes to the registered logout URI.
    browser.get(server.url + "/logout?" + urllib.parse.urlencode({"client_id": web["client"], "logout_uri": web["signed_out"]}))
    assert browser.current_url == web["signed_out"]
    browser.get(url)
    assert "/login?" in browser.current_url


def test_implicit_grant_puts_tokens_in_the_fragment(server, web, browser):
    url = server.url + "/oauth2/authorize?" + urllib.parse.urlencode({
        "client_id": web["client"], "response_type": "token", "redirect_uri": web["callback"], "scope": "openid email",
        "state": "s1", "nonce": "n1"})
    browser.get(url)
    sign_in(browser, "alice", PASSWORD)
    fragment = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(browser.current_url).fragment))
    assert fragment["token_type"] == "Bearer" and fragment["state"] == "s1" and "refresh_token" not in fragment
    assert jwt.decode(fragment["id_token"], options={"verify_signature": False})["nonce"] == "n1"


def test_pages_escape_what_they_echo_and_refuse_forged_posts(server, web, browser):
    url = server.url + "/oauth2/authorize?" + urllib.parse.urlencode({
        "client_id": web["client"], "response_type": "code", "redirect_uri": web["callback"]})
    browser.get(url)
    sign_in(browser, '<img src=x onerror="alert(1)">', "nope")
    assert browser.find_element(By.NAME, "username").get_attribute("value") == '<img src=x onerror="alert(1)">'
    assert "<img src=x" not in browser.page_source.split("<form")[1].split('value="')[0]
    page = requests.get(browser.current_url, timeout=5)
    assert page.headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    login = urllib.parse.urlparse(browser.current_url)
    # A post with no CSRF token (another site's form) is refused and signs nobody in.
    forged = requests.post(server.url + "/login?" + login.query, data={"username": "alice", "password": PASSWORD},
                           allow_redirects=False, timeout=5)
    assert forged.status_code == 403 and "Location" not in forged.headers
    with_wrong_token = requests.post(server.url + "/login?" + login.query, data={"username": "alice", "password": PASSWORD, "_csrf": "x"},
                                     cookies={"XSRF-TOKEN": "y"}, allow_redirects=False, timeout=5)
    assert with_wrong_token.status_code == 403


def test_authorize_and_token_errors(server, web):
    def authorize(**changes):
        params = {"client_id": web["client"], "response_type": "code", "redirect_uri": web["callback"], "state": "st"}
        params.update(changes)
        params = {k: v for k, v in params.items() if v is not None}
        return requests.get(server.url + "/oauth2/authorize", params=params, allow_redirects=False, timeout=5)
    unknown = authorize(client_id="nosuchclient")
    assert unknown.status_code == 302 and unknown.headers["Location"].startswith("/error?error=redirect_mismatch")
    foreign = authorize(redirect_uri="https://evil.example.com/cb")
    assert foreign.headers["Location"] == f"/error?error=redirect_mismatch&client_id={web['client']}"
    error_page = requests.get(server.url + foreign.headers["Location"], timeout=5)
    assert error_page.status_code == 400 and "An error was encountered with the requested page." in error_page.text

    def back(response):
        location = response.headers["Location"]
        assert location.startswith(web["callback"] + "?")
        return dict(urllib.parse.parse_qsl(urllib.parse.urlparse(location).query))
    assert back(authorize(response_type=None)) == {"error": "invalid_request", "state": "st"}
    assert back(authorize(code_challenge="abc", code_challenge_method="plain"))["error"] == "invalid_request"
    assert back(authorize(scope="openid admin"))["error"] == "invalid_scope"
    assert back(authorize(scope="email"))["error"] == "invalid_scope"
    assert back(authorize(state="x" * 3000))["error"] == "invalid_request"
    token = lambda data: requests.post(server.url + "/oauth2/token", data=data, timeout=5)
    assert token({"grant_type": "authorization_code", "client_id": web["client"], "code": "nope",
                  "redirect_uri": web["callback"]}).json() == {"error": "invalid_grant"}
    assert token({"grant_type": "refresh_token", "client_id": web["client"], "refresh_token": "nope"}).json() == {"error": "invalid_grant"}
    assert token({"grant_type": "refresh_token", "client_id": web["client"]}).json() == {"error": "invalid_request"}
    assert requests.get(server.url + "/oauth2/userInfo", timeout=5).status_code == 400
    assert requests.get(server.url + "/logout", timeout=5).status_code == 400
    assert requests.get(server.url + "/logout?client_id=" + web["client"] + "&logout_uri=https://evil.example.com", timeout=5).status_code == 400


def test_wrong_pkce_verifier_and_wrong_redirect_are_refused(server, web):
    verifier = "a" * 60
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    session = requests.Session()

    def code():
        first = session.get(server.url + "/oauth2/authorize", allow_redirects=False, timeout=5, params={
            "client_id": web["client"], "response_type": "code", "redirect_uri": web["callback"], "code_challenge": challenge,
            "code_challenge_method": "S256"})
        location = first.headers["Location"]
        if location.startswith("/login"):
            form = session.get(server.url + location, timeout=5).text
            csrf = re.search(r'name="_csrf" value="([^"]+)"', form).group(1)
            location = session.post(server.url + location, data={"_csrf": csrf, "username": "alice", "password": PASSWORD},
                                    allow_redirects=False, timeout=5).headers["Location"]
        return re.search(r"code=([^&]+)", location).group(1)
    for data in ({"code_verifier": "b" * 60}, {}, {"code_verifier": verifier, "redirect_uri": web["callback"] + "/other"}):
        body = {"grant_type": "authorization_code", "client_id": web["client"], "code": code(), "redirect_uri": web["callback"]}
        body.update(data)
        assert requests.post(server.url + "/oauth2/token", data=body, timeout=5).json() == {"error": "invalid_grant"}
    body = {"grant_type": "authorization_code", "client_id": web["client"], "code": code(), "redirect_uri": web["callback"],
            "code_verifier": verifier}
    assert requests.post(server.url + "/oauth2/token", data=body, timeout=5).json()["access_token"]


def test_new_password_required_on_the_pages(server, cognito, web, browser):
    cognito.admin_create_user(UserPoolId=web["pool"], Username="newbie", TemporaryPassword="Temp-Passw0rd!1", MessageAction="SUPPRESS")
    browser.get(server.url + "/oauth2/authorize?" + urllib.parse.urlencode({
        "client_id": web["client"], "response_type": "code", "redirect_uri": web["callback"], "scope": "openid"}))
    sign_in(browser, "newbie", "Temp-Passw0rd!1")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Change password"
    shot(browser, "new-password")
    browser.find_element(By.NAME, "answer").send_keys("weak")
    submit(browser)
    assert browser.find_element(By.CSS_SELECTOR, "[role=alert]").text.startswith("Password does not conform to policy")
    browser.find_element(By.NAME, "answer").send_keys("N3w-Passw0rd!")
    submit(browser)
    assert browser.current_url.startswith(web["callback"] + "?code=")
    assert cognito.admin_get_user(UserPoolId=web["pool"], Username="newbie")["UserStatus"] == "CONFIRMED"


def test_totp_mfa_on_the_pages(server, cognito, web, browser, clock):
    import time

    import pyotp
    pool = web["pool"]
    cognito.set_user_pool_mfa_config(UserPoolId=pool, MfaConfiguration="OPTIONAL", SoftwareTokenMfaConfiguration={"Enabled": True})
    api = cognito.create_user_pool_client(UserPoolId=pool, ClientName="api", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH",
                                                                                               "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    access = cognito.initiate_auth(ClientId=api, AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD})["AuthenticationResult"]["AccessToken"]
    secret = cognito.associate_software_token(AccessToken=access)["SecretCode"]
    totp = pyotp.TOTP(secret)
    cognito.verify_software_token(AccessToken=access, UserCode=totp.now())
    cognito.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    browser.get(server.url + "/oauth2/authorize?" + urllib.parse.urlencode({
        "client_id": web["client"], "response_type": "code", "redirect_uri": web["callback"], "scope": "openid"}))
    sign_in(browser, "alice", PASSWORD)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Multi-factor authentication"
    assert browser.find_element(By.NAME, "answer").get_attribute("autocomplete") == "one-time-code"
    shot(browser, "mfa-totp")
    browser.find_element(By.NAME, "answer").send_keys("000000" if totp.now() != "000000" else "111111")
    submit(browser)
    assert browser.find_element(By.CSS_SELECTOR, "[role=alert]").text == "Invalid code or auth state for the user."
    # The code used at setup is spent: the next time step's code signs in (the server's clock moved on 30 s).
    clock(advanceSeconds=30)
    browser.find_element(By.NAME, "answer").send_keys(totp.at(time.time() + 30))
    submit(browser)
    assert browser.current_url.startswith(web["callback"] + "?code=")


def test_totp_setup_from_the_qr_code_on_the_pages(server, cognito, web, browser, clock):
    """Required MFA and no factor yet: the page shows a QR code; an authenticator (pyotp) set up from what the
    code says signs in, and the next sign-in asks for its codes."""
    import io
    import time

    import pyotp
    import zxingcpp
    from PIL import Image
    pool = web["pool"]
    cognito.set_user_pool_mfa_config(UserPoolId=pool, MfaConfiguration="ON", SoftwareTokenMfaConfiguration={"Enabled": True})
    cognito.admin_create_user(UserPoolId=pool, Username="dora", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool, Username="dora", Password=PASSWORD, Permanent=True)
    browser.get(server.url + "/oauth2/authorize?" + urllib.parse.urlencode({
        "client_id": web["client"], "response_type": "code", "redirect_uri": web["callback"], "scope": "openid"}))
    sign_in(browser, "dora", PASSWORD)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Set up an authenticator app"
    shot(browser, "mfa-setup")
    image = browser.find_element(By.ID, "totpQrCode")
    assert "authenticator" in image.get_attribute("alt")
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.screenshot_as_png)))
    assert len(decoded) == 1 and decoded[0].format == zxingcpp.BarcodeFormat.QRCode
    uri = urllib.parse.urlparse(decoded[0].text)
    query = urllib.parse.parse_qs(uri.query)
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert urllib.parse.unquote(uri.path) == f"/{query['issuer'][0]}:dora"
    secret = query["secret"][0]
    assert len(secret) == 52 and browser.find_element(By.ID, "totpSecret").text.replace(" ", "") == secret
    totp = pyotp.TOTP(secret)
    # A wrong code keeps the page, with the same key.
    browser.find_element(By.NAME, "answer").send_keys("000000" if totp.now() != "000000" else "111111")
    submit(browser)
    assert browser.find_element(By.CSS_SELECTOR, "[role=alert]").text == "Code mismatch and fail enable Software Token MFA"
    assert browser.find_element(By.ID, "totpSecret").text.replace(" ", "") == secret
    browser.find_element(By.NAME, "answer").send_keys(totp.now())
    submit(browser)
    assert browser.current_url.startswith(web["callback"] + "?code=")
    user = cognito.admin_get_user(UserPoolId=pool, Username="dora")
    assert user["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    # The next sign-in asks for a code from the new authenticator (the next time step: the setup code is spent).
    forget_session(server, browser)
    browser.get(server.url + "/oauth2/authorize?" + urllib.parse.urlencode({
        "client_id": web["client"], "response_type": "code", "redirect_uri": web["callback"], "scope": "openid"}))
    sign_in(browser, "dora", PASSWORD)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Multi-factor authentication"
    clock(advanceSeconds=30)
    browser.find_element(By.NAME, "answer").send_keys(totp.at(time.time() + 30))
    submit(browser)
    assert browser.current_url.startswith(web["callback"] + "?code=")


def test_email_mfa_the_choice_of_factor_and_lockout_on_the_pages(server, cognito, web, browser):
    import pyotp
    from conftest import outbox
    pool = web["pool"]
    cognito.update_user_pool(UserPoolId=pool, EmailConfiguration={
        "EmailSendingAccount": "DEVELOPER", "SourceArn": "arn:aws:ses:us-east-1:000000000000:identity/example.com",
        "From": "noreply@example.com"})
    cognito.set_user_pool_mfa_config(UserPoolId=pool, MfaConfiguration="OPTIONAL", SoftwareTokenMfaConfiguration={"Enabled": True},
                                     EmailMfaConfiguration={"Message": "Sign-in code {####}", "Subject": "Your code"})
    # alice has an authenticator app and email MFA, and prefers neither: the page asks which to use.
    api = cognito.create_user_pool_client(UserPoolId=pool, ClientName="api", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH",
                                                                                               "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    access = cognito.initiate_auth(ClientId=api, AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD})["AuthenticationResult"]["AccessToken"]
    secret = cognito.associate_software_token(AccessToken=access)["SecretCode"]
    cognito.verify_software_token(AccessToken=access, UserCode=pyotp.TOTP(secret).now())
    cognito.admin_set_user_mfa_preference(UserPoolId=pool, Username="alice", EmailMfaSettings={"Enabled": True, "PreferredMfa": False},
                                          SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": False})
    browser.get(server.url + "/oauth2/authorize?" + urllib.parse.urlencode({
        "client_id": web["client"], "response_type": "code", "redirect_uri": web["callback"], "scope": "openid"}))
    sign_in(browser, "alice", PASSWORD)
    assert browser.find_element(By.TAG_NAME, "legend").text == "Method"
    choices = [e.get_attribute("value") for e in browser.find_elements(By.CSS_SELECTOR, "input[name=answer][type=radio]")]
    assert sorted(choices) == ["EMAIL_OTP", "SOFTWARE_TOKEN_MFA"]
    shot(browser, "mfa-choose")
    browser.find_element(By.CSS_SELECTOR, "input[name=answer][value=EMAIL_OTP]").click()
    submit(browser)
    assert "We sent a code to a***@e***" in browser.find_element(By.CSS_SELECTOR, ".note").text
    code = outbox(server, poolId=pool)[-1]["code"]
    browser.find_element(By.NAME, "answer").send_keys("000000" if code != "000000" else "111111")
    submit(browser)
    assert browser.find_element(By.CSS_SELECTOR, "[role=alert]").text == "Invalid code or auth state for the user."
    browser.find_element(By.NAME, "answer").send_keys(code)
    submit(browser)
    assert browser.current_url.startswith(web["callback"] + "?code=")
    # Wrong passwords lock the account out on the pages as in the API.
    forget_session(server, browser)
    browser.get(server.url + "/oauth2/authorize?" + urllib.parse.urlencode({
        "client_id": web["client"], "response_type": "code", "redirect_uri": web["callback"], "scope": "openid"}))
    for _ in range(5):
        sign_in(browser, "alice", "wrong-" + PASSWORD)
        assert browser.find_element(By.ID, "loginErrorMessage").text == "Incorrect username or password."
    sign_in(browser, "alice", PASSWORD)
    assert browser.find_element(By.ID, "loginErrorMessage").text == "Password attempts exceeded"


def fill(browser, **fields):
    for name, value in fields.items():
        element = browser.find_element(By.NAME, name)
        element.clear()
        element.send_keys(value)


def test_sign_up_confirm_and_forgot_password_on_the_pages(server, cognito, app_site, browser):
    from conftest import outbox
    forget_session(server, browser)
    pool = cognito.create_user_pool(PoolName="self-" + uuid.uuid4().hex[:6], AutoVerifiedAttributes=["email"],
                                    AccountRecoverySetting={"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]})["UserPool"]["Id"]
    try:
        client = cognito.create_user_pool_client(
            UserPoolId=pool, ClientName="web", AllowedOAuthFlows=["code"], AllowedOAuthFlowsUserPoolClient=True,
            AllowedOAuthScopes=["openid", "email"], CallbackURLs=[app_site + "/callback"], SupportedIdentityProviders=["COGNITO"],
            GenerateSecret=True)["UserPoolClient"]
        authorize = server.url + "/oauth2/authorize?" + urllib.parse.urlencode({
            "client_id": client["ClientId"], "response_type": "code", "redirect_uri": app_site + "/callback", "scope": "openid email"})
        browser.get(authorize)
        browser.find_element(By.LINK_TEXT, "Sign up").click()
        assert browser.find_element(By.TAG_NAME, "h1").text == "Sign up"
        shot(browser, "signup")
        fill(browser, username="sam", email="sam@example.com", password="weak")
        submit(browser)
        assert browser.find_element(By.CSS_SELECTOR, "[role=alert]").text.startswith("Password did not conform with policy")
        fill(browser, password=PASSWORD)
        submit(browser)
        assert browser.find_element(By.TAG_NAME, "h1").text == "Confirm your account"
        assert "s***@e***" in browser.find_element(By.CSS_SELECTOR, "[role=status]").text
        shot(browser, "confirm")
        fill(browser, code="000000")
        submit(browser)
        assert browser.find_element(By.CSS_SELECTOR, "[role=alert]").text == "Invalid verification code provided, please try again."
        # A new code, and the right one confirms the account.
        browser.find_element(By.NAME, "resend").click()
        WebDriverWait(browser, 10).until(lambda b: "new code" in b.find_element(By.CSS_SELECTOR, "[role=status]").text)
        code = outbox(server, poolId=pool, recipient="sam@example.com")[-1]["code"]
        fill(browser, code=code)
        submit(browser)
        assert "Your account is confirmed" in browser.find_element(By.CSS_SELECTOR, "[role=status]").text
        fill(browser, password=PASSWORD)
        submit(browser)
        assert browser.current_url.startswith(app_site + "/callback?code=")
        # Forgot password, with a code from the outbox.
        forget_session(server, browser)
        browser.get(authorize)
        browser.find_element(By.LINK_TEXT, "Forgot your password?").click()
        fill(browser, username="sam")
        submit(browser)
        assert browser.find_element(By.TAG_NAME, "h1").text == "Reset your password"
        shot(browser, "reset-password")
        code = outbox(server, poolId=pool, recipient="sam@example.com")[-1]["code"]
        fill(browser, code=code, password="N3w-Passw0rd!")
        submit(browser)
        assert "Your password was changed" in browser.find_element(By.CSS_SELECTOR, "[role=status]").text
        fill(browser, password="N3w-Passw0rd!")
        submit(browser)
        assert browser.current_url.startswith(app_site + "/callback?code=")
    finally:
        cognito.delete_user_pool(UserPoolId=pool)


def test_a_pool_domain_serves_only_its_own_clients(server, cognito, web):
    prefix = "login-" + uuid.uuid4().hex[:8]
    cognito.create_user_pool_domain(Domain=prefix, UserPoolId=web["pool"])
    other = cognito.create_user_pool(PoolName="elsewhere")["UserPool"]["Id"]
    try:
        stranger = cognito.create_user_pool_client(
            UserPoolId=other, ClientName="web", AllowedOAuthFlows=["code"], AllowedOAuthFlowsUserPoolClient=True,
            AllowedOAuthScopes=["openid"], CallbackURLs=[web["callback"]])["UserPoolClient"]["ClientId"]
        host = f"{prefix}.auth.us-east-1.amazoncognito.com"

        def authorize(client):
            return requests.get(server.url + "/oauth2/authorize", headers={"Host": host}, allow_redirects=False, timeout=5, params={
                "client_id": client, "response_type": "code", "redirect_uri": web["callback"], "scope": "openid"})
        assert authorize(web["client"]).headers["Location"].startswith("/login?")
        assert authorize(stranger).headers["Location"].startswith("/error?error=redirect_mismatch")
    finally:
        cognito.delete_user_pool(UserPoolId=other)


# A 1x1 red PNG.
LOGO = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def test_ui_customization_is_set_read_back_and_shown_on_the_pages(server, cognito, web, browser):
    from botocore.exceptions import ClientError
    pool = web["pool"]
    with pytest.raises(ClientError) as e:
        cognito.set_ui_customization(UserPoolId=pool, CSS=".banner-customizable { background: #123456; }")
    assert e.value.response["Error"]["Message"] == "A domain must be associated with this user pool."
    prefix = "brand-" + uuid.uuid4().hex[:8]
    cognito.create_user_pool_domain(Domain=prefix, UserPoolId=pool)
    assert cognito.get_ui_customization(UserPoolId=pool)["UICustomization"] == {}
    everyone = cognito.set_ui_customization(UserPoolId=pool, CSS=".submitButton-customizable { background: rgb(11, 22, 33); }")
    assert everyone["UICustomization"]["ClientId"] == "ALL" and everyone["UICustomization"]["CSSVersion"]
    own = cognito.set_ui_customization(UserPoolId=pool, ClientId=web["client"], ImageFile=LOGO,
                                       CSS=".submitButton-customizable { background: rgb(200, 10, 20); }")["UICustomization"]
    assert own["ImageUrl"].startswith(server.url + "/ui/")
    assert requests.get(own["ImageUrl"], timeout=5).content == LOGO
    assert cognito.get_ui_customization(UserPoolId=pool, ClientId=web["client"])["UICustomization"]["CSS"] == own["CSS"]
    for bad in ({"CSS": "</style><script>alert(1)</script>"}, {"ImageFile": b"GIF89a not an image"}):
        with pytest.raises(ClientError) as e:
            cognito.set_ui_customization(UserPoolId=pool, ClientId=web["client"], **bad)
        assert e.value.response["Error"]["Code"] == "InvalidParameterException"
    browser.get(server.url + "/oauth2/authorize?" + urllib.parse.urlencode({
        "client_id": web["client"], "response_type": "code", "redirect_uri": web["callback"]}))
    button = browser.find_element(By.NAME, "signInSubmitButton")
    assert button.value_of_css_property("background-color") in ("rgba(200, 10, 20, 1)", "rgb(200, 10, 20)")
    logo = browser.find_element(By.CSS_SELECTOR, "img.logo-customizable")
    assert browser.execute_script("return arguments[0].naturalWidth", logo) == 1
    shot(browser, "login-branded")
    cognito.delete_user_pool_domain(Domain=prefix, UserPoolId=pool)


def test_terms_documents_and_their_links_on_the_sign_up_page(server, cognito, web, browser):
    from botocore.exceptions import ClientError
    pool, client = web["pool"], web["client"]
    terms = cognito.create_terms(UserPoolId=pool, ClientId=client, TermsName="terms-of-use", TermsSource="LINK", Enforcement="NONE",
                                 Links={"cognito:default": "https://example.com/terms"})["Terms"]
    assert terms["TermsName"] == "terms-of-use" and len(terms["TermsId"]) == 36 and terms["ClientId"] == client
    with pytest.raises(ClientError) as e:
        cognito.create_terms(UserPoolId=pool, ClientId=client, TermsName="terms-of-use", TermsSource="LINK", Enforcement="NONE",
                             Links={"cognito:default": "https://example.com/other"})
    assert e.value.response["Error"]["Code"] == "TermsExistsException"
    with pytest.raises(ClientError) as e:
        cognito.create_terms(UserPoolId=pool, ClientId=client, TermsName="privacy-policy", TermsSource="LINK", Enforcement="NONE",
                             Links={"cognito:default": "javascript:alert(1)"})
    assert e.value.response["Error"]["Code"] == "InvalidParameterException"
    signup = server.url + "/signup?" + urllib.parse.urlencode({"client_id": client, "response_type": "code", "redirect_uri": web["callback"]})
    browser.get(signup)
    assert not browser.find_elements(By.LINK_TEXT, "Terms of use")  # shown only once both documents exist
    privacy = cognito.create_terms(UserPoolId=pool, ClientId=client, TermsName="privacy-policy", TermsSource="LINK", Enforcement="NONE",
                                   Links={"cognito:english": "https://example.com/privacy"})["Terms"]
    browser.get(signup)
    assert browser.find_element(By.LINK_TEXT, "Terms of use").get_attribute("href") == "https://example.com/terms"
    assert browser.find_element(By.LINK_TEXT, "Privacy policy").get_attribute("href") == "https://example.com/privacy"
    assert cognito.describe_terms(UserPoolId=pool, TermsId=terms["TermsId"])["Terms"]["Links"] == {"cognito:default": "https://example.com/terms"}
    by_client = cognito.describe_terms_by_client(UserPoolId=pool, ClientId=client, TermsName="privacy-policy")["Terms"]
    assert by_client["TermsId"] == privacy["TermsId"]
    updated = cognito.update_terms(UserPoolId=pool, TermsId=terms["TermsId"], Links={"cognito:default": "https://example.com/terms-v2"})
    assert updated["Terms"]["Links"]["cognito:default"] == "https://example.com/terms-v2"
    listed = cognito.list_terms(UserPoolId=pool)["Terms"]
    assert sorted(t["TermsName"] for t in listed) == ["privacy-policy", "terms-of-use"]
    cognito.delete_terms(UserPoolId=pool, TermsId=terms["TermsId"])
    with pytest.raises(ClientError) as e:
        cognito.describe_terms(UserPoolId=pool, TermsId=terms["TermsId"])
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_the_new_password_page_asks_for_missing_required_attributes(server, cognito, app_site, browser):
    forget_session(server, browser)
    pool = cognito.create_user_pool(PoolName="required-" + uuid.uuid4().hex[:6], Schema=[
        {"Name": "name", "AttributeDataType": "String", "Required": True, "Mutable": True},
        {"Name": "family_name", "AttributeDataType": "String", "Required": True, "Mutable": True}])["UserPool"]["Id"]
    try:
        client = cognito.create_user_pool_client(
            UserPoolId=pool, ClientName="web", AllowedOAuthFlows=["code"], AllowedOAuthFlowsUserPoolClient=True,
            AllowedOAuthScopes=["openid"], CallbackURLs=[app_site + "/callback"], SupportedIdentityProviders=["COGNITO"])["UserPoolClient"]
        # An invitation without the required attributes, as AWS allows; the page asks for the missing one.
        cognito.admin_create_user(UserPoolId=pool, Username="invitee", TemporaryPassword="Temp-Passw0rd!1", MessageAction="SUPPRESS",
                                  UserAttributes=[{"Name": "family_name", "Value": "Doe"}])
        browser.get(server.url + "/oauth2/authorize?" + urllib.parse.urlencode({
            "client_id": client["ClientId"], "response_type": "code", "redirect_uri": app_site + "/callback", "scope": "openid"}))
        sign_in(browser, "invitee", "Temp-Passw0rd!1")
        assert browser.find_element(By.TAG_NAME, "h1").text == "Change password"
        field = browser.find_element(By.NAME, "userAttributes.name")
        assert browser.find_element(By.CSS_SELECTOR, "label[for=attribute-name]").text == "Name"
        assert field.get_attribute("autocomplete") == "name" and field.get_attribute("required") == "true"
        assert not browser.find_elements(By.NAME, "userAttributes.family_name")  # it has a value already
        shot(browser, "new-password-attributes")
        # Left empty, the page says what AWS says; then the name goes in with the password.
        browser.find_element(By.NAME, "answer").send_keys("N3w-Passw0rd!")
        browser.execute_script("document.querySelector('form').noValidate = true; document.getElementsByName('userAttributes.name')[0].required = false")
        submit(browser)
        assert browser.find_element(By.CSS_SELECTOR, "[role=alert]").text == "Invalid attributes given, name is missing"
        browser.find_element(By.NAME, "userAttributes.name").send_keys("Jane")
        browser.find_element(By.NAME, "answer").send_keys("N3w-Passw0rd!")
        submit(browser)
        assert browser.current_url.startswith(app_site + "/callback?code=")
        user = cognito.admin_get_user(UserPoolId=pool, Username="invitee")
        assert user["UserStatus"] == "CONFIRMED"
        assert {a["Name"]: a["Value"] for a in user["UserAttributes"]}["name"] == "Jane"
    finally:
        cognito.delete_user_pool(UserPoolId=pool)


def test_prompt_none_shows_no_page(server, web, browser):
    query = {"client_id": web["client"], "response_type": "code", "redirect_uri": web["callback"], "scope": "openid", "state": "st"}
    # Without a session: login_required at the redirect URI, with the state, and no page.
    answer = requests.get(server.url + "/oauth2/authorize", params={**query, "prompt": "none"}, allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    assert answer.headers["Location"] == web["callback"] + "?error=login_required&state=st"
    # none cannot go with another value.
    answer = requests.get(server.url + "/oauth2/authorize", params={**query, "prompt": "none login"}, allow_redirects=False, timeout=5)
    assert answer.headers["Location"] == web["callback"] + "?error=invalid_request&state=st"
    # With the browser's session: a code, without the form.
    browser.get(server.url + "/oauth2/authorize?" + urllib.parse.urlencode(query))
    sign_in(browser, "alice", PASSWORD)
    browser.get(server.url + "/oauth2/authorize?" + urllib.parse.urlencode({**query, "prompt": "none"}))
    assert browser.current_url.startswith(web["callback"] + "?code=") and "state=st" in browser.current_url


def test_the_authorize_endpoint_takes_get_only(server, web):
    answer = requests.post(server.url + "/oauth2/authorize", data={"client_id": web["client"], "response_type": "code",
                                                                   "redirect_uri": web["callback"]}, allow_redirects=False, timeout=5)
    assert answer.status_code == 405 and answer.headers["Allow"] == "GET"
