"""Identity providers of a pool: CreateIdentityProvider and the rest, with AWS's rules — an OIDC provider
completed from its issuer's discovery document (here another pool of Cognate, a real OpenID provider), the
social providers' fixed endpoints, names, identifiers, attribute mappings, DuplicateProviderException,
paging — and app clients that may only name providers the pool has."""
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import error_code


@pytest.fixture
def upstream(cognito):
    pool = cognito.create_user_pool(PoolName="upstream-" + uuid.uuid4().hex[:6])["UserPool"]["Id"]
    yield pool
    cognito.delete_user_pool(UserPoolId=pool)


def oidc(server, upstream, **extra):
    return {"client_id": "rp", "client_secret": "rp-secret", "authorize_scopes": "openid email",
            "oidc_issuer": f"{server.url}/{upstream}", "attributes_request_method": "GET", **extra}


def test_an_oidc_provider_is_completed_from_discovery(server, cognito, pool, upstream):
    made = cognito.create_identity_provider(UserPoolId=pool, ProviderName="Corp", ProviderType="OIDC",
                                            ProviderDetails=oidc(server, upstream), AttributeMapping={"email": "email"},
                                            IdpIdentifiers=["corp.example.com"])["IdentityProvider"]
    issuer = f"{server.url}/{upstream}"
    details = made["ProviderDetails"]
    assert details["authorize_url"].endswith("/oauth2/authorize") and details["token_url"].endswith("/oauth2/token")
    assert details["attributes_url"].endswith("/oauth2/userInfo") and details["jwks_uri"] == issuer + "/.well-known/jwks.json"
    assert details["attributes_url_add_attributes"] == "false" and details["client_secret"] == "rp-secret"
    assert made["AttributeMapping"] == {"email": "email", "username": "sub"}  # Cognito maps the subject itself
    assert made["IdpIdentifiers"] == ["corp.example.com"] and made["ProviderType"] == "OIDC"
    described = cognito.describe_identity_provider(UserPoolId=pool, ProviderName="Corp")["IdentityProvider"]
    assert described == made
    assert cognito.get_identity_provider_by_identifier(UserPoolId=pool, IdpIdentifier="corp.example.com")["IdentityProvider"] == made
    with pytest.raises(ClientError) as e:
        cognito.create_identity_provider(UserPoolId=pool, ProviderName="Corp", ProviderType="OIDC", ProviderDetails=oidc(server, upstream))
    assert error_code(e) == "DuplicateProviderException"
    with pytest.raises(ClientError) as e:
        cognito.create_identity_provider(UserPoolId=pool, ProviderName="Other", ProviderType="OIDC", ProviderDetails=oidc(server, upstream),
                                         IdpIdentifiers=["corp.example.com"])
    assert error_code(e) == "DuplicateProviderException"
    # Update: what it gives replaces; the secret left out is kept; the endpoints are found again.
    updated = cognito.update_identity_provider(
        UserPoolId=pool, ProviderName="Corp", ProviderDetails={k: v for k, v in oidc(server, upstream).items() if k != "client_secret"},
        IdpIdentifiers=["corp", "dev"])["IdentityProvider"]
    assert updated["ProviderDetails"]["client_secret"] == "rp-secret" and updated["IdpIdentifiers"] == ["corp", "dev"]
    assert updated["AttributeMapping"] == made["AttributeMapping"] and updated["LastModifiedDate"] >= made["LastModifiedDate"]
    with pytest.raises(ClientError) as e:
        cognito.get_identity_provider_by_identifier(UserPoolId=pool, IdpIdentifier="corp.example.com")
    assert error_code(e) == "ResourceNotFoundException"
    cognito.delete_identity_provider(UserPoolId=pool, ProviderName="Corp")
    with pytest.raises(ClientError) as e:
        cognito.describe_identity_provider(UserPoolId=pool, ProviderName="Corp")
    assert error_code(e) == "ResourceNotFoundException"


