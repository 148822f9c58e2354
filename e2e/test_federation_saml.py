"""Sign-in through a SAML 2.0 identity provider that is not Cognate: pysaml2's IdP (e2e/saml_idp.py), which signs
and encrypts with xmlsec1. SP-initiated (a signed AuthnRequest by the redirect binding, the response by the POST
binding), IdP-initiated, encrypted assertions and single logout run in Chromium; refused responses (unsigned,
changed after signing, wrong audience, expired, replayed, wrapped, comment-injected, oversized, malformed) are
posted directly and must come back as errors, never as a signed-in user or a 500."""
import base64
import re
import urllib.parse
import uuid
import zlib

import jwt
import pytest
import requests

from saml_idp import SamlIdP

CALLBACK = "http://localhost/callback"
LOGOUT = "http://localhost/signed-out"
EMAIL = "urn:mace:dir:attribute-def:email"
NAME = "urn:mace:dir:attribute-def:displayName"


@pytest.fixture(scope="module")
def idp():
    provider = SamlIdP()
    yield provider
    provider.close()


class SamlPool:
    """A pool with the IdP as a SAML provider, an app client, and the pool registered at the IdP as an SP."""

    def __init__(self, server, idp, name="TestIdP", encrypt=False, **details):
        self.server, self.idp, self.name = server, idp, name
        self.browsers = {}
        self.c = server.client()
        self.pool = self.c.create_user_pool(PoolName="saml-" + uuid.uuid4().hex[:6])["UserPool"]["Id"]
        provider_details = {"MetadataURL": idp.url + "/metadata", "RequestSigningAlgorithm": "rsa-sha256", "IDPSignout": "true", **details}
        provider_details = {k: v for k, v in provider_details.items() if v is not None}
        if encrypt:
            provider_details["EncryptedResponses"] = "true"
        self.provider = self.c.create_identity_provider(
            UserPoolId=self.pool, ProviderName=name, ProviderType="SAML", ProviderDetails=provider_details,
            AttributeMapping={"email": EMAIL, "name": NAME})["IdentityProvider"]
        self.app = self.c.create_user_pool_client(
            UserPoolId=self.pool, ClientName="app", AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid", "email", "profile"],
            AllowedOAuthFlowsUserPoolClient=True, CallbackURLs=[CALLBACK], LogoutURLs=[LOGOUT],
            SupportedIdentityProviders=["COGNITO", name])["UserPoolClient"]["ClientId"]
        # As an administrator does: the pool's signing certificate, and for encryption the provider's ActiveEncryptionCertificate.
        certificate = self.provider["ProviderDetails"]["ActiveEncryptionCertificate"] if encrypt else \
            self.c.get_signing_certificate(UserPoolId=self.pool)["Certificate"]
        self.sp = idp.add_sp(self.pool, server.url, certificate, encrypt=encrypt)
        self.acs = server.url + "/saml2/idpresponse"

    def authorize_params(self, **extra):
        return {"client_id": self.app, "response_type": "code", "redirect_uri": CALLBACK, "scope": "openid email profile",
                "state": "st-1", "identity_provider": self.name, **extra}

    def start(self, session=None):
        """The redirect Cognate sends the browser: the AuthnRequest (inflated), its ID and the RelayState."""
        session = session or requests.Session()
        answer = session.get(self.server.url + "/oauth2/authorize", params=self.authorize_params(), allow_redirects=False, timeout=10)
        assert answer.status_code == 302, answer.text
        location = answer.headers["Location"]
        assert location.startswith(self.idp.url + "/sso/redirect?")
        query = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)
        xml = zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15).decode()
        request_id = re.search(r' ID="([^"]+)"', xml).group(1)
        self.browsers[query["RelayState"][0]] = session
        return {"location": location, "xml": xml, "id": request_id, "relay": query["RelayState"][0], "query": query, "session": session}

    def post(self, saml_response, relay, session=None):
        """Posted by the browser that started the sign-in (its binding cookie), unless another is given."""
        answer = (session or self.browsers.get(relay) or requests).post(self.acs, data={"SAMLResponse": saml_response, "RelayState": relay}, allow_redirects=False,
                                            timeout=10)
        assert answer.status_code in (302, 400), answer.text
        return answer

    def user(self, name, email="", display="Sam L"):
        self.idp.users[name] = ("idp-pass", {"email": [email or name + "@example.com"], "displayName": [display]})

    def respond(self, name, in_response_to, **kwargs):
        _, attributes = self.idp.users[name]
        return self.idp.response(name, attributes, self.sp, self.acs, in_response_to=in_response_to, **kwargs)

    def tokens(self, location):
        code = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)["code"][0]
        return requests.post(self.server.url + "/oauth2/token", data={
            "grant_type": "authorization_code", "client_id": self.app, "code": code, "redirect_uri": CALLBACK}, timeout=10).json()

    def verified(self, token):
        issuer = f"{self.server.url}/{self.pool}"
        key = jwt.PyJWKClient(issuer + "/.well-known/jwks.json").get_signing_key_from_jwt(token)
        return jwt.decode(token, key.key, algorithms=["RS256"], issuer=issuer, options={"verify_aud": False})

    def users(self):
        return sorted(u["Username"] for u in self.c.list_users(UserPoolId=self.pool)["Users"])


