"""A web app that signs its users in through Cognate's managed login, as it would through Cognito's:
the authorization-code grant with PKCE, by authlib.

    python examples/web_app.py            # prints a sign-in URL; open it in a browser, sign in as `demo`
    python examples/web_app.py --auto     # signs in through the page's form itself (no browser), for tests

It makes a pool, an app client and a user `demo` (password Demo-Passw0rd!) on the Cognate at $COGNATE_URL
(default http://127.0.0.1:9229), listens for the callback on http://localhost:3000/callback, trades the
code for tokens at /oauth2/token, checks the ID token against the pool's JWKS, and prints its claims.
Needs: pip install boto3 authlib requests PyJWT[crypto]."""
import html
import http.server
import os
import re
import secrets
import sys
import threading
import urllib.parse

import boto3
import jwt
import requests
from authlib.integrations.requests_client import OAuth2Session

COGNATE = os.environ.get("COGNATE_URL", "http://127.0.0.1:9229")
PORT = int(os.environ.get("CALLBACK_PORT", "3000"))
CALLBACK = f"http://localhost:{PORT}/callback"
PASSWORD = "Demo-Passw0rd!"


def setup():
    cognito = boto3.client("cognito-idp", endpoint_url=COGNATE, region_name="us-east-1",
                           aws_access_key_id="local", aws_secret_access_key="local")
    pool = cognito.create_user_pool(PoolName="web-app-demo")["UserPool"]["Id"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="web-app", AllowedOAuthFlows=["code"], AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthScopes=["openid", "email", "profile"], CallbackURLs=[CALLBACK], SupportedIdentityProviders=["COGNITO"],
    )["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="demo", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": "demo@example.com"}, {"Name": "email_verified", "Value": "true"}])
    cognito.admin_set_user_password(UserPoolId=pool, Username="demo", Password=PASSWORD, Permanent=True)
    return pool, client


def wait_for_callback():
    """Serves http://localhost:PORT/callback once; answers the URL the browser came back with."""
    got = {}

    class Callback(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            got["url"] = f"http://localhost:{PORT}{self.path}"
            body = b"<!doctype html><title>Signed in</title><p>Signed in. You can close this window."
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", PORT), Callback)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    return server, thread, got


def sign_in_through_the_form(url):
    """What a user does in the browser: the sign-in page, its form (with its CSRF token), the redirect."""
    browser = requests.Session()
    page = browser.get(url, timeout=10)
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page.text).group(1))
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
    answer = browser.post(urllib.parse.urljoin(page.url, action), data={"_csrf": csrf, "username": "demo", "password": PASSWORD},
                          allow_redirects=False, timeout=10)
    requests.get(answer.headers["Location"], timeout=10)  # the browser follows the redirect to the callback


def main():
    pool, client = setup()
    issuer = f"{COGNATE}/{pool}"
    discovery = requests.get(issuer + "/.well-known/openid-configuration", timeout=10).json()
    oauth = OAuth2Session(client, redirect_uri=CALLBACK, scope="openid email profile", code_challenge_method="S256",
                          token_endpoint_auth_method="none")
    verifier = secrets.token_urlsafe(48)
    url, state = oauth.create_authorization_url(discovery["authorization_endpoint"], code_verifier=verifier)
    server, thread, got = wait_for_callback()
    if "--auto" in sys.argv:
        sign_in_through_the_form(url)
    else:
        print("Open this URL in a browser and sign in as demo /", PASSWORD)
        print(url)
    thread.join()
    server.server_close()
    tokens = oauth.fetch_token(discovery["token_endpoint"], authorization_response=got["url"], code_verifier=verifier)
    key = jwt.PyJWKClient(discovery["jwks_uri"]).get_signing_key_from_jwt(tokens["id_token"])
    claims = jwt.decode(tokens["id_token"], key.key, algorithms=["RS256"], audience=client, issuer=issuer)
    print("signed in:", claims["cognito:username"], claims["email"])
    print("userInfo:", requests.get(discovery["userinfo_endpoint"], timeout=10,
                                    headers={"Authorization": "Bearer " + tokens["access_token"]}).json())


if __name__ == "__main__":
    main()
