"""Makes the SAML test vectors of CognateSAMLTests with pysaml2 and xmlsec1 (independent of Cognate):
an IdP's metadata, a response whose response and assertion it signed, and one with an assertion encrypted to
the SP key in sp-key.pem. Run from the repository root with the e2e venv:
    .venv-e2e/bin/python Scripts/make-saml-fixtures.py
The responses were issued at the instant printed in issued-at.txt, which the tests take as their clock."""
import base64
import os
import re
import sys

sys.path.insert(0, "e2e")
from saml_idp import SamlIdP  # noqa: E402

here = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Tests", "CognateSAMLTests", "Fixtures")
idp = SamlIdP(entity_id="https://idp.example.test/metadata")
try:
    cert = open(idp.cert_file).read().split("-----")[2].replace("\n", "")
    sp = idp.add_sp("us-east-1_Fixture1", "https://auth.example.test", cert, encrypt=False)
    acs = "https://auth.example.test/saml2/idpresponse"
    attributes = {"email": ["fixture@example.com"], "displayName": ["Fixture User"]}
    signed = base64.b64decode(idp.response("fixture-user", attributes, sp, acs, in_response_to="_request1"))
    encrypted = base64.b64decode(idp.response("fixture-user", attributes, sp, acs, in_response_to="_request1", encrypt=True,
                                              cipher="aes256-cbc"))
    with open(os.path.join(here, "idp-metadata.xml"), "w") as f:
        f.write(idp.metadata())
    with open(os.path.join(here, "signed-response.xml"), "wb") as f:
        f.write(signed)
    with open(os.path.join(here, "encrypted-response.xml"), "wb") as f:
        f.write(encrypted)
    # The SP's key is the IdP's own here (one key pair serves both in this fixture).
    with open(os.path.join(here, "sp-key.pem"), "w") as f:
        f.write(open(idp.key_file).read())
    with open(os.path.join(here, "issued-at.txt"), "w") as f:
        f.write(re.search(rb'IssueInstant="([^"]+)"', signed).group(1).decode() + "\n")
finally:
    idp.close()
