"""A SAML 2.0 identity provider for the end-to-end suite, independent of Cognate: pysaml2's IdP, which signs
and encrypts with xmlsec1 (Debian's). It serves its metadata, a sign-in page for AuthnRequests by the
redirect binding (whose signature it checks against the SP's certificate), IdP-initiated sign-in, and single
logout by the redirect binding, answering by the POST binding as real IdPs do. Tests also ask it for responses
directly (`response(...)`) to tamper with them."""
import base64
import datetime
import html
import http.server
import os
import re
import secrets
import tempfile
import threading
import urllib.parse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.authn_context import PASSWORD
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server as Saml2Server

from conftest import free_port

XMLSEC = "/usr/bin/xmlsec1"


def key_pair(directory, name, common_name):
    """A 2048-bit RSA key and a self-signed certificate, as PEM files."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365)).sign(key, hashes.SHA256()))
    key_path, cert_path = os.path.join(directory, name + ".key"), os.path.join(directory, name + ".crt")
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()))
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def sp_metadata(entity_id, base_url, certificate_b64):
    """What an administrator gives the IdP about a Cognito pool: its entity ID, ACS, SLO and certificate."""
    key = (f'<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>{certificate_b64}'
           '</ds:X509Certificate></ds:X509Data></ds:KeyInfo>')
    return (f'<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity_id}">'
            '<md:SPSSODescriptor AuthnRequestsSigned="true" WantAssertionsSigned="true" '
            'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
            f'<md:KeyDescriptor use="signing">{key}</md:KeyDescriptor><md:KeyDescriptor use="encryption">{key}</md:KeyDescriptor>'
            f'<md:SingleLogoutService Binding="{BINDING_HTTP_POST}" Location="{base_url}/saml2/logout"/>'
            f'<md:AssertionConsumerService Binding="{BINDING_HTTP_POST}" Location="{base_url}/saml2/idpresponse" index="0" isDefault="true"/>'
            '</md:SPSSODescriptor></md:EntityDescriptor>')


class SamlIdP:
    def __init__(self, entity_id=None):
        """`entity_id`: another IdP's, to forge its responses with this one's key."""
        self.dir = tempfile.mkdtemp(prefix="saml-idp-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.entity_id = entity_id or self.url + "/metadata"
        self.key_file, self.cert_file = key_pair(self.dir, "idp", "saml-idp.test")
        self.users = {}          # name -> (password, attributes)
        self.sps = {}            # entity id -> metadata XML
        self.pending = {}        # form token -> what the sign-in answers
        self.logouts = []        # (name id, session indexes, signed) of LogoutRequests received
        self.sessions = {}       # name -> the SessionIndex of the last assertion issued in clear
        self.encrypt = set()     # SP entity IDs whose assertions are encrypted
        self.server = None
        self._rebuild()
        handler = self._handler()
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- configuration
    def _rebuild(self):
        config = IdPConfig()
        config.load({
            "entityid": self.entity_id,
            "service": {"idp": {
                "endpoints": {
                    "single_sign_on_service": [(self.url + "/sso/redirect", BINDING_HTTP_REDIRECT)],
                    "single_logout_service": [(self.url + "/slo/redirect", BINDING_HTTP_REDIRECT)],
                },
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                # Requests must be signed when the SP's metadata says AuthnRequestsSigned (pysaml2 then checks them).
                "want_authn_requests_signed": True,
                "policy": {"default": {"lifetime": {"minutes": 15}, "attribute_restrictions": None,
                                       "name_form": "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"}},
            }},
            "key_file": self.key_file, "cert_file": self.cert_file,
            "encryption_keypairs": [{"key_file": self.key_file, "cert_file": self.cert_file}],
            "xmlsec_binary": XMLSEC,
            "metadata": {"inline": list(self.sps.values())},
            "delete_tmpfiles": True,
        })
        self.server = Saml2Server(config=config)

    def metadata(self):
        return str(entity_descriptor(self.server.config))

    def add_sp(self, pool_id, base_url, certificate_b64, encrypt=False, entity_id=None):
        entity_id = entity_id or "urn:amazon:cognito:sp:" + pool_id
        self.sps[entity_id] = sp_metadata(entity_id, base_url, certificate_b64)
        if encrypt:
            self.encrypt.add(entity_id)
        self._rebuild()
        return entity_id

    def sp_certificate_pem(self, entity_id):
        b64 = self.sps[entity_id].split("<ds:X509Certificate>")[1].split("<")[0]
        return "-----BEGIN CERTIFICATE-----\n" + b64 + "\n-----END CERTIFICATE-----\n"

    # -- responses
    def response(self, name, attributes, sp_entity_id, acs, in_response_to=None, sign_response=True, sign_assertion=True,
                 encrypt=None, sign_alg="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                 digest_alg="http://www.w3.org/2001/04/xmlenc#sha256", cipher=None):
        """A base64 SAMLResponse for the user, as this IdP signs (and encrypts) it. pysaml2 encrypts with
        Triple-DES; `cipher="aes256-cbc"` makes it use AES-256-CBC as most IdPs do."""
        encrypt = (sp_entity_id in self.encrypt) if encrypt is None else encrypt
        kwargs = {}
        if encrypt:
            kwargs = {"encrypt_assertion": True, "encrypt_cert_assertion": self.sp_certificate_pem(sp_entity_id),
                      "encrypt_assertion_self_contained": True}
        if cipher:
            return self._with_cipher(cipher, lambda: self.response(
                name, attributes, sp_entity_id, acs, in_response_to, sign_response, sign_assertion, encrypt, sign_alg, digest_alg))
        authn = {"class_ref": PASSWORD, "authn_auth": self.entity_id}
        response = self.server.create_authn_response(
            attributes, in_response_to=in_response_to, destination=acs, sp_entity_id=sp_entity_id,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=name), authn=authn,
            sign_response=sign_response, sign_assertion=sign_assertion, sign_alg=sign_alg, digest_alg=digest_alg, **kwargs)
        text = str(response)
        index = re.search(r'SessionIndex="([^"]+)"', text)
        if index:
            self.sessions[name] = index.group(1)
        return base64.b64encode(text.encode()).decode()

    def _with_cipher(self, cipher, make):
        import saml2.entity
        pre, encrypt = saml2.entity.pre_encryption_part, self.server.sec.encrypt_assertion
        saml2.entity.pre_encryption_part = lambda **kw: pre(msg_enc="http://www.w3.org/2001/04/xmlenc#" + cipher, **kw)
        self.server.sec.encrypt_assertion = lambda *a, **kw: encrypt(*a, key_type=cipher.replace("-cbc", "").replace("aes", "aes-"), **kw)
        try:
            return make()
        finally:
            saml2.entity.pre_encryption_part, self.server.sec.encrypt_assertion = pre, encrypt

    @staticmethod
    def autopost(action, fields):
        inputs = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}"/>' for k, v in fields.items() if v is not None)
        return (f'<!doctype html><html><body onload="document.forms[0].submit()"><form method="post" action="{html.escape(action)}">'
                f'{inputs}<noscript><button type="submit">Continue</button></noscript></form></body></html>')

    def _handler(self):
        idp = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body, content_type="text/html; charset=utf-8", headers=()):
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def _login_page(self, token, error=""):
                message = f'<p role="alert">{html.escape(error)}</p>' if error else ""
                return (f'<!doctype html><html><head><title>Test IdP sign-in</title></head><body><h1>Test IdP</h1>{message}'
                        '<form method="post" action="/sso/login">'
                        f'<input type="hidden" name="token" value="{token}"/>'
                        '<label>Username <input id="idp-username" name="username"/></label>'
                        '<label>Password <input id="idp-password" name="password" type="password"/></label>'
                        '<button id="idp-submit" type="submit">Sign in</button></form></body></html>')

            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
                if url.path == "/metadata":
                    return self._send(200, idp.metadata(), "application/samlmetadata+xml")
                if url.path == "/sso/redirect":
                    try:
                        request = idp.server.parse_authn_request(
                            query["SAMLRequest"], BINDING_HTTP_REDIRECT, relay_state=query.get("RelayState"),
                            sigalg=query.get("SigAlg"), signature=query.get("Signature"))
                    except Exception as error:  # what the IdP refuses, the test sees
                        return self._send(400, f"refused: {html.escape(repr(error))}", "text/plain")
                    message = request.message
                    token = secrets.token_urlsafe(16)
                    idp.pending[token] = {"in_response_to": message.id, "sp": message.issuer.text, "acs": message.assertion_consumer_service_url,
                                          "relay": query.get("RelayState"), "signed": "Signature" in query}
                    return self._send(200, self._login_page(token))
                if url.path == "/idp-init":
                    # IdP-initiated: the user picks the application here; RelayState carries Cognito's authorize parameters.
                    token = secrets.token_urlsafe(16)
                    idp.pending[token] = {"in_response_to": None, "sp": query["sp"], "acs": query["acs"], "relay": query.get("RelayState")}
                    return self._send(200, self._login_page(token))
                if url.path == "/slo/redirect":
                    try:
                        request = idp.server.parse_logout_request(
                            query["SAMLRequest"], BINDING_HTTP_REDIRECT, relay_state=query.get("RelayState"),
                            sigalg=query.get("SigAlg"), signature=query.get("Signature"))
                    except Exception as error:
                        return self._send(400, f"refused: {html.escape(repr(error))}", "text/plain")
                    message = request.message
                    idp.logouts.append((message.name_id.text, [s.text for s in message.session_index], "Signature" in query))
                    response = idp.server.create_logout_response(message, [BINDING_HTTP_POST], sign=True)
                    destination = idp.server.config.metadata.single_logout_service(message.issuer.text, BINDING_HTTP_POST, "spsso")[0]["location"]
                    encoded = base64.b64encode(str(response).encode()).decode()
                    return self._send(200, idp.autopost(destination, {"SAMLResponse": encoded, "RelayState": query.get("RelayState")}))
                return self._send(404, "not found", "text/plain")

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in urllib.parse.parse_qs(self.rfile.read(length).decode()).items()}
                if self.path != "/sso/login":
                    return self._send(404, "not found", "text/plain")
                pending = idp.pending.get(form.get("token", ""))
                if pending is None:
                    return self._send(400, "unknown sign-in", "text/plain")
                user = idp.users.get(form.get("username", ""))
                if user is None or user[0] != form.get("password"):
                    return self._send(200, self._login_page(form["token"], "Wrong username or password."))
                del idp.pending[form["token"]]
                encoded = idp.response(form["username"], user[1], pending["sp"], pending["acs"], in_response_to=pending["in_response_to"])
                return self._send(200, idp.autopost(pending["acs"], {"SAMLResponse": encoded, "RelayState": pending["relay"]}))

        return Handler
