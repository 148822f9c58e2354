"""A database outage is never a client error (issue 26): with Cognate's PostgreSQL stopped, one operation of
every family answers InternalErrorException, the token, userInfo and revocation endpoints answer OAuth's
`temporarily_unavailable` with 503 (never `invalid_client`, `invalid_grant` or `invalid_token`, on which an
application would sign its user out), and the managed login pages an error page with 503; once the database
is back, every one of them works again. Runs on COGNATE_TEST_POSTGRES_URL (Scripts/test.sh starts it)."""
import concurrent.futures
import os
import re
import subprocess
import time
import uuid

import pytest
import requests
from botocore.exceptions import ClientError

from conftest import Server, postgres_database

PASSWORD = "Passw0rd!outage"
CALLBACK = "http://localhost:3000/callback"


@pytest.fixture
def node(tmp_path):
    url = os.environ.get("COGNATE_TEST_POSTGRES_URL")
    assert url, "COGNATE_TEST_POSTGRES_URL is not set: run Scripts/test.sh, which starts PostgreSQL"
    server = Server(str(tmp_path / "outage"), database_url=postgres_database(url, "outage_" + uuid.uuid4().hex[:12])).start()
    yield server
    server.stop()


def postgres(action):
    version, name = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True).stdout.split()[:2]
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    args = [*sudo, "pg_ctlcluster", version, name, action] + (["-m", "fast"] if action == "stop" else [])
    subprocess.run(args, check=True)


