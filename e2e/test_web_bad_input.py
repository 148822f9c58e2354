"""Bad input to every web endpoint: broken query strings and form bodies, repeated, oversized and binary
parameters, forged CSRF tokens, unknown methods. Each answer is a page or an OAuth error, never a 5xx,
and the server stays up. Also the authorization code's lifetime: five minutes, then invalid_grant."""
import base64
import hashlib
import itertools
import random
import re
import urllib.parse
import uuid

import pytest
import requests

PASSWORD = "Str0ng-Passw0rd!"
CALLBACK = "http://localhost:3000/callback"

PAGES = ["/login", "/signup", "/confirm", "/resendcode", "/forgotPassword", "/confirmforgotPassword", "/login/challenge",
         "/passkeys/add"]
API = ["/oauth2/authorize", "/oauth2/token", "/oauth2/userInfo", "/oauth2/revoke", "/logout", "/error"]


@pytest.fixture
def client(cognito, pool):
    client = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="web", AllowedOAuthFlows=["code", "implicit"], AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthScopes=["openid", "email"], CallbackURLs=[CALLBACK], LogoutURLs=[CALLBACK])["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="bob", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool, Username="bob", Password=PASSWORD, Permanent=True)
    return client


def hostile_values(rng):
    yield from ["", "%", "%zz", "%00", "\x00", "a" * 70_000, "é" * 5000, "<script>alert(1)</script>", "{{username}}", "' OR 1=1 --",
                "../../etc/passwd", "\r\nSet-Cookie: x=1", "+%2B+", "=", "&&&", "%F0%9F"]
    for _ in range(20):
        yield "".join(chr(rng.randrange(0, 0x2FF)) for _ in range(rng.randrange(1, 60)))


def test_every_web_endpoint_answers_bad_input_without_a_server_error(server, client):
    rng = random.Random(1234)
    good = {"client_id": client, "response_type": "code", "redirect_uri": CALLBACK, "scope": "openid"}
    session = requests.Session()
    answers = 0
    for path, value in itertools.product(PAGES + API, list(hostile_values(rng))):
        for name in ("client_id", "redirect_uri", "response_type", "scope", "state", "username", "code", "grant_type", "token"):
            query = {**good, name: value}
            raw = urllib.parse.urlencode(query, safe="%") if "%" in value else urllib.parse.urlencode(query)
            got = session.get(server.url + path + "?" + raw, allow_redirects=False, timeout=10)
            assert got.status_code < 500, (path, name, value[:40], got.status_code)
            posted = session.post(server.url + path + "?" + urllib.parse.urlencode(good), data=raw.encode(), timeout=10,
                                  allow_redirects=False, headers={"Content-Type": "application/x-www-form-urlencoded"})
            assert posted.status_code < 500, (path, name, value[:40], posted.status_code)
            answers += 2
    # Bodies that are not forms at all, and methods no endpoint takes.
    for path in PAGES + API:
        for body, kind in ((b"\xff\xfe\x00garbage", "application/x-www-form-urlencoded"), (b'{"a": 1}', "application/json"),
                           (b"a=1&" * 20_000, "application/x-www-form-urlencoded"), (b"x" * (2 << 20), "text/plain")):
            got = session.post(server.url + path + "?" + urllib.parse.urlencode(good), data=body, timeout=20, allow_redirects=False,
                               headers={"Content-Type": kind})
            assert got.status_code < 500, (path, kind, got.status_code)
        for method in ("PUT", "DELETE", "PATCH"):
            assert session.request(method, server.url + path, timeout=10).status_code < 500
    assert answers > 1000
    assert requests.get(server.url + "/_cognate/health", timeout=5).ok


def test_forged_and_missing_csrf_tokens_are_refused_on_every_form(server, client):
    good = urllib.parse.urlencode({"client_id": client, "response_type": "code", "redirect_uri": CALLBACK})
    session = requests.Session()
    session.get(server.url + "/login?" + good, timeout=5)  # sets the CSRF cookie
    for path in ["/login", "/signup", "/confirm", "/resendcode", "/forgotPassword", "/confirmforgotPassword", "/login/challenge"]:
        for token in (None, "", "forged-" + uuid.uuid4().hex):
            data = {"username": "bob", "password": PASSWORD}
            if token is not None:
                data["_csrf"] = token
            answer = session.post(server.url + path + "?" + good, data=data, allow_redirects=False, timeout=5)
            assert answer.status_code == 403, (path, token, answer.status_code)
            assert "expired" in answer.text


def code_for(server, client, verifier):
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    session = requests.Session()
    params = {"client_id": client, "response_type": "code", "redirect_uri": CALLBACK, "code_challenge": challenge,
              "code_challenge_method": "S256"}
    page = session.get(server.url + "/oauth2/authorize", params=params, timeout=5)
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
    answer = session.post(page.url, data={"_csrf": csrf, "username": "bob", "password": PASSWORD}, allow_redirects=False, timeout=5)
    return re.search(r"code=([^&]+)", answer.headers["Location"]).group(1)


def test_a_code_expires_after_five_minutes_and_is_used_once(server, client, clock):
    verifier = "v" * 50
    exchange = lambda code: requests.post(server.url + "/oauth2/token", timeout=5, data={
        "grant_type": "authorization_code", "client_id": client, "code": code, "redirect_uri": CALLBACK, "code_verifier": verifier})
    code = code_for(server, client, verifier)
    clock(advanceSeconds=301)
    assert exchange(code).json() == {"error": "invalid_grant"}
    clock(offsetSeconds=0)
    fresh = code_for(server, client, verifier)
    clock(advanceSeconds=290)
    assert "access_token" in exchange(fresh).json()
    assert exchange(fresh).json() == {"error": "invalid_grant"}  # used once
