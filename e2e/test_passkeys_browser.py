"""Passkeys in a real browser: Debian's chromium, driven by Selenium with Chrome's virtual authenticator,
registers a passkey from the options Cognate returns and signs in with it. A tampered assertion, a wrong
origin and a wrong challenge are refused."""
import base64
import http.server
import json
import threading
import uuid

import pytest
from selenium.webdriver.common.virtual_authenticator import Protocol, Transport, VirtualAuthenticatorOptions

from conftest import chromium

PASSWORD = "Str0ng-Passw0rd!"

CREATE = """
const [options, done] = arguments;
navigator.credentials.create({publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options)})
  .then(c => done({credential: c.toJSON()}), e => done({error: String(e)}));
"""
GET = """
const [options, done] = arguments;
navigator.credentials.get({publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options)})
  .then(c => done({credential: c.toJSON()}), e => done({error: String(e)}));
"""


@pytest.fixture(scope="module")
def page():
    """A blank page at http://localhost:PORT, the origin the passkey ceremonies run in."""
    class Blank(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"<!doctype html><title>Cognate passkeys</title><p>passkeys"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Blank)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://localhost:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser(page):
    driver = chromium()
    driver.set_script_timeout(30)
    driver.get(page)
    driver.add_virtual_authenticator(VirtualAuthenticatorOptions(
        protocol=Protocol.CTAP2, transport=Transport.INTERNAL, has_resident_key=True, has_user_verification=True,
        is_user_consenting=True, is_user_verified=True))
    yield driver
    driver.quit()