def test_oidc_details_that_cannot_work_are_refused(server, cognito, pool, upstream):
    def refused(details, name="Bad", kind="OIDC", **extra):
        with pytest.raises(ClientError) as e:
            cognito.create_identity_provider(UserPoolId=pool, ProviderName=name, ProviderType=kind, ProviderDetails=details, **extra)
        return error_code(e)
    assert refused({k: v for k, v in oidc(server, upstream).items() if k != "client_id"}) == "InvalidParameterException"
    assert refused(oidc(server, upstream, attributes_request_method="PUT")) == "InvalidParameterException"
    assert refused(oidc(server, upstream, oidc_issuer=f"{server.url}/{upstream}/")) == "InvalidParameterException"
    assert refused(oidc(server, upstream, oidc_issuer=f"{server.url}/us-east-1_Nobody")) == "InvalidParameterException"  # no discovery
    assert refused(oidc(server, upstream), AttributeMapping={"shoe_size": "size"}) == "InvalidParameterException"
    assert refused(oidc(server, upstream), AttributeMapping={"identities": "groups"}) == "InvalidParameterException"
    assert refused(oidc(server, upstream), name="COGNITO") == "InvalidParameterException"
    assert refused(oidc(server, upstream), name="Google") == "InvalidParameterException"
    assert refused({"client_id": "g", "client_secret": "s", "authorize_scopes": "openid"}, name="MyGoogle", kind="Google") == "InvalidParameterException"
    assert refused({"client_id": "g", "authorize_scopes": "openid"}, name="Google", kind="Google") == "InvalidParameterException"
    # Explicit endpoints need no discovery.
    explicit = oidc(server, "us-east-1_Nobody", authorize_url="https://idp.example.com/authorize", token_url="https://idp.example.com/token",
                    attributes_url="https://idp.example.com/userinfo", jwks_uri="https://idp.example.com/jwks")
    made = cognito.create_identity_provider(UserPoolId=pool, ProviderName="Explicit", ProviderType="OIDC",
                                            ProviderDetails=explicit)["IdentityProvider"]
    assert made["ProviderDetails"]["token_url"] == "https://idp.example.com/token"


def test_social_providers_get_their_endpoints_and_clients_name_only_known_providers(cognito, pool):
    facebook = cognito.create_identity_provider(
        UserPoolId=pool, ProviderName="Facebook", ProviderType="Facebook",
        ProviderDetails={"client_id": "11111", "client_secret": "11111", "authorize_scopes": "public_profile,email"})["IdentityProvider"]
    assert facebook["ProviderDetails"]["token_request_method"] == "GET" and facebook["AttributeMapping"] == {"username": "id"}
    assert facebook["ProviderDetails"]["authorize_url"] == "https://www.facebook.com/v17.0/dialog/oauth"
    google = cognito.create_identity_provider(
        UserPoolId=pool, ProviderName="Google", ProviderType="Google", AttributeMapping={"email": "email"},
        ProviderDetails={"client_id": "g", "client_secret": "s", "authorize_scopes": "openid email profile"})["IdentityProvider"]
    assert google["ProviderDetails"]["oidc_issuer"] == "https://accounts.google.com"
    apple = cognito.create_identity_provider(
        UserPoolId=pool, ProviderName="SignInWithApple", ProviderType="SignInWithApple",
        ProviderDetails={"client_id": "a", "team_id": "T", "key_id": "K", "private_key": "-----BEGIN PRIVATE KEY-----x", "authorize_scopes": "email name"}
    )["IdentityProvider"]
    assert "private_key" not in apple["ProviderDetails"]  # never given back
    listed = cognito.list_identity_providers(UserPoolId=pool, MaxResults=2)
    assert [p["ProviderName"] for p in listed["Providers"]] == ["Facebook", "Google"] and "ProviderDetails" not in listed["Providers"][0]
    rest = cognito.list_identity_providers(UserPoolId=pool, MaxResults=2, NextToken=listed["NextToken"])
    assert [p["ProviderName"] for p in rest["Providers"]] == ["SignInWithApple"] and "NextToken" not in rest
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="web", SupportedIdentityProviders=["COGNITO", "Google"])
    assert client["UserPoolClient"]["SupportedIdentityProviders"] == ["COGNITO", "Google"]
    with pytest.raises(ClientError) as e:
        cognito.create_user_pool_client(UserPoolId=pool, ClientName="web", SupportedIdentityProviders=["Okta"])
    assert error_code(e) == "InvalidParameterException"
    assert e.value.response["Error"]["Message"] == f"The provider Okta does not exist for User Pool {pool}"