def sign_in_at_the_idp(browser, start, name):
    """In Chromium: from `start` to the IdP's sign-in page, signed in there as `name`, and back to the client."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    browser.get(start)
    browser.find_element(By.ID, "idp-username").send_keys(name)
    browser.find_element(By.ID, "idp-password").send_keys("idp-pass")
    browser.find_element(By.ID, "idp-submit").click()
    WebDriverWait(browser, 10).until(lambda b: b.current_url.startswith(CALLBACK))
    return browser.current_url


def error_of(answer):
    location = answer.headers.get("Location", "")
    query = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)
    return query.get("error", [""])[0], query.get("error_description", [""])[0], location


def test_provider_details_are_completed_from_the_metadata(server, idp):
    f = SamlPool(server, idp)
    details = f.provider["ProviderDetails"]
    assert details["SSORedirectBindingURI"] == idp.url + "/sso/redirect"
    assert details["SLORedirectBindingURI"] == idp.url + "/slo/redirect"
    assert details["ActiveEncryptionCertificate"] == f.c.get_signing_certificate(UserPoolId=f.pool)["Certificate"]
    assert details["MetadataURL"] == idp.url + "/metadata" and not any(k.startswith("cognate:") for k in details)
    described = f.c.describe_identity_provider(UserPoolId=f.pool, ProviderName="TestIdP")["IdentityProvider"]
    assert described["ProviderDetails"] == details and described["ProviderType"] == "SAML"
    # The same provider from a metadata file.
    f.c.create_identity_provider(UserPoolId=f.pool, ProviderName="FromFile", ProviderType="SAML",
                                 ProviderDetails={"MetadataFile": idp.metadata()})
    from_file = f.c.describe_identity_provider(UserPoolId=f.pool, ProviderName="FromFile")["IdentityProvider"]["ProviderDetails"]
    assert from_file["SSORedirectBindingURI"] == idp.url + "/sso/redirect" and "MetadataURL" not in from_file


def test_a_metadata_server_that_drops_a_kept_alive_connection_is_asked_again(server, idp, pool):
    """A server that closes the connection it was asked on without answering (what a kept-alive connection
    from the pool meets when its server just closed it): the read is sent again on a new connection."""
    import socket
    import threading
    from conftest import free_port
    port, metadata = free_port(), idp.metadata().encode()
    listener = socket.create_server(("127.0.0.1", port))
    asked = []

    def serve():
        for _ in range(2):
            connection, _ = listener.accept()
            with connection:
                connection.recv(65536)
                asked.append(1)
                if len(asked) == 1:
                    continue  # closed unanswered
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nConnection: close\r\n"
                                   b"Content-Length: " + str(len(metadata)).encode() + b"\r\n\r\n" + metadata)
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        made = server.client().create_identity_provider(
            UserPoolId=pool, ProviderName="Dropped", ProviderType="SAML",
            ProviderDetails={"MetadataURL": f"http://127.0.0.1:{port}/metadata"})["IdentityProvider"]
        assert made["ProviderDetails"]["SSORedirectBindingURI"] == idp.url + "/sso/redirect"
        assert len(asked) == 2
    finally:
        listener.close()


@pytest.mark.parametrize("details, words", [
    ({}, "MetadataURL or MetadataFile"),
    ({"MetadataFile": "<md:EntityDescriptor"}, "Unable to read the SAML metadata"),
    ({"MetadataFile": "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>"}, "DOCTYPE"),
    ({"MetadataFile": '<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>'}, "IDPSSODescriptor"),
    ({"MetadataURL": "http://127.0.0.1:9/metadata"}, "Unable to retrieve the SAML metadata"),
    ({"MetadataURL": "http://127.0.0.1:9/m", "MetadataFile": "<x/>"}, "not both"),
    ({"MetadataFile": "<x/>", "IDPInit": "yes"}, "IDPInit must be true or false"),
    ({"MetadataFile": "<x/>", "RequestSigningAlgorithm": "rsa-sha1"}, "rsa-sha256"),
    ({"MetadataFile": "<x/>", "client_id": "abc"}, "not a ProviderDetails key"),
])
def test_malformed_provider_details_are_refused(server, pool, details, words):
    c = server.client()
    with pytest.raises(c.exceptions.InvalidParameterException) as excinfo:
        c.create_identity_provider(UserPoolId=pool, ProviderName="Bad", ProviderType="SAML", ProviderDetails=details)
    assert words in str(excinfo.value)


def test_sp_initiated_sign_in_in_chromium(server, idp, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from conftest import chromium
    f = SamlPool(server, idp)
    f.user("sam", display="Sam Browser")
    browser = chromium()
    try:
        browser.get(server.url + "/login?" + urllib.parse.urlencode({k: v for k, v in f.authorize_params().items() if k != "identity_provider"}))
        browser.find_element(By.LINK_TEXT, "Continue with TestIdP").click()
        WebDriverWait(browser, 10).until(lambda b: b.current_url.startswith(idp.url + "/sso/redirect?"))
        browser.find_element(By.ID, "idp-username").send_keys("sam")
        browser.find_element(By.ID, "idp-password").send_keys("idp-pass")
        browser.find_element(By.ID, "idp-submit").click()
        WebDriverWait(browser, 10).until(lambda b: b.current_url.startswith(CALLBACK))
        location = browser.current_url
        # Single logout: Cognate sends the browser to the IdP with a signed LogoutRequest, the IdP posts its
        # LogoutResponse back to /saml2/logout, and the browser lands on the logout URI.
        browser.get(server.url + "/logout?" + urllib.parse.urlencode({"client_id": f.app, "logout_uri": LOGOUT}))
        WebDriverWait(browser, 10).until(lambda b: b.current_url.startswith(LOGOUT))
        # Signed out of the pool: the next authorize without a provider shows the sign-in form.
        browser.get(server.url + "/oauth2/authorize?" + urllib.parse.urlencode(
            {k: v for k, v in f.authorize_params().items() if k != "identity_provider"}))
        WebDriverWait(browser, 10).until(lambda b: "/login?" in b.current_url)
    finally:
        browser.quit()
    assert "state=st-1" in location
    claims = f.verified(f.tokens(location)["id_token"])
    assert claims["cognito:username"] == "testidp_sam" and claims["name"] == "Sam Browser" and claims["email"] == "sam@example.com"
    assert claims["email_verified"] is False and claims["cognito:groups"] == [f.pool + "_TestIdP"]
    (identity,) = claims["identities"]
    assert identity["userId"] == "sam" and identity["providerType"] == "SAML" and identity["issuer"] == idp.entity_id
    user = f.c.admin_get_user(UserPoolId=f.pool, Username="testidp_sam")
    assert user["UserStatus"] == "EXTERNAL_PROVIDER"
    # The IdP checked the AuthnRequest's signature (RequestSigningAlgorithm) and received a signed LogoutRequest
    # naming the user and the session of the first AuthnStatement.
    (name_id, sessions, signed), = [entry for entry in idp.logouts if entry[0] == "sam"]
    assert signed and sessions == [idp.sessions["sam"]]


def test_the_authn_request_is_signed_and_addressed(server, idp):
    f = SamlPool(server, idp)
    started = f.start()
    xml, query = started["xml"], started["query"]
    assert f'Destination="{idp.url}/sso/redirect"' in xml and f'AssertionConsumerServiceURL="{f.acs}"' in xml
    assert f"<saml:Issuer>urn:amazon:cognito:sp:{f.pool}</saml:Issuer>" in xml
    assert query["SigAlg"] == ["http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"] and query["Signature"]
    # pysaml2 verifies the signature with the pool's certificate: a changed RelayState breaks it.
    assert requests.get(started["location"], timeout=10).status_code == 200
    tampered = started["location"].replace("RelayState=", "RelayState=x", 1)
    assert requests.get(tampered, timeout=10).status_code == 400
    # Without RequestSigningAlgorithm the request is not signed, which this IdP (wanting signed requests) refuses.
    g = SamlPool(server, idp, name="Unsigned", RequestSigningAlgorithm=None)
    unsigned = g.start()
    assert "Signature" not in unsigned["query"] and "SigAlg" not in unsigned["query"]
    assert requests.get(unsigned["location"], timeout=10).status_code == 400


def test_idp_initiated_sign_in_in_chromium(server, idp):
    from conftest import chromium
    f = SamlPool(server, idp, IDPInit="true")
    f.user("ida")
    relay = urllib.parse.urlencode(f.authorize_params(state="idp-init"))
    browser = chromium()
    try:
        location = sign_in_at_the_idp(browser, idp.url + "/idp-init?" + urllib.parse.urlencode({"sp": f.sp, "acs": f.acs, "RelayState": relay}),
                                      "ida")
    finally:
        browser.quit()
    assert "state=idp-init" in location
    assert f.verified(f.tokens(location)["id_token"])["cognito:username"] == "testidp_ida"


def test_idp_initiated_needs_idp_init_and_each_assertion_is_used_once(server, idp):
    f = SamlPool(server, idp)  # IDPInit not set
    f.user("una")
    relay = urllib.parse.urlencode(f.authorize_params())
    error, description, _ = error_of(f.post(f.respond("una", None), relay))
    assert error == "invalid_request" and "IdP-initiated sign-in is not enabled" in description
    g = SamlPool(server, idp, name="InitIdP", IDPInit="true")
    g.user("una")
    relay = urllib.parse.urlencode(g.authorize_params())
    response = g.respond("una", None)
    assert g.post(response, relay).headers["Location"].startswith(CALLBACK + "?code=")
    # "Relaystate", as AWS's page spells it once, is taken too (a fresh assertion: each is used once).
    spelled = requests.post(g.acs, data={"SAMLResponse": g.respond("una", None), "Relaystate": relay}, allow_redirects=False, timeout=10)
    assert spelled.headers["Location"].startswith(CALLBACK + "?code=")
    error, description, _ = error_of(g.post(response, relay))
    assert "The assertion was already used." in description
    # An unsolicited response that claims to answer a request is not taken as IdP-initiated.
    error, description, _ = error_of(g.post(g.respond("una", "_not-sent"), relay))
    assert "answers a request that is not this sign-in" in description


def test_encrypted_assertions_in_chromium(server, idp):
    from conftest import chromium
    f = SamlPool(server, idp, name="SealedIdP", encrypt=True)
    f.user("enzo")
    browser = chromium()
    try:
        location = sign_in_at_the_idp(browser, server.url + "/oauth2/authorize?" + urllib.parse.urlencode(f.authorize_params()), "enzo")
    finally:
        browser.quit()
    assert f.verified(f.tokens(location)["id_token"])["email"] == "enzo@example.com"
    # pysaml2 encrypts with Triple-DES by default; AES-256-CBC (what most IdPs use) works too.
    started = f.start()
    response = f.respond("enzo", started["id"], cipher="aes256-cbc")
    assert "aes256-cbc" in base64.b64decode(response).decode()
    assert f.post(response, started["relay"]).headers["Location"].startswith(CALLBACK + "?code=")
    # With EncryptedResponses on, a plain assertion is refused.
    started = f.start()
    _, description, _ = error_of(f.post(f.respond("enzo", started["id"], encrypt=False), started["relay"]))
    assert "not encrypted" in description


def test_an_encrypted_assertion_is_no_decryption_oracle(server, idp):
    """Issue 26, item 1: once the response's signature no longer covers the ciphertext, a tampered key,
    tampered data (bad padding, text that is not XML) and an assertion nobody signed all answer the same words."""
    f = SamlPool(server, idp, name="OracleIdP", encrypt=True)
    f.user("oscar")
    descriptions = set()
    for tamper in ("data-last-byte", "data-first-block", "data-garbage", "key", "unsigned-assertion"):
        started = f.start()
        unsigned_assertion = tamper == "unsigned-assertion"
        xml = base64.b64decode(f.respond("oscar", started["id"], cipher="aes256-cbc", sign_response=False,
                                         sign_assertion=not unsigned_assertion)).decode()
        values = re.findall(r"<(?:\w+:)?CipherValue>([^<]+)</", xml)
        key, data = values[0], values[-1]
        raw_data = bytearray(base64.b64decode(data))
        if tamper == "data-last-byte":
            raw_data[-1] ^= 0x55
            xml = xml.replace(data, base64.b64encode(bytes(raw_data)).decode())
        elif tamper == "data-first-block":
            raw_data[20] ^= 0x01
            xml = xml.replace(data, base64.b64encode(bytes(raw_data)).decode())
        elif tamper == "data-garbage":
            xml = xml.replace(data, base64.b64encode(bytes(64)).decode())
        elif tamper == "key":
            raw_key = bytearray(base64.b64decode(key))
            raw_key[5] ^= 0x01
            xml = xml.replace(key, base64.b64encode(bytes(raw_key)).decode())
        descriptions.add(refused(f, base64.b64encode(xml.encode()).decode(), started))
    assert descriptions == {"Error in SAML response processing: The encrypted assertion could not be decrypted and verified."}
    assert f.users() == []


def test_a_response_is_taken_only_from_the_browser_that_started_the_sign_in(server, idp):
    """Issue 26, item 2: an SP-initiated response posted by another browser (an attacker's own assertion
    carried to a victim) is refused; IdP-initiated sign-in, where IDPInit allows it, needs no start."""
    f = SamlPool(server, idp)
    f.user("vera")
    started = f.start()
    response = f.respond("vera", started["id"])
    answer = f.post(response, started["relay"], session=requests.Session())
    error, description, location = error_of(answer)
    assert error == "invalid_request" and "did not start in this browser" in description and "code=" not in location
    assert f.users() == []


def test_sha1_signatures_and_a_signed_assertion_alone_are_taken(server, idp):
    f = SamlPool(server, idp)
    f.user("shay")
    started = f.start()
    response = f.respond("shay", started["id"], sign_response=False, sign_alg="http://www.w3.org/2000/09/xmldsig#rsa-sha1",
                         digest_alg="http://www.w3.org/2000/09/xmldsig#sha1")
    assert f.post(response, started["relay"]).headers["Location"].startswith(CALLBACK + "?code=")


def refused(f, response, started, *words):
    answer = f.post(response, started["relay"])
    error, description, location = error_of(answer)
    assert error == "invalid_request" and location.startswith(CALLBACK), location
    for word in words:
        assert word in description, description
    return description


def test_unsigned_and_changed_responses_are_refused(server, idp):
    f = SamlPool(server, idp)
    f.user("ulla")
    started = f.start()
    refused(f, f.respond("ulla", started["id"], sign_response=False, sign_assertion=False), started, "Neither the response nor its assertion is signed")
    # A value changed after signing: the digest no longer matches.
    started = f.start()
    xml = base64.b64decode(f.respond("ulla", started["id"], sign_response=False)).decode()
    xml = xml.replace("ulla@example.com", "boss@example.com")
    refused(f, base64.b64encode(xml.encode()).decode(), started, "changed after signing")
    # A response signed by another key than the metadata's.
    other = SamlIdP(entity_id=idp.entity_id)
    try:
        other.sps = dict(idp.sps)
        other._rebuild()
        started = f.start()
        forged = other.response("ulla", idp.users["ulla"][1], f.sp, f.acs, in_response_to=started["id"])
    finally:
        other.close()
    refused(f, forged, started, "is not the identity provider's")
    assert f.users() == []


def test_wrong_audience_expired_and_replayed_responses_are_refused(server, idp, clock):
    f = SamlPool(server, idp)
    f.user("otto")
    # Correctly signed, but for another service provider.
    other_sp = idp.add_sp("us-east-1_Other", server.url, f.c.get_signing_certificate(UserPoolId=f.pool)["Certificate"],
                          entity_id="urn:amazon:cognito:sp:us-east-1_Other")
    started = f.start()
    response = idp.response("otto", idp.users["otto"][1], other_sp, f.acs, in_response_to=started["id"])
    refused(f, response, started, "another audience")
    # Expired: Cognate's clock an hour on (IdP-initiated, so that no sign-in state expires first).
    g = SamlPool(server, idp, name="LateIdP", IDPInit="true")
    g.user("otto")
    response = g.respond("otto", None)
    clock(advanceSeconds=3600)
    _, description, location = error_of(g.post(response, urllib.parse.urlencode(g.authorize_params())))
    assert "code=" not in location and ("expired" in description or "too long ago" in description), description
    clock(offsetSeconds=0)
    # Replayed: the sign-in it answered is over, so the second post finds nothing to resume.
    started = f.start()
    response = f.respond("otto", started["id"])
    assert f.post(response, started["relay"]).headers["Location"].startswith(CALLBACK + "?code=")
    again = f.post(response, started["relay"])
    assert again.status_code in (302, 400) and "code=" not in again.headers.get("Location", "")
    # The answer to another sign-in of the same browser: InResponseTo does not match.
    first, second = f.start(), f.start()
    refused(f, f.respond("otto", first["id"]), second, "InResponseTo")


def wrap(xml, evil_name):
    """The classic signature-wrapping shapes, built from a response whose assertion alone is signed."""
    assertion = re.search(r"<ns1:Assertion .*?</ns1:Assertion>", xml, re.S).group(0)
    evil = re.sub(r"(<ns1:NameID[^>]*>)[^<]+", r"\g<1>" + evil_name, assertion)
    unsigned_evil = re.sub(r"<ns2:Signature .*?</ns2:Signature>", "", evil, flags=re.S)
    status = "</ns0:Status>"
    return {
        # Two assertions: the signed original and an unsigned copy with the same ID.
        "two assertions": xml.replace(status, status + unsigned_evil),
        # The signed original hidden in Extensions, the evil copy (same ID, the original's signature) in its place.
        "moved into extensions": xml.replace(assertion, "").replace(
            status, "<ns0:Extensions>" + assertion + "</ns0:Extensions>" + status + evil),
        # The evil copy with another ID carries the original signature, whose reference names the hidden original.
        "other id": xml.replace(assertion, "").replace(
            status, "<ns0:Extensions>" + assertion + "</ns0:Extensions>" + status + re.sub(r' ID="[^"]+"', ' ID="evil-1"', evil, count=1)),
        # The evil copy wraps the original inside itself.
        "nested": xml.replace(assertion, unsigned_evil.replace("</ns1:Assertion>", assertion + "</ns1:Assertion>")),
    }


def test_signature_wrapping_is_refused(server, idp):
    f = SamlPool(server, idp)
    f.user("walt")
    started = f.start()
    xml = base64.b64decode(f.respond("walt", started["id"], sign_response=False)).decode()
    for shape, wrapped in wrap(xml, "admin").items():
        started = f.start()
        signed_id = re.search(r'<ns1:Assertion [^>]*ID="([^"]+)"', xml).group(1)
        wrapped = wrapped.replace(re.search(r'InResponseTo="([^"]+)"', xml).group(1), started["id"])
        assert signed_id in wrapped, shape
        answer = f.post(base64.b64encode(wrapped.encode()).decode(), started["relay"])
        _, description, location = error_of(answer)
        assert "code=" not in location and "Error in SAML response processing" in description, (shape, description)
    assert "testidp_admin" not in f.users()


def test_a_comment_in_the_name_id_cannot_shorten_it(server, idp):
    f = SamlPool(server, idp)
    f.user("carol@example.com.evil.test", email="carol@evil.test")
    started = f.start()
    xml = base64.b64decode(f.respond("carol@example.com.evil.test", started["id"])).decode()
    injected = xml.replace(">carol@example.com.evil.test<", ">carol@example.com<!---->.evil.test<")
    assert injected != xml
    answer = f.post(base64.b64encode(injected.encode()).decode(), started["relay"])
    # The signature still holds (canonical XML drops comments), and the user is the whole name, not carol@example.com.
    assert answer.headers["Location"].startswith(CALLBACK + "?code=")
    assert f.users() == ["testidp_carol@example.com.evil.test"]


def test_bad_input_at_the_assertion_consumer(server, idp):
    f = SamlPool(server, idp)
    f.user("bea")
    started = f.start()
    acs = f.acs
    def post(data):
        answer = requests.post(acs, data=data, allow_redirects=False, timeout=10)
        assert answer.status_code in (302, 400), (answer.status_code, answer.text)
        return answer
    # Missing, not base64, not XML, a DOCTYPE with an external entity, too large, unknown relay state.
    assert "code=" not in post({}).headers.get("Location", "")
    for value in ("!!!", base64.b64encode(b"not xml").decode(),
                  base64.b64encode(b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>').decode()):
        _, description, location = error_of(post({"SAMLResponse": value, "RelayState": started["relay"]}))
        assert "code=" not in location
    started = f.start()
    huge = base64.b64encode(b"<x>" + b"a" * 100_000 + b"</x>").decode()
    answer = post({"SAMLResponse": huge, "RelayState": started["relay"]})
    assert "code=" not in answer.headers.get("Location", "")
    answer = post({"SAMLResponse": f.respond("bea", "_x"), "RelayState": "no-such-state"})
    assert "code=" not in answer.headers.get("Location", "")
    # A response with an error status reaches the client as an error.
    started = f.start()
    xml = base64.b64decode(f.respond("bea", started["id"])).decode()
    failed = re.sub(r'status:Success"', 'status:Responder"', xml)
    refused(f, base64.b64encode(failed.encode()).decode(), started, "refused the sign-in", "Responder")
    # Garbage at /saml2/logout.
    for data in ({}, {"SAMLResponse": "x", "RelayState": "nothing"}):
        assert requests.post(server.url + "/saml2/logout", data=data, timeout=10).status_code == 400
    assert requests.get(server.url + "/saml2/logout?SAMLResponse=%zz", timeout=10).status_code == 400
    assert f.users() == []