class World:
    """A pool with everything the web side reads: a user signed in through the pages, a confidential client."""

    def __init__(self, node):
        self.node, self.cognito = node, node.client()
        c = self.cognito
        self.pool = c.create_user_pool(PoolName="outage")["UserPool"]["Id"]
        c.create_resource_server(UserPoolId=self.pool, Identifier="api", Name="API", Scopes=[{"ScopeName": "read", "ScopeDescription": "r"}])
        self.web = c.create_user_pool_client(
            UserPoolId=self.pool, ClientName="web", AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid", "email"],
            AllowedOAuthFlowsUserPoolClient=True, CallbackURLs=[CALLBACK], LogoutURLs=[CALLBACK], SupportedIdentityProviders=["COGNITO"],
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
        machine = c.create_user_pool_client(
            UserPoolId=self.pool, ClientName="m2m", GenerateSecret=True, AllowedOAuthFlows=["client_credentials"],
            AllowedOAuthScopes=["api/read"], AllowedOAuthFlowsUserPoolClient=True)["UserPoolClient"]
        self.machine = (machine["ClientId"], machine["ClientSecret"])
        c.admin_create_user(UserPoolId=self.pool, Username="olive", MessageAction="SUPPRESS",
                            UserAttributes=[{"Name": "email", "Value": "olive@example.com"}, {"Name": "email_verified", "Value": "true"}])
        c.admin_set_user_password(UserPoolId=self.pool, Username="olive", Password=PASSWORD, Permanent=True)
        self.api_tokens = c.initiate_auth(ClientId=self.web, AuthFlow="USER_PASSWORD_AUTH",
                                          AuthParameters={"USERNAME": "olive", "PASSWORD": PASSWORD})["AuthenticationResult"]
        self.browser = requests.Session()
        self.code = self.sign_in_through_the_pages()
        self.oauth_tokens = self.redeem(self.code)
        self.code = self.sign_in_through_the_pages()  # a fresh, unredeemed one

    @property
    def authorize_query(self):
        return {"client_id": self.web, "response_type": "code", "redirect_uri": CALLBACK, "scope": "openid email"}

    def sign_in_through_the_pages(self):
        page = requests.get(self.node.url + "/login", params=self.authorize_query, timeout=10)
        csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
        done = requests.post(page.url, data={"_csrf": csrf, "username": "olive", "password": PASSWORD}, allow_redirects=False,
                             cookies=page.cookies, timeout=10)
        return re.search(r"code=([^&]+)", done.headers["Location"]).group(1)

    def redeem(self, code):
        return requests.post(self.node.url + "/oauth2/token", timeout=10, data={
            "grant_type": "authorization_code", "client_id": self.web, "code": code, "redirect_uri": CALLBACK}).json()

    def api_calls(self):
        c, pool, token = self.cognito, self.pool, self.api_tokens["AccessToken"]
        return {
            "DescribeUserPool": lambda: c.describe_user_pool(UserPoolId=pool),
            "DescribeUserPoolClient": lambda: c.describe_user_pool_client(UserPoolId=pool, ClientId=self.web),
            "AdminGetUser": lambda: c.admin_get_user(UserPoolId=pool, Username="olive"),
            "ListUsers": lambda: c.list_users(UserPoolId=pool),
            "ListGroups": lambda: c.list_groups(UserPoolId=pool),
            "DescribeResourceServer": lambda: c.describe_resource_server(UserPoolId=pool, Identifier="api"),
            "ListIdentityProviders": lambda: c.list_identity_providers(UserPoolId=pool, MaxResults=10),
            "InitiateAuth": lambda: c.initiate_auth(ClientId=self.web, AuthFlow="USER_PASSWORD_AUTH",
                                                    AuthParameters={"USERNAME": "olive", "PASSWORD": PASSWORD}),
            "RefreshToken": lambda: c.initiate_auth(ClientId=self.web, AuthFlow="REFRESH_TOKEN_AUTH",
                                                    AuthParameters={"REFRESH_TOKEN": self.api_tokens["RefreshToken"]}),
            "GetUser": lambda: c.get_user(AccessToken=token),
            "ForgotPassword": lambda: c.forgot_password(ClientId=self.web, Username="olive"),
        }

    def web_calls(self):
        url, web, refresh = self.node.url, self.web, self.oauth_tokens["refresh_token"]
        return {
            "token client_credentials": lambda: requests.post(url + "/oauth2/token", auth=self.machine, timeout=20,
                                                              data={"grant_type": "client_credentials"}),
            "token refresh_token": lambda: requests.post(url + "/oauth2/token", timeout=20, data={
                "grant_type": "refresh_token", "client_id": web, "refresh_token": refresh}),
            "token authorization_code": lambda: requests.post(url + "/oauth2/token", timeout=20, data={
                "grant_type": "authorization_code", "client_id": web, "code": self.code, "redirect_uri": CALLBACK}),
            "userInfo": lambda: requests.get(url + "/oauth2/userInfo", timeout=20,
                                             headers={"Authorization": "Bearer " + self.oauth_tokens["access_token"]}),
            "authorize": lambda: requests.get(url + "/oauth2/authorize", params=self.authorize_query, allow_redirects=False, timeout=20),
            "login": lambda: requests.get(url + "/login", params=self.authorize_query, allow_redirects=False, timeout=20),
            "logout": lambda: requests.get(url + "/logout", params={"client_id": web, "logout_uri": CALLBACK}, allow_redirects=False,
                                           timeout=20),
            "jwks": lambda: requests.get(f"{url}/{self.pool}/.well-known/jwks.json", timeout=20),
            "discovery": lambda: requests.get(f"{url}/{self.pool}/.well-known/openid-configuration", timeout=20),
            # Last: once it works, it ends the sign-in the calls above use.
            "revoke": lambda: requests.post(url + "/oauth2/revoke", timeout=20, data={"token": refresh, "client_id": web}),
        }


def test_an_outage_is_a_server_error_everywhere_and_everything_recovers(node):
    world = World(node)
    api, web = world.api_calls(), world.web_calls()
    postgres("stop")
    try:
        # All at once: each waits for the database up to its deadline (about five seconds), not one after another.
        def attempt(call):
            started = time.time()
            try:
                return call(), time.time() - started
            except ClientError as error:
                return error, time.time() - started
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(api) + len(web)) as pool:
            api_answers = dict(zip(api, pool.map(attempt, api.values())))
            web_answers = dict(zip(web, pool.map(attempt, web.values())))
        for name, (error, took) in api_answers.items():
            assert isinstance(error, ClientError), (name, error)
            assert error.response["Error"]["Code"] == "InternalErrorException", (name, error.response)
            assert took < 15, (name, took)
        for name, (answer, _) in web_answers.items():
            assert answer.status_code == 503, (name, answer.status_code, answer.text[:300])
            if name.startswith("token") or name in ("revoke", "userInfo"):
                assert answer.json()["error"] == "temporarily_unavailable", (name, answer.text)
            if name == "userInfo":
                assert 'error="temporarily_unavailable"' in answer.headers["WWW-Authenticate"]
            if name in ("authorize", "login", "logout"):
                assert "text/html" in answer.headers["Content-Type"] and "try again" in answer.text
    finally:
        postgres("start")
    deadline = time.time() + 30
    while requests.get(node.url + "/_cognate/ready", timeout=5).status_code != 200:
        assert time.time() < deadline, "the node did not reconnect"
        time.sleep(0.2)
    # Everything answers as before (the authorization code is still unspent: the outage took nothing).
    for name, call in api.items():
        call()
    answers = {name: call() for name, call in web.items()}
    for name in ("token client_credentials", "token refresh_token", "token authorization_code", "userInfo", "jwks", "discovery"):
        assert answers[name].status_code == 200, (name, answers[name].text)
    assert answers["revoke"].status_code == 200
    assert answers["authorize"].status_code == 302 and answers["login"].status_code == 200 and answers["logout"].status_code == 302
