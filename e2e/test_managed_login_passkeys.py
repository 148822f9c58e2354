"""Choice-based sign-in and passkeys on the managed login (version 2) pages, in chromium with Chrome's virtual
authenticator: the username first, then the user's factors (password, a code by email, a passkey), and a
passkey made at /passkeys/add and used to sign in. The code each sign-in returns is exchanged by authlib."""
import urllib.parse
import uuid

import jwt
import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from selenium.webdriver.common.by import By
from selenium.webdriver.common.virtual_authenticator import Protocol, Transport, VirtualAuthenticatorOptions
from selenium.webdriver.support.ui import WebDriverWait

from conftest import chromium, outbox
from test_managed_login_browser import app_site, shot  # noqa: F401 (fixture)

PASSWORD = "Str0ng-Passw0rd!"


@pytest.fixture(scope="module")
def local(server):
    """Cognate as http://localhost:PORT: a passkey's relying party is a host name, never an IP address."""
    return server.url.replace("127.0.0.1", "localhost")


@pytest.fixture(scope="module")
def browser(local):
    driver = chromium()
    driver.get(local + "/_cognate/health")
    driver.add_virtual_authenticator(VirtualAuthenticatorOptions(
        protocol=Protocol.CTAP2, transport=Transport.INTERNAL, has_resident_key=True, has_user_verification=True,
        is_user_consenting=True, is_user_verified=True))
    yield driver
    driver.quit()