@pytest.fixture
def passkey_pool(cognito):
    pool = cognito.create_user_pool(
        PoolName="passkeys-" + uuid.uuid4().hex[:6],
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}})["UserPool"]["Id"]
    cognito.set_user_pool_mfa_config(UserPoolId=pool, WebAuthnConfiguration={"RelyingPartyId": "localhost", "UserVerification": "required"})
    cid = cognito.create_user_pool_client(UserPoolId=pool, ClientName="web",
                                          ExplicitAuthFlows=["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="paula", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool, Username="paula", Password=PASSWORD, Permanent=True)
    access = cognito.initiate_auth(ClientId=cid, AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": "paula", "PASSWORD": PASSWORD})["AuthenticationResult"]["AccessToken"]
    yield pool, cid, access
    cognito.delete_user_pool(UserPoolId=pool)


def run(browser, script, options):
    answer = browser.execute_async_script(script, options)
    assert "credential" in answer, answer.get("error")
    return answer["credential"]


def reencoded(credential, field, change):
    """The credential with one base64url field of its response changed."""
    raw = bytearray(base64.urlsafe_b64decode(credential["response"][field] + "=="))
    changed = change(raw)
    copy = json.loads(json.dumps(credential))
    copy["response"][field] = base64.urlsafe_b64encode(bytes(changed)).rstrip(b"=").decode()
    return copy


def with_origin(credential, origin):
    def change(raw):
        data = json.loads(raw)
        data["origin"] = origin
        return json.dumps(data).encode()
    return reencoded(credential, "clientDataJSON", change)


def passkey_challenge(cognito, cid):
    challenge = cognito.initiate_auth(ClientId=cid, AuthFlow="USER_AUTH",
                                      AuthParameters={"USERNAME": "paula", "PREFERRED_CHALLENGE": "WEB_AUTHN"})
    assert challenge["ChallengeName"] == "WEB_AUTHN"
    return challenge["Session"], json.loads(challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])


def answer(cognito, cid, session, credential):
    return cognito.respond_to_auth_challenge(ClientId=cid, ChallengeName="WEB_AUTHN", Session=session,
                                             ChallengeResponses={"USERNAME": "paula", "CREDENTIAL": json.dumps(credential)})


def test_register_and_sign_in_with_a_passkey(cognito, browser, passkey_pool):
    pool, cid, access = passkey_pool
    options = cognito.start_web_authn_registration(AccessToken=access)["CredentialCreationOptions"]
    assert options["rp"]["id"] == "localhost"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    credential = run(browser, CREATE, options)

    # A registration answered from another origin, or for an old challenge, is refused.
    with pytest.raises(cognito.exceptions.WebAuthnOriginNotAllowedException):
        cognito.complete_web_authn_registration(AccessToken=access, Credential=with_origin(credential, "https://evil.example"))
    with pytest.raises(cognito.exceptions.WebAuthnChallengeNotFoundException):
        cognito.complete_web_authn_registration(AccessToken=access, Credential=credential)
    cognito.start_web_authn_registration(AccessToken=access)
    with pytest.raises(cognito.exceptions.WebAuthnChallengeNotFoundException):
        cognito.complete_web_authn_registration(AccessToken=access, Credential=credential)

    options = cognito.start_web_authn_registration(AccessToken=access)["CredentialCreationOptions"]
    credential = run(browser, CREATE, options)
    cognito.complete_web_authn_registration(AccessToken=access, Credential=credential)
    credentials = cognito.list_web_authn_credentials(AccessToken=access)
    listed = credentials["Credentials"]
    assert [c["CredentialId"] for c in listed] == [credential["id"]]
    assert listed[0]["RelyingPartyId"] == "localhost"
    # The answer has the shape of the AWS CLI's example (test_cli_examples.py needs a registered passkey for this one).
    from test_cli_examples import MODEL, differences, example_outputs
    credentials.pop("ResponseMetadata", None)
    shape = MODEL.operation_model("ListWebAuthnCredentials").output_shape
    # AuthenticatorTransports is a required member in the model; the example's credential leaves it out.
    assert differences(example_outputs("ListWebAuthnCredentials")[0], json.loads(json.dumps(credentials, default=str)), shape) == \
        [("extra", "Credentials[].AuthenticatorTransports")]

    # Sign in with the passkey.
    session, request = passkey_challenge(cognito, cid)
    assert [c["id"] for c in request["allowCredentials"]] == [credential["id"]]
    assertion = run(browser, GET, request)
    tokens = answer(cognito, cid, session, assertion)
    assert tokens["AuthenticationResult"]["AccessToken"]

    # A tampered signature, another origin and another sign-in's challenge are refused.
    session, request = passkey_challenge(cognito, cid)
    assertion = run(browser, GET, request)
    tampered = reencoded(assertion, "signature", lambda raw: raw[:-1] + bytes([raw[-1] ^ 1]))
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        answer(cognito, cid, session, tampered)
    session, request = passkey_challenge(cognito, cid)
    fresh = run(browser, GET, request)
    with pytest.raises(cognito.exceptions.WebAuthnOriginNotAllowedException):
        answer(cognito, cid, session, with_origin(fresh, "http://localhost.evil.example"))
    session, _ = passkey_challenge(cognito, cid)
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        answer(cognito, cid, session, assertion)

    cognito.delete_web_authn_credential(AccessToken=access, CredentialId=credential["id"])
    assert cognito.list_web_authn_credentials(AccessToken=access)["Credentials"] == []
    with pytest.raises(cognito.exceptions.ResourceNotFoundException):
        cognito.delete_web_authn_credential(AccessToken=access, CredentialId=credential["id"])


def test_passkeys_need_the_pool_to_allow_them(cognito, pool):
    cid = cognito.create_user_pool_client(UserPoolId=pool, ClientName="c", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="nopass", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool, Username="nopass", Password=PASSWORD, Permanent=True)
    access = cognito.initiate_auth(ClientId=cid, AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": "nopass", "PASSWORD": PASSWORD})["AuthenticationResult"]["AccessToken"]
    with pytest.raises(cognito.exceptions.WebAuthnNotEnabledException):
        cognito.start_web_authn_registration(AccessToken=access)
    cognito.update_user_pool(UserPoolId=pool, Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}})
    with pytest.raises(cognito.exceptions.WebAuthnConfigurationMissingException):
        cognito.start_web_authn_registration(AccessToken=access)


def test_a_registration_completes_with_the_client_that_started_it(cognito, passkey_pool):
    pool, cid, access = passkey_pool
    other = cognito.create_user_pool_client(UserPoolId=pool, ClientName="other",
                                            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
    other_access = cognito.initiate_auth(ClientId=other, AuthFlow="USER_PASSWORD_AUTH",
                                         AuthParameters={"USERNAME": "paula", "PASSWORD": PASSWORD})["AuthenticationResult"]["AccessToken"]
    cognito.start_web_authn_registration(AccessToken=access)
    credential = {"id": "AAAA", "rawId": "AAAA", "type": "public-key",
                  "response": {"clientDataJSON": "e30", "attestationObject": "oA"}}
    with pytest.raises(cognito.exceptions.WebAuthnClientMismatchException):
        cognito.complete_web_authn_registration(AccessToken=other_access, Credential=credential)
