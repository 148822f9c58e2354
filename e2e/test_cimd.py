"""Client ID metadata documents (CIMD): the seven operations, and an OAuth client that names itself by the
https URL of its metadata document — served by an HTTPS server this test starts, whose certificate Cognate
trusts through --ca-file — signing in with code + PKCE through the managed login in Chromium. Then every
refusal: no policy, a document that is invalid (client_id, a secret auth method, too large, not JSON), a
redirect, an error status, a redirect URI it does not register, and a special-use address on a server that
does not run on loopback."""
import base64
import datetime
import hashlib
import html
import http.server
import json
import os
import re
import ssl
import subprocess
import threading
import urllib.parse
import uuid

import boto3
import jwt
import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from botocore.config import Config
from selenium.webdriver.common.by import By

from conftest import Server, refused
from test_managed_login_browser import PASSWORD, app_site, browser, forget_session, shot, sign_in  # noqa: F401 (fixtures)


class Documents:
    """An HTTPS server of client metadata documents: `put(path, body, status=200, headers={})`."""

    def __init__(self, folder):
        self.cert = str(folder / "docs-cert.pem")
        key = str(folder / "docs-key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", self.cert],
                       check=True, capture_output=True)
        self.routes = {}
        self.hits = {}
        documents = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                documents.hits[self.path] = documents.hits.get(self.path, 0) + 1
                status, headers, body = documents.routes.get(self.path, (404, {}, b"not here"))
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, key)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.base = f"https://localhost:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def put(self, path, body, status=200, headers=None):
        if not isinstance(body, bytes):
            body = json.dumps(body).encode()
        self.routes[path] = (status, headers or {}, body)
        return self.base + path


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    d = Documents(tmp_path_factory.mktemp("cimd-docs"))
    yield d
    d.httpd.shutdown()


@pytest.fixture(scope="module")
def cimd(tmp_path_factory, docs):
    """Cognate on loopback (the default), so documents on loopback are fetched, trusting the documents' certificate."""
    s = Server(str(tmp_path_factory.mktemp("cimd") / "cimd.sqlite"), extra_args=["--ca-file", docs.cert]).start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def exposed(tmp_path_factory, docs):
    """Cognate listening on every interface, without --allow-local-providers: no special-use address is fetched."""
    s = Server(str(tmp_path_factory.mktemp("cimd-exposed") / "exposed.sqlite"),
               extra_args=["--ca-file", docs.cert, "--host", "0.0.0.0"]).start()
    yield s
    s.stop()


def make_pool(cognito, callback, **client_options):
    pool = cognito.create_user_pool(PoolName="cimd-" + uuid.uuid4().hex[:6])["UserPool"]["Id"]
    options = dict(AllowedOAuthFlows=["code"], AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthScopes=["openid", "email", "profile"],
                   CallbackURLs=["https://registered.example.com/cb"], SupportedIdentityProviders=["COGNITO"])
    options.update(client_options)
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="agents", **options)["UserPoolClient"]["ClientId"]
    return pool, client


def document(url, callback, **changes):
    body = {"client_id": url, "client_name": "Agent A", "redirect_uris": [callback], "token_endpoint_auth_method": "none",
            "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"], "scope": "openid email"}
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def authorize(server, client_id, redirect_uri, **extra):
    params = {"client_id": client_id, "response_type": "code", "redirect_uri": redirect_uri, "scope": "openid",
              "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256", **extra}
    return requests.get(server.url + "/oauth2/authorize", params=params, allow_redirects=False, timeout=10)


def refusal(answer):
    """The error and reason of an authorize request refused on Cognate's error page (shown at once, never
    through a redirect that would carry the reason in a URL anyone could forge)."""
    assert answer.status_code == 400, (answer.status_code, answer.headers.get("Location"))
    detail = re.search(r'<p class="note" id="errorDetail">(.*?)</p>', answer.text, re.S)
    assert detail, answer.text
    error, _, reason = html.unescape(detail.group(1)).partition(": ")
    return error, reason


