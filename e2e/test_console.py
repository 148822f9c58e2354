"""The admin console at /_cognate/console, in Debian's chromium: pools, clients and users browsed (users
searched with the ListUsers filter), a user's attributes, groups, MFA, devices and tokens, the outbox with its
codes; disable, enable, set and reset a password, sign out everywhere, delete, reset the server. Then what
keeps it safe: escaping, CSRF tokens, other sites' pages, and the sign-in with an access key once SigV4
credentials are configured. Screenshots go to $COGNATE_SCREENSHOTS when it is set."""
import re
import urllib.parse

import boto3
import pytest
import requests
from botocore.config import Config
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import REGION, Server, chromium
from test_managed_login_browser import shot

PASSWORD = "Str0ng-Passw0rd!"
CONSOLE = "/_cognate/console"


@pytest.fixture(scope="module")
def own_server(tmp_path_factory):
    """A server of this module's own: the console's reset wipes it."""
    server = Server(str(tmp_path_factory.mktemp("console") / "console.sqlite")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    driver = chromium("1200,1000")
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def seeded(own_server):
    cognito = own_server.client()
    pool = cognito.create_user_pool(PoolName="Console pool", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="web", GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]
    cognito.create_group(UserPoolId=pool, GroupName="admins", Description="People who run things", Precedence=1)
    cognito.admin_create_user(UserPoolId=pool, Username="alice", DesiredDeliveryMediums=["EMAIL"], UserAttributes=[
        {"Name": "email", "Value": "alice@example.com"}, {"Name": "email_verified", "Value": "true"},
        {"Name": "name", "Value": "<script>alert(1)</script> & Co"}])
    cognito.admin_create_user(UserPoolId=pool, Username="bob", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": "bob@example.com"}])
    cognito.admin_add_user_to_group(UserPoolId=pool, Username="alice", GroupName="admins")
    return {"cognito": cognito, "pool": pool, "client": client}


def texts(browser, selector):
    return [element.text for element in browser.find_elements(By.CSS_SELECTOR, selector)]


def table(browser, caption):
    """The rows (lists of cell texts) of the table with this caption, once the page shows it."""
    def find(_):
        for element in browser.find_elements(By.TAG_NAME, "table"):
            if element.find_element(By.TAG_NAME, "caption").text == caption:
                return [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")] for row in element.find_elements(By.CSS_SELECTOR, "tbody tr")]
        return None
    try:
        return WebDriverWait(browser, 5, ignored_exceptions=[StaleElementReferenceException]).until(find)
    except TimeoutException:
        raise AssertionError(f"no table {caption!r} on {browser.current_url}")


def wait_for(browser, selector, text):
    """Waits until an element the selector finds shows the text (a click's next page has loaded). While the
    page changes, chromium may also answer that a node it just found no longer belongs to the document: the
    wait asks again."""
    def shown(_):
        return any(text in element.text for element in browser.find_elements(By.CSS_SELECTOR, selector))
    try:
        WebDriverWait(browser, 5, ignored_exceptions=[StaleElementReferenceException, WebDriverException]).until(shown)
    except TimeoutException:
        raise AssertionError(f"{text!r} not shown in {selector} on {browser.current_url}: " + browser.find_element(By.TAG_NAME, "main").text[:300])


def assert_accessible(browser):
    """Every visible control has a label, every table a caption, one h1, the language is set, and the
    headings do not skip a level."""
    problems = browser.execute_script("""
        const out = [];
        for (const input of document.querySelectorAll('input:not([type=hidden])')) {
          const labelled = input.labels.length > 0 || input.getAttribute('aria-label') || input.getAttribute('aria-labelledby');
          if (!labelled) out.push('unlabelled input ' + (input.name || input.id));
        }
        for (const button of document.querySelectorAll('button')) if (!button.textContent.trim()) out.push('empty button');
        for (const table of document.querySelectorAll('table')) if (!table.querySelector('caption')) out.push('table without caption');
        if (document.querySelectorAll('h1').length !== 1) out.push('not one h1');
        if (!document.documentElement.lang) out.push('no lang');
        let last = 0;
        for (const h of document.querySelectorAll('h1, h2, h3')) {
          const level = Number(h.tagName[1]);
          if (level > last + 1) out.push('heading skips to ' + h.tagName);
          last = level;
        }
        return out;
    """)
    assert problems == [], (browser.current_url, problems)


def submit(browser, action):
    browser.find_element(By.CSS_SELECTOR, f"button[name=action][value={action}]").click()


def test_browse_search_and_administer_a_user(own_server, seeded, browser):
    cognito, pool = seeded["cognito"], seeded["pool"]
    browser.get(own_server.url + CONSOLE)
    assert browser.title == "User pools · Cognate console"
    assert_accessible(browser)
    assert ["Console pool", pool] == table(browser, "User pools")[0][:2]
    shot(browser, "console-home")
    browser.find_element(By.LINK_TEXT, "Console pool").click()

    # The pool: its settings, app clients, groups and users.
    wait_for(browser, "h1", "Console pool")
    assert_accessible(browser)
    assert table(browser, "App clients") == [["web", seeded["client"]["ClientId"]]]
    assert table(browser, "Groups")[0][:3] == ["admins", "People who run things", "1"]
    assert sorted(row[0] for row in table(browser, "All users")) == ["alice", "bob"]
    shot(browser, "console-pool")

    # Searching with the ListUsers filter.
    field = browser.find_element(By.ID, "filter")
    field.send_keys('email ^= "ali"')
    browser.find_element(By.CSS_SELECTOR, "form.search button").click()
    assert [row[0] for row in table(browser, 'Users matching email ^= "ali"')] == ["alice"]
    assert table(browser, 'Users matching email ^= "ali"')[0][2] == "FORCE_CHANGE_PASSWORD"
    browser.get(own_server.url + f"{CONSOLE}/pools/{pool}?filter=" + urllib.parse.quote('nickname = "x"'))
    wait_for(browser, "[role=alert]", "InvalidParameterException")

    # The app client, its secret shown only on demand.
    browser.get(own_server.url + f"{CONSOLE}/pools/{pool}")
    browser.find_element(By.LINK_TEXT, "web").click()
    wait_for(browser, "h1", "web")
    secret = browser.find_element(By.CSS_SELECTOR, "details code")
    assert not secret.is_displayed()
    browser.find_element(By.CSS_SELECTOR, "details summary").click()
    assert secret.text == seeded["client"]["ClientSecret"]
    assert_accessible(browser)

    # The user: attributes (escaped: shown as text, never run), groups, and the invitation in the outbox.
    browser.get(own_server.url + f"{CONSOLE}/pools/{pool}")
    browser.find_element(By.LINK_TEXT, "alice").click()
    wait_for(browser, "h1", "alice")
    assert_accessible(browser)
    assert ["name", "<script>alert(1)</script> & Co"] in table(browser, "Attributes")
    assert browser.find_elements(By.TAG_NAME, "script") == []
    assert table(browser, "Groups") == [["admins", "1"]]
    invitation = table(browser, "Messages sent to alice")[0]
    assert invitation[1:4] == ["EMAIL", "alice@example.com", "invitation"] and invitation[4]
    assert table(browser, "Refresh tokens") == [["No refresh tokens: the user has not signed in."]]
    shot(browser, "console-user")

    # Disable, then enable.
    submit(browser, "disable")
    wait_for(browser, "[role=status]", "User disabled")
    assert cognito.admin_get_user(UserPoolId=pool, Username="alice")["Enabled"] is False
    submit(browser, "enable")
    wait_for(browser, "[role=status]", "User enabled")
    assert cognito.admin_get_user(UserPoolId=pool, Username="alice")["Enabled"] is True

    # A password the policy refuses is the API's error; a good permanent one confirms the user.
    browser.find_element(By.ID, "newPassword").send_keys("short")
    submit(browser, "set-password")
    wait_for(browser, "[role=alert]", "InvalidPasswordException")
    browser.find_element(By.ID, "newPassword").send_keys(PASSWORD)
    submit(browser, "set-password")
    wait_for(browser, "[role=status]", "Password set")
    assert cognito.admin_get_user(UserPoolId=pool, Username="alice")["UserStatus"] == "CONFIRMED"

    # A sign-in shows its refresh token; signing out everywhere revokes it.
    tokens = cognito.admin_initiate_auth(
        UserPoolId=pool, ClientId=seeded["client"]["ClientId"], AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD, "SECRET_HASH": secret_hash(seeded["client"], "alice")})
    assert tokens["AuthenticationResult"]["RefreshToken"]
    browser.refresh()
    assert [row[:2] for row in table(browser, "Refresh tokens")] == [[seeded["client"]["ClientId"], "live"]]
    submit(browser, "sign-out")
    wait_for(browser, "[role=status]", "Signed out everywhere")
    assert [row[1] for row in table(browser, "Refresh tokens")] == ["revoked"]

    # With session tracking on, the user's sessions are listed, and one can be revoked.
    assert table(browser, "Sessions") == [["No sessions (session tracking is off for the pool, or the user has none)."]]
    cognito.set_user_pool_session_configuration(UserPoolId=pool, UserSessionTracking="ENABLED", TokenSession={"MaxPerUser": 20})
    signed_in = [cognito.admin_initiate_auth(
        UserPoolId=pool, ClientId=seeded["client"]["ClientId"], AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD, "SECRET_HASH": secret_hash(seeded["client"], "alice")}
    )["AuthenticationResult"] for _ in range(2)]
    browser.refresh()
    rows = table(browser, "Sessions")
    assert len(rows) == 2 and all(row[0].startswith("tkn") and row[1] == "TOKEN" for row in rows)
    assert_accessible(browser)
    Select(browser.find_element(By.ID, "sessionId")).select_by_value(rows[0][0])
    submit(browser, "revoke-session")
    wait_for(browser, "[role=status]", "Session revoked")
    assert [row[0] for row in table(browser, "Sessions")] == [rows[1][0]]
    assert len(cognito.admin_list_user_sessions(UserPoolId=pool, Username="alice")["Sessions"]) == 1
    assert signed_in[0]["AccessToken"]
    cognito.set_user_pool_session_configuration(UserPoolId=pool, UserSessionTracking="DISABLED", TokenSession={"MaxPerUser": 20})

    # Resetting the password sends a code, which the user's messages and the outbox show.
    submit(browser, "reset-password")
    wait_for(browser, "[role=status]", "Password reset")
    assert cognito.admin_get_user(UserPoolId=pool, Username="alice")["UserStatus"] == "RESET_REQUIRED"
    reset = table(browser, "Messages sent to alice")[0]
    assert re.fullmatch(r"\d{6}", reset[4])
    browser.find_element(By.LINK_TEXT, "Outbox").click()
    assert_accessible(browser)
    assert table(browser, "The newest 200 messages")[0][1] == "alice"
    assert table(browser, "The newest 200 messages")[0][5] == reset[4]
    shot(browser, "console-outbox")

    # Deleting needs the box ticked: the browser asks for it, and the server checks it too.
    browser.get(own_server.url + f"{CONSOLE}/pools/{pool}/user?username=bob")
    submit(browser, "delete")
    assert browser.current_url.endswith("username=bob")  # the unticked box kept the form from being sent
    browser.find_element(By.CSS_SELECTOR, "input[name=confirm]").click()
    submit(browser, "delete")
    wait_for(browser, "[role=status]", "User bob deleted")
    assert [row[0] for row in table(browser, "All users")] == ["alice"]


def test_reset_the_server(own_server, seeded, browser):
    browser.get(own_server.url + CONSOLE)
    browser.find_element(By.CSS_SELECTOR, "form[action$=reset] input[name=confirm]").click()
    browser.find_element(By.CSS_SELECTOR, "form[action$=reset] button").click()
    wait_for(browser, "[role=status]", "The server was reset")
    assert table(browser, "User pools") == [["No user pools yet: create one with CreateUserPool or a seed file."]]
    assert seeded["cognito"].list_user_pools(MaxResults=10)["UserPools"] == []


def secret_hash(client, username):
    import base64
    import hashlib
    import hmac
    digest = hmac.new(client["ClientSecret"].encode(), (username + client["ClientId"]).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def csrf_session(url):
    """A session holding the console's CSRF cookie, and the token of its forms."""
    session = requests.Session()
    page = session.get(url + CONSOLE, timeout=5)
    return session, re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)


def test_forms_need_their_csrf_token_and_this_origin(server, cognito, pool):
    cognito.admin_create_user(UserPoolId=pool, Username="carol", MessageAction="SUPPRESS")
    action = f"{server.url}{CONSOLE}/pools/{pool}/user"
    session, token = csrf_session(server.url)
    form = {"action": "disable", "username": "carol"}
    # No token, a token of another cookie, a cross-site page's POST: refused, nothing changed.
    assert session.post(action, data=form, timeout=5, allow_redirects=False).status_code == 403
    assert session.post(action, data={**form, "_csrf": "x" * 43}, timeout=5, allow_redirects=False).status_code == 403
    assert requests.post(action, data={**form, "_csrf": token}, timeout=5, allow_redirects=False).status_code == 403
    refused = session.post(action, data={**form, "_csrf": token}, headers={"Origin": "https://evil.example"}, timeout=5, allow_redirects=False)
    assert refused.status_code == 403 and "cross-origin" in refused.text
    refused = session.post(action, data={**form, "_csrf": token}, headers={"Sec-Fetch-Site": "cross-site"}, timeout=5, allow_redirects=False)
    assert refused.status_code == 403
    assert cognito.admin_get_user(UserPoolId=pool, Username="carol")["Enabled"] is True
    # The console's own form works, and answers with a redirect to the user's page.
    done = session.post(action, data={**form, "_csrf": token}, headers={"Origin": server.url}, timeout=5, allow_redirects=False)
    assert done.status_code == 303 and done.headers["Location"].endswith("username=carol&done=disabled")
    assert cognito.admin_get_user(UserPoolId=pool, Username="carol")["Enabled"] is False
    # The server checks the deletion's box, whatever the browser does.
    kept = session.post(action, data={"action": "delete", "username": "carol", "_csrf": token}, timeout=5, allow_redirects=False)
    assert kept.status_code == 400 and "Tick the box" in kept.text
    assert cognito.admin_get_user(UserPoolId=pool, Username="carol")
    # Unknown actions, pools and users are clear answers.
    assert session.post(action, data={"action": "explode", "username": "carol", "_csrf": token}, timeout=5).status_code == 400
    assert session.get(f"{server.url}{CONSOLE}/pools/us-east-1_Nope/user?username=x", timeout=5).status_code == 404
    assert session.get(f"{server.url}{CONSOLE}/pools/{pool}/user?username=nobody", timeout=5).status_code == 404
    missing = session.get(f"{server.url}{CONSOLE}/pools/us-east-1_Nope", timeout=5)
    assert missing.status_code == 404 and "ResourceNotFoundException" in missing.text


def test_pages_are_safe_to_show(server):
    answer = requests.get(server.url + CONSOLE, timeout=5)
    assert answer.status_code == 200
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
    assert "script-src" not in answer.headers["Content-Security-Policy"]
    assert answer.headers["Cache-Control"] == "no-store"
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/_cognate/console" in cookie
    # A name that a rebound DNS answer could give is refused, as at the test endpoints.
    port = server.url.rsplit(":", 1)[1]
    rebound = requests.get(server.url + CONSOLE, headers={"Host": f"evil.example:{port}"}, timeout=5)
    assert rebound.status_code == 403


def test_without_the_test_endpoints_or_credentials_there_is_no_console(tmp_path):
    server = Server(str(tmp_path / "closed.sqlite"), extra_args=["--no-test-endpoints"]).start()
    try:
        assert requests.get(server.url + CONSOLE, timeout=5).status_code == 404
    finally:
        server.stop()


KEY_ID, SECRET = "AKIDCONSOLE", "console/secret+key"


@pytest.fixture(scope="module")
def signed_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("console-signed")
    (folder / "credentials").write_text(f"[admin]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n")
    server = Server(str(folder / "signed.sqlite"), extra_args=["--credentials", str(folder / "credentials"), "--no-test-endpoints"]).start()
    yield server
    server.stop()


def test_with_credentials_an_administrator_signs_in(signed_server, browser):
    cognito = boto3.client("cognito-idp", endpoint_url=signed_server.url, region_name=REGION, aws_access_key_id=KEY_ID,
                           aws_secret_access_key=SECRET, config=Config(retries={"max_attempts": 1}))
    pool = cognito.create_user_pool(PoolName="Signed pool")["UserPool"]["Id"]
    browser.get(signed_server.url + CONSOLE)
    browser.delete_all_cookies()
    browser.get(signed_server.url + CONSOLE)
    assert browser.current_url.endswith(CONSOLE + "/signin")
    assert_accessible(browser)
    shot(browser, "console-sign-in")
    # A wrong secret is refused.
    browser.find_element(By.ID, "accessKeyId").send_keys(KEY_ID)
    browser.find_element(By.ID, "secretAccessKey").send_keys("not-the-secret")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, "[role=alert]", "not one this server accepts")
    browser.find_element(By.ID, "accessKeyId").send_keys(KEY_ID)
    browser.find_element(By.ID, "secretAccessKey").send_keys(SECRET)
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert table(browser, "User pools")[0][:2] == ["Signed pool", pool]
    assert browser.current_url.endswith(CONSOLE)
    # Without the test endpoints there is no outbox and no reset.
    assert texts(browser, "header nav a") == ["User pools"]
    assert browser.find_elements(By.CSS_SELECTOR, "form[action$=reset]") == []
    assert requests.get(signed_server.url + CONSOLE + "/outbox", timeout=5, allow_redirects=False).status_code == 303
    # A session cookie that is not the server's is no session.
    session_cookie = browser.get_cookie("cognate_console")["value"]
    forged = session_cookie.rsplit(".", 1)[0] + ".AAAA"
    answer = requests.get(signed_server.url + CONSOLE, cookies={"cognate_console": forged}, timeout=5, allow_redirects=False)
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/signin")
    answer = requests.get(signed_server.url + CONSOLE, cookies={"cognate_console": session_cookie}, timeout=5, allow_redirects=False)
    assert answer.status_code == 200
    # Signing out ends the browser's session.
    browser.find_element(By.CSS_SELECTOR, "header form button").click()
    wait_for(browser, "h1", "Sign in")
    browser.get(signed_server.url + CONSOLE)
    assert browser.current_url.endswith(CONSOLE + "/signin")