def saml_metadata(certificate, entity="https://idp.example.com/metadata", sso="https://idp.example.com/sso"):
    return (f'<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity}">'
            '<IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><KeyDescriptor use="signing">'
            f'<KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>{certificate}</X509Certificate></X509Data>'
            '</KeyInfo></KeyDescriptor><SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
            f'Location="{sso}"/></IDPSSODescriptor></EntityDescriptor>')


def test_saml_providers_are_listed_updated_and_deleted(cognito, pool):
    certificate = cognito.get_signing_certificate(UserPoolId=pool)["Certificate"]  # any certificate will do for the metadata
    cognito.create_identity_provider(UserPoolId=pool, ProviderName="Corp", ProviderType="SAML",
                                     ProviderDetails={"MetadataFile": saml_metadata(certificate)}, IdpIdentifiers=["corp.example.com"])
    listed = cognito.list_identity_providers(UserPoolId=pool)["Providers"]
    assert [(p["ProviderName"], p["ProviderType"]) for p in listed] == [("Corp", "SAML")]
    # An update without metadata keeps it; the switches change; a new metadata file moves the endpoints.
    updated = cognito.update_identity_provider(UserPoolId=pool, ProviderName="Corp", ProviderDetails={"IDPSignout": "true"})["IdentityProvider"]
    assert updated["ProviderDetails"]["IDPSignout"] == "true"
    assert updated["ProviderDetails"]["SSORedirectBindingURI"] == "https://idp.example.com/sso"
    updated = cognito.update_identity_provider(UserPoolId=pool, ProviderName="Corp", ProviderDetails={
        "MetadataFile": saml_metadata(certificate, sso="https://idp.example.com/sso2")})["IdentityProvider"]
    assert updated["ProviderDetails"]["SSORedirectBindingURI"] == "https://idp.example.com/sso2" and "IDPSignout" not in updated["ProviderDetails"]
    assert cognito.get_identity_provider_by_identifier(UserPoolId=pool, IdpIdentifier="corp.example.com")["IdentityProvider"]["ProviderName"] == "Corp"
    with pytest.raises(ClientError) as e:
        cognito.update_identity_provider(UserPoolId=pool, ProviderName="Corp", ProviderDetails={"MetadataFile": "<nope"})
    assert error_code(e) == "InvalidParameterException"
    cognito.delete_identity_provider(UserPoolId=pool, ProviderName="Corp")
    assert cognito.list_identity_providers(UserPoolId=pool)["Providers"] == []


def test_the_signing_certificate_is_the_pools_and_stays_the_same(server, cognito, pool):
    import base64

    import requests
    from cryptography import x509
    first = cognito.get_signing_certificate(UserPoolId=pool)["Certificate"]
    assert not first.startswith("-----")  # base64 DER, as AWS answers it
    cert = x509.load_der_x509_certificate(base64.b64decode(first))
    from cryptography.x509.oid import NameOID
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == f"urn:amazon:cognito:sp:{pool}"
    assert cert.issuer == cert.subject
    assert 3650 <= (cert.not_valid_after_utc - cert.not_valid_before_utc).days <= 3653
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    cert.public_key().verify(cert.signature, cert.tbs_certificate_bytes, PKCS1v15(), cert.signature_hash_algorithm)  # self-signed
    assert cognito.get_signing_certificate(UserPoolId=pool)["Certificate"] == first
    jwk = requests.get(f"{server.url}/{pool}/.well-known/jwks.json", timeout=5).json()["keys"][0]
    modulus = int.from_bytes(base64.urlsafe_b64decode(jwk["n"] + "=" * (-len(jwk["n"]) % 4)), "big")
    assert cert.public_key().public_numbers().n == modulus
    with pytest.raises(ClientError) as e:
        cognito.get_signing_certificate(UserPoolId="us-east-1_Nobody00")
    assert error_code(e) == "ResourceNotFoundException"