def test_the_policy_operations(cimd):
    cognito = cimd.client()
    pool, client = make_pool(cognito, None)
    created = cognito.create_cimd_policy(UserPoolId=pool, ClientId=client, PolicyName="MCP agents",
                                         URLPatterns=["https://agents.example.com/*"])["CIMDPolicy"]
    policy = created["CIMDPolicyId"]
    assert policy.isalnum() and policy == policy.lower()
    assert created["UserPoolId"] == pool and created["ClientId"] == client and created["PolicyName"] == "MCP agents"
    assert created["CacheDuration"] == 86400 and created["URLPatterns"] == ["https://agents.example.com/*"]
    assert created["CreationDate"] == created["LastModifiedDate"]
    assert cognito.describe_cimd_policy(UserPoolId=pool, CIMDPolicyId=policy)["CIMDPolicy"] == created
    # The model's constraints (checked by Cognate, boto3's own check off), and Cognate's reading of a pattern: a
    # host and a path.
    unchecked = boto3.client("cognito-idp", endpoint_url=cimd.url, region_name="us-east-1", aws_access_key_id="AKIDTEST",
                             aws_secret_access_key="secret", config=Config(parameter_validation=False, retries={"max_attempts": 1}))
    for patterns in ([], ["http://agents.example.com/*"], ["https://agents.example.com"], ["https://agents.example.com/a b"],
                     ["https://a.example.com/*"] * 2, [f"https://a{i}.example.com/*" for i in range(6)]):
        assert refused(unchecked.create_cimd_policy, UserPoolId=pool, ClientId=client, PolicyName="x",
                       URLPatterns=patterns)[0] == "InvalidParameterException", patterns
    assert refused(unchecked.create_cimd_policy, UserPoolId=pool, ClientId=client, PolicyName="x", CacheDuration=3600,
                   URLPatterns=["https://agents.example.com/*"])[0] == "InvalidParameterException"
    assert refused(cognito.create_cimd_policy, UserPoolId=pool, ClientId="nosuchclient", PolicyName="x",
                   URLPatterns=["https://agents.example.com/*"])[0] == "ResourceNotFoundException"
    assert refused(cognito.describe_cimd_policy, UserPoolId=pool, CIMDPolicyId="nosuchpolicy")[0] == "ResourceNotFoundException"
    assert refused(cognito.describe_cimd_policy, UserPoolId="us-east-1_nosuch", CIMDPolicyId=policy)[0] == "ResourceNotFoundException"
    # Update: ClientId and URLPatterns replaced, a name or duration left out kept.
    updated = cognito.update_cimd_policy(UserPoolId=pool, CIMDPolicyId=policy, ClientId=client, CacheDuration=172800,
                                         URLPatterns=["https://agents.example.com/*", "https://*.tools.example.com/*"])["CIMDPolicy"]
    assert updated["PolicyName"] == "MCP agents" and updated["CacheDuration"] == 172800 and len(updated["URLPatterns"]) == 2
    assert updated["CreationDate"] == created["CreationDate"]
    # List: summaries without the patterns, paginated.
    second = cognito.create_cimd_policy(UserPoolId=pool, ClientId=client, PolicyName="second",
                                        URLPatterns=["https://second.example.com/*"])["CIMDPolicy"]["CIMDPolicyId"]
    page = cognito.list_cimd_policies(UserPoolId=pool, MaxResults=1)
    assert len(page["CIMDPolicies"]) == 1 and "NextToken" in page and "URLPatterns" not in page["CIMDPolicies"][0]
    rest = cognito.list_cimd_policies(UserPoolId=pool, MaxResults=1, NextToken=page["NextToken"])
    assert {p["CIMDPolicyId"] for p in page["CIMDPolicies"] + rest["CIMDPolicies"]} == {policy, second}
    assert refused(cognito.list_cimd_policies, UserPoolId=pool, NextToken="forged")[0] == "InvalidParameterException"
    # A policy outlives its app client, which DescribeCIMDPolicy then leaves out.
    cognito.delete_user_pool_client(UserPoolId=pool, ClientId=client)
    assert "ClientId" not in cognito.describe_cimd_policy(UserPoolId=pool, CIMDPolicyId=policy)["CIMDPolicy"]
    assert all("ClientId" not in p for p in cognito.list_cimd_policies(UserPoolId=pool)["CIMDPolicies"])
    # The cache operations on a URL nothing was cached for.
    assert cognito.list_client_metadata_urls(UserPoolId=pool, CIMDPolicyId=policy)["ClientMetadataURLs"] == []
    for action in ("REFRESH", "INVALIDATE"):
        assert refused(cognito.update_client_metadata_url_state, UserPoolId=pool, CIMDPolicyId=policy,
                       URL="https://agents.example.com/a", Action=action)[0] == "CachedCIMDURLDoesNotExistException"
    cognito.delete_cimd_policy(UserPoolId=pool, CIMDPolicyId=second)
    assert refused(cognito.delete_cimd_policy, UserPoolId=pool, CIMDPolicyId=second)[0] == "ResourceNotFoundException"
    # At most 20 policies a pool; none on the Lite plan.
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="again")["UserPoolClient"]["ClientId"]
    for i in range(19):
        cognito.create_cimd_policy(UserPoolId=pool, ClientId=client, PolicyName=f"p{i}", URLPatterns=[f"https://p{i}.example.com/*"])
    assert refused(cognito.create_cimd_policy, UserPoolId=pool, ClientId=client, PolicyName="one too many",
                   URLPatterns=["https://more.example.com/*"])[0] == "LimitExceededException"
    lite = cognito.create_user_pool(PoolName="cimd-lite", UserPoolTier="LITE")["UserPool"]["Id"]
    lite_client = cognito.create_user_pool_client(UserPoolId=lite, ClientName="c")["UserPoolClient"]["ClientId"]
    assert refused(cognito.create_cimd_policy, UserPoolId=lite, ClientId=lite_client, PolicyName="x",
                   URLPatterns=["https://agents.example.com/*"])[0] == "FeatureUnavailableInTierException"