@pytest.fixture
def site(server, cognito, app_site, browser, local):
    pool = cognito.create_user_pool(
        PoolName="choice-" + uuid.uuid4().hex[:6],
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN", "EMAIL_OTP"]}})["UserPool"]["Id"]
    cognito.set_user_pool_mfa_config(UserPoolId=pool, WebAuthnConfiguration={"RelyingPartyId": "localhost", "UserVerification": "required"})
    prefix = "choice-" + uuid.uuid4().hex[:8]
    cognito.create_user_pool_domain(Domain=prefix, UserPoolId=pool, ManagedLoginVersion=2)
    client = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="web", AllowedOAuthFlows=["code"], AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthScopes=["openid", "email"], CallbackURLs=[app_site + "/callback"])["UserPoolClient"]["ClientId"]
    cognito.create_managed_login_branding(UserPoolId=pool, ClientId=client, UseCognitoProvidedValues=True)
    cognito.admin_create_user(UserPoolId=pool, Username="paula", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": "paula@example.com"}, {"Name": "email_verified", "Value": "true"}])
    cognito.admin_set_user_password(UserPoolId=pool, Username="paula", Password=PASSWORD, Permanent=True)
    browser.get(local + "/_cognate/health")
    browser.delete_all_cookies()
    yield {"pool": pool, "client": client, "callback": app_site + "/callback", "prefix": prefix}
    cognito.delete_user_pool_domain(Domain=prefix, UserPoolId=pool)
    cognito.delete_user_pool(UserPoolId=pool)


def authorize(browser, local, site):
    session = OAuth2Session(site["client"], redirect_uri=site["callback"], scope="openid email", token_endpoint_auth_method="none")
    url, _ = session.create_authorization_url(local + "/oauth2/authorize")
    browser.get(url)
    return session


def press(browser, name="signInSubmitButton"):
    button = browser.find_element(By.NAME, name)
    button.click()
    WebDriverWait(browser, 10).until(lambda b: not b.find_elements(By.NAME, name) or button not in b.find_elements(By.NAME, name))


def choose(browser, factor):
    browser.find_element(By.CSS_SELECTOR, f"input[name=answer][value={factor}]").click()
    press(browser)


def options_shown(browser):
    return [e.get_attribute("value") for e in browser.find_elements(By.CSS_SELECTOR, "input[name=answer][type=radio]")]


def sign_in_with_the_password(server, browser, local, site):
    session = authorize(browser, local, site)
    browser.find_element(By.NAME, "username").send_keys("paula")
    press(browser)
    choose(browser, "PASSWORD")
    browser.find_element(By.NAME, "answer").send_keys(PASSWORD)
    press(browser)
    return signed_in(server, browser, session, site)


def signed_in(server, browser, session, site):
    WebDriverWait(browser, 10).until(lambda b: b.current_url.startswith(site["callback"]))
    tokens = session.fetch_token(server.url + "/oauth2/token", authorization_response=browser.current_url)
    return jwt.decode(tokens["id_token"], options={"verify_signature": False})


def test_choice_based_sign_in_with_a_password_and_an_email_code(server, browser, local, site):
    session = authorize(browser, local, site)
    assert not browser.find_elements(By.NAME, "password")  # the username first
    browser.find_element(By.NAME, "username").send_keys("paula")
    press(browser)
    assert options_shown(browser) == ["PASSWORD", "EMAIL_OTP"]  # no passkey yet
    shot(browser, "choose-factor")
    choose(browser, "PASSWORD")
    browser.find_element(By.NAME, "answer").send_keys("wrong-" + PASSWORD)
    press(browser)
    assert browser.find_element(By.CSS_SELECTOR, "[role=alert]").text == "Incorrect username or password."
    browser.find_element(By.NAME, "username").clear()
    browser.find_element(By.NAME, "username").send_keys("paula")
    press(browser)
    choose(browser, "PASSWORD")
    browser.find_element(By.NAME, "answer").send_keys(PASSWORD)
    press(browser)
    assert signed_in(server, browser, session, site)["cognito:username"] == "paula"
    # A code by email.
    browser.delete_all_cookies()
    session = authorize(browser, local, site)
    browser.find_element(By.NAME, "username").send_keys("paula")
    press(browser)
    choose(browser, "EMAIL_OTP")
    code = outbox(server, poolId=site["pool"])[-1]["code"]
    browser.find_element(By.NAME, "answer").send_keys(code)
    press(browser)
    assert signed_in(server, browser, session, site)["email"] == "paula@example.com"


def test_a_passkey_added_at_passkeys_add_signs_in(server, cognito, browser, local, site):
    add = local + "/passkeys/add?" + urllib.parse.urlencode({"client_id": site["client"], "redirect_uri": site["callback"]})
    # Not signed in: sign in first.
    assert requests.get(add, allow_redirects=False, timeout=5).headers["Location"].startswith("/login?")
    sign_in_with_the_password(server, browser, local, site)
    # Signed in: the page makes a passkey with the browser's authenticator.
    # Its one script runs by a nonce of this response; nothing else may run. (Each visit starts a new
    # registration, so the browser's visit comes last.)
    page = requests.get(add, cookies={c["name"]: c["value"] for c in browser.get_cookies()}, timeout=5)
    policy = page.headers["Content-Security-Policy"]
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in page.text and page.text.count("<script") == 1 and "unsafe-inline" not in policy.split("script-src")[1]
    browser.get(add)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Add a passkey"
    shot(browser, "passkey-add")
    press(browser)
    WebDriverWait(browser, 10).until(lambda b: b.current_url.startswith(site["callback"]))
    user = cognito.admin_get_user(UserPoolId=site["pool"], Username="paula")
    assert user["Username"] == "paula"
    # Sign in again, with the passkey this time.
    browser.delete_all_cookies()
    session = authorize(browser, local, site)
    browser.find_element(By.NAME, "username").send_keys("paula")
    press(browser)
    assert "WEB_AUTHN" in options_shown(browser)
    choose(browser, "WEB_AUTHN")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Sign in with a passkey"
    shot(browser, "passkey-sign-in")
    press(browser)
    claims = signed_in(server, browser, session, site)
    assert claims["cognito:username"] == "paula"


def test_passkey_pages_refuse_forged_answers_and_need_managed_login(server, cognito, browser, local, site):
    # A forged credential on the sign-in page: back to the username, with the API's message.
    sign_in_with_the_password(server, browser, local, site)
    add = local + "/passkeys/add?" + urllib.parse.urlencode({"client_id": site["client"], "redirect_uri": site["callback"]})
    browser.get(add)
    script = browser.find_element(By.TAG_NAME, "script")
    nonce = script.get_attribute("nonce")
    assert nonce and browser.execute_script("return document.getElementById('passkeyForm').dataset.ceremony") == "create"
    # The page's form with a made-up credential is refused, and the page is shown again.
    browser.execute_script("document.getElementById('passkeyAnswer').value = '{\"id\": \"x\", \"response\": {}}';"
                           "document.getElementById('passkeyForm').submit();")
    WebDriverWait(browser, 10).until(lambda b: b.find_elements(By.CSS_SELECTOR, "p.alert[role=alert]:not([hidden])"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Add a passkey"
    # On the classic pages (version 1) the choice is not offered, and there is no /passkeys/add.
    cognito.update_user_pool_domain(Domain=site["prefix"], UserPoolId=site["pool"], ManagedLoginVersion=1)
    browser.get(add)
    assert "ManagedLoginVersion must be 2" in browser.find_element(By.TAG_NAME, "body").text
    browser.delete_all_cookies()
    authorize(browser, local, site)
    assert browser.find_elements(By.NAME, "password")
