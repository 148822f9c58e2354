"""A user's own test suite, using only the plugin's fixtures: sign-up with the code that was sent, SRP
sign-in with pycognito, token verification with PyJWT against the pool's keys, application code that builds
its own boto3 client, and codes that expire as the server's clock moves."""
import boto3
import jwt
import pytest
import requests
from botocore.exceptions import ClientError
from pycognito import Cognito

PASSWORD = "Sample-Passw0rd!"


def create_account(username, email, password, client_id):
    """Application code under test: it builds its own client, as production code does."""
    idp = boto3.client("cognito-idp")
    idp.sign_up(ClientId=client_id, Username=username, Password=password, UserAttributes=[{"Name": "email", "Value": email}])


def test_sign_up_with_the_code_that_was_sent(cognate, cognito_idp, cognate_pool):
    pool = cognate_pool(pool={"AutoVerifiedAttributes": ["email"]})
    create_account("sam", "sam@example.com", PASSWORD, pool.client_id)
    code = cognate.last_code("sam@example.com")
    cognito_idp.confirm_sign_up(ClientId=pool.client_id, Username="sam", ConfirmationCode=code)
    assert cognito_idp.admin_get_user(UserPoolId=pool.id, Username="sam")["UserStatus"] == "CONFIRMED"


def test_srp_sign_in_and_verified_tokens(cognate, cognate_pool):
    pool = cognate_pool(users=[{"Username": "alice", "Password": PASSWORD, "Attributes": {"email": "alice@example.com"}}])
    # pycognito checks tokens against the issuer of the endpoint it is given (else AWS's): Cognate's.
    user = Cognito(pool.id, pool.client_id, username="alice", boto3_client_kwargs={"endpoint_url": cognate.endpoint})
    user.authenticate(password=PASSWORD)
    issuer = f"{cognate.endpoint}/{pool.id}"
    discovery = requests.get(issuer + "/.well-known/openid-configuration", timeout=5).json()
    assert discovery["issuer"] == issuer
    key = jwt.PyJWKClient(discovery["jwks_uri"]).get_signing_key_from_jwt(user.id_token)
    claims = jwt.decode(user.id_token, key.key, algorithms=["RS256"], audience=pool.client_id, issuer=issuer)
    assert claims["cognito:username"] == "alice" and claims["email"] == "alice@example.com"


def test_each_test_starts_from_an_empty_server(cognito_idp):
    assert cognito_idp.list_user_pools(MaxResults=10)["UserPools"] == []


def test_a_code_expires_when_the_clock_moves(cognate, cognito_idp, cognate_pool):
    pool = cognate_pool(users=[{"Username": "bob", "Password": PASSWORD, "Attributes": {"email": "bob@example.com", "email_verified": "true"}}])
    cognito_idp.forgot_password(ClientId=pool.client_id, Username="bob")
    code = cognate.last_code("bob@example.com")
    cognate.advance_clock(2 * 3600)
    with pytest.raises(ClientError) as refused:
        cognito_idp.confirm_forgot_password(ClientId=pool.client_id, Username="bob", ConfirmationCode=code, Password="Another-Passw0rd!")
    assert refused.value.response["Error"]["Code"] == "ExpiredCodeException"