def test_a_cimd_client_signs_in_with_code_and_pkce_in_chromium(cimd, docs, app_site, browser):
    cognito = cimd.client()
    callback = app_site + "/callback"
    # The app client holds a secret: the CIMD clients it stands for are public all the same.
    pool, client = make_pool(cognito, callback, GenerateSecret=True)
    cognito.admin_create_user(UserPoolId=pool, Username="alice", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": "alice@example.com"}, {"Name": "email_verified", "Value": "true"}])
    cognito.admin_set_user_password(UserPoolId=pool, Username="alice", Password=PASSWORD, Permanent=True)
    tag = uuid.uuid4().hex[:8]
    policy = cognito.create_cimd_policy(UserPoolId=pool, ClientId=client, PolicyName="local agents",
                                        URLPatterns=[f"{docs.base}/{tag}/*"])["CIMDPolicy"]["CIMDPolicyId"]
    config = requests.get(f"{cimd.url}/{pool}/.well-known/openid-configuration", timeout=5).json()
    assert config["client_id_metadata_document_supported"] is True
    url = docs.base + f"/{tag}/agent-a"
    docs.put(f"/{tag}/agent-a", document(url, callback), headers={"Cache-Control": "public, max-age=172800"})

    forget_session(cimd, browser)
    verifier = base64.urlsafe_b64encode(os.urandom(40)).rstrip(b"=").decode()
    session = OAuth2Session(url, redirect_uri=callback, scope="openid email", code_challenge_method="S256", token_endpoint_auth_method="none")
    authorization, state = session.create_authorization_url(cimd.url + "/oauth2/authorize", code_verifier=verifier)
    browser.get(authorization)
    assert "/login?" in browser.current_url
    named = browser.find_element(By.ID, "metadataClient").text
    assert "Agent A" in named and "localhost" in named
    shot(browser, "cimd-login")
    sign_in(browser, "alice", PASSWORD)
    assert browser.current_url.startswith(callback + "?code="), browser.current_url
    token = session.fetch_token(cimd.url + "/oauth2/token", authorization_response=browser.current_url, code_verifier=verifier, state=state)
    access = jwt.decode(token["access_token"], options={"verify_signature": False})
    identity = jwt.decode(token["id_token"], options={"verify_signature": False})
    # The tokens are the policy's app client's; the scopes those both the document and the app client allow.
    assert access["client_id"] == client and identity["aud"] == client
    assert set(access["scope"].split()) == {"openid", "email"}
    assert identity["email"] == "alice@example.com"
    # One fetch, then the cache: for the document's max-age, which lies between a day and a year.
    assert docs.hits[f"/{tag}/agent-a"] == 1
    cached = cognito.list_client_metadata_urls(UserPoolId=pool, CIMDPolicyId=policy)["ClientMetadataURLs"]
    assert [c["URL"] for c in cached] == [url]
    assert cached[0]["ExpirationDate"] - cached[0]["CachedDate"] == datetime.timedelta(seconds=172800)
    # Refresh as the CIMD client; the refresh token is bound to it, not to the app client's API.
    refreshed = requests.post(cimd.url + "/oauth2/token", data={
        "grant_type": "refresh_token", "client_id": url, "refresh_token": token["refresh_token"]}, timeout=10)
    assert refreshed.status_code == 200 and "access_token" in refreshed.json()
    assert docs.hits[f"/{tag}/agent-a"] == 1
    # Another document under the same policy cannot redeem this client's code.
    other = docs.base + f"/{tag}/agent-b"
    docs.put(f"/{tag}/agent-b", document(other, callback))
    verifier = base64.urlsafe_b64encode(os.urandom(40)).rstrip(b"=").decode()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    browser.get(cimd.url + "/oauth2/authorize?" + urllib.parse.urlencode({
        "client_id": url, "response_type": "code", "redirect_uri": callback, "scope": "openid", "code_challenge": challenge,
        "code_challenge_method": "S256"}))
    assert browser.current_url.startswith(callback + "?code=")
    code = urllib.parse.parse_qs(urllib.parse.urlparse(browser.current_url).query)["code"][0]
    stolen = requests.post(cimd.url + "/oauth2/token", data={
        "grant_type": "authorization_code", "client_id": other, "code": code, "redirect_uri": callback, "code_verifier": verifier}, timeout=10)
    assert stolen.status_code == 400 and stolen.json()["error"] == "invalid_grant"
    # INVALIDATE drops the cached copy; the next use fetches again. REFRESH fetches now; without a max-age in range
    # the policy's CacheDuration applies.
    cognito.update_client_metadata_url_state(UserPoolId=pool, CIMDPolicyId=policy, URL=url, Action="INVALIDATE")
    assert [c["URL"] for c in cognito.list_client_metadata_urls(UserPoolId=pool, CIMDPolicyId=policy)["ClientMetadataURLs"]] == [other]
    assert refused(cognito.update_client_metadata_url_state, UserPoolId=pool, CIMDPolicyId=policy, URL=url,
                   Action="INVALIDATE")[0] == "CachedCIMDURLDoesNotExistException"
    docs.put(f"/{tag}/agent-a", document(url, callback), headers={"Cache-Control": "max-age=60"})
    assert authorize(cimd, url, callback).status_code == 302
    assert docs.hits[f"/{tag}/agent-a"] == 2
    cognito.update_client_metadata_url_state(UserPoolId=pool, CIMDPolicyId=policy, URL=url, Action="REFRESH")
    assert docs.hits[f"/{tag}/agent-a"] == 3
    entry = [c for c in cognito.list_client_metadata_urls(UserPoolId=pool, CIMDPolicyId=policy)["ClientMetadataURLs"] if c["URL"] == url][0]
    assert entry["ExpirationDate"] - entry["CachedDate"] == datetime.timedelta(seconds=86400)
    # A document that stops passing is not taken by REFRESH, and the cached one stays.
    docs.put(f"/{tag}/agent-a", document(url, callback, token_endpoint_auth_method="client_secret_basic"))
    code, message = refused(cognito.update_client_metadata_url_state, UserPoolId=pool, CIMDPolicyId=policy, URL=url, Action="REFRESH")
    assert code == "InvalidParameterException" and "token_endpoint_auth_method" in message
    assert authorize(cimd, url, callback).headers["Location"].startswith("/login?")


def test_every_refusal_is_an_oauth_error_the_client_can_read(cimd, exposed, docs, app_site):
    cognito = cimd.client()
    callback = app_site + "/callback"
    pool, client = make_pool(cognito, callback)
    tag = uuid.uuid4().hex[:8]
    cognito.create_cimd_policy(UserPoolId=pool, ClientId=client, PolicyName="agents", URLPatterns=[f"{docs.base}/{tag}/*"])

    def served(name, body=None, status=200, headers=None, **changes):
        url = f"{docs.base}/{tag}/{name}"
        docs.put(f"/{tag}/{name}", body if body is not None else document(url, callback, **changes), status=status, headers=headers)
        return url

    cases = {
        "no CIMD policy": f"{docs.base}/elsewhere/{tag}",
        "client_id is not the URL": served("mismatch", client_id=f"{docs.base}/{tag}/someone-else"),
        "token_endpoint_auth_method": served("secret", token_endpoint_auth_method="client_secret_basic"),
        "must set token_endpoint_auth_method": served("silent", token_endpoint_auth_method=None),
        "client_secret": served("with-secret", client_secret="s3cret"),
        "no redirect_uris": served("no-redirects", redirect_uris=[]),
        "not a JSON object": served("not-json", body=b"<html>hello</html>"),
        "could not be retrieved": served("too-large", body=json.dumps(document(f"{docs.base}/{tag}/too-large", callback,
                                                                               padding="x" * 6000)).encode()),
        "redirects are not followed": served("moved", body=b"", status=302, headers={"Location": f"{docs.base}/{tag}/secret"}),
        "HTTP 404": f"{docs.base}/{tag}/missing",
        "a query": f"{docs.base}/{tag}/a?x=1",
        "path segments": f"{docs.base}/{tag}/../{tag}/a",
    }
    for reason, url in cases.items():
        error, description = refusal(authorize(cimd, url, callback))
        assert error == "invalid_client" and reason in description, (reason, description)
    # Nothing is cached for a refusal.
    policy = cognito.list_cimd_policies(UserPoolId=pool)["CIMDPolicies"][0]["CIMDPolicyId"]
    assert cognito.list_client_metadata_urls(UserPoolId=pool, CIMDPolicyId=policy)["ClientMetadataURLs"] == []
    # The error page takes no reason from its URL.
    page = requests.get(cimd.url + "/error", params={"error": "invalid_client", "error_description": "Call 555-0100"}, timeout=5)
    assert page.status_code == 400 and "555-0100" not in page.text
    # A redirect URI the document does not register: refused on the page, the browser not sent there.
    good = served("good")
    error, description = refusal(authorize(cimd, good, "https://attacker.example.com/cb"))
    assert error == "invalid_client" and "redirect_uri" in description
    # The app client's own callback is not the CIMD client's either.
    assert refusal(authorize(cimd, good, "https://registered.example.com/cb"))[0] == "invalid_client"
    # Once the client and its redirect URI are known, errors go back to it.
    back = authorize(cimd, good, callback, scope="phone")
    assert back.headers["Location"].startswith(callback + "?") and "error=invalid_scope" in back.headers["Location"]
    # A document that lists implicit only: the flow both allow is none.
    implicit = served("implicit", grant_types=["implicit"], response_types=["token"])
    assert "error=unauthorized_client" in authorize(cimd, implicit, callback).headers["Location"]
    # The token endpoint: a CIMD client is public, and refused as invalid_client with why.
    answer = requests.post(cimd.url + "/oauth2/token", data={"grant_type": "client_credentials", "client_id": good}, timeout=10)
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"
    answer = requests.post(cimd.url + "/oauth2/token", data={"grant_type": "authorization_code", "client_id": cases["HTTP 404"],
                                                             "code": "x", "redirect_uri": callback}, timeout=10)
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"
    # An error is never cached: the document fixed, the next request takes it.
    served("secret")
    assert authorize(cimd, f"{docs.base}/{tag}/secret", callback).headers["Location"].startswith("/login?")
    # A Cognate that does not run on loopback fetches from no special-use address (localhost is 127.0.0.1 here).
    outside = exposed.client()
    pool, client = make_pool(outside, callback)
    outside.create_cimd_policy(UserPoolId=pool, ClientId=client, PolicyName="agents", URLPatterns=[f"{docs.base}/{tag}/*"])
    hits = docs.hits.get(f"/{tag}/good", 0)
    error, description = refusal(authorize(exposed, good, callback))
    assert error == "invalid_client" and "special-use address" in description
    assert docs.hits.get(f"/{tag}/good", 0) == hits
