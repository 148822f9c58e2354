"""Sign-in: the password flows, SRP with an independent client (pycognito), NEW_PASSWORD_REQUIRED,
refresh, tokens verified with PyJWT against the pool's JWKS, and the rejections."""
import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
import requests
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

from conftest import error_code

PASSWORD = "Str0ng-Passw0rd!"


def confirmed_user(cognito, pool, username="alice", password=PASSWORD, attributes=None):
    cognito.admin_create_user(UserPoolId=pool, Username=username, MessageAction="SUPPRESS",
                              UserAttributes=attributes or [{"Name": "email", "Value": f"{username}@example.com"},
                                                            {"Name": "email_verified", "Value": "true"}])
    cognito.admin_set_user_password(UserPoolId=pool, Username=username, Password=password, Permanent=True)


def client_id(cognito, pool, **kwargs):
    kwargs.setdefault("ExplicitAuthFlows", ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH",
                                            "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    return cognito.create_user_pool_client(UserPoolId=pool, ClientName="app", **kwargs)["UserPoolClient"]


def password_auth(cognito, cid, username="alice", password=PASSWORD, **extra):
    return cognito.initiate_auth(ClientId=cid, AuthFlow="USER_PASSWORD_AUTH",
                                 AuthParameters={"USERNAME": username, "PASSWORD": password, **extra})


def verify(server, pool, token, audience=None):
    issuer = f"{server.url}/{pool}"
    config = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=5).json()
    assert config["issuer"] == issuer
    key = jwt.PyJWKClient(config["jwks_uri"]).get_signing_key_from_jwt(token)
    return jwt.decode(token, key.key, algorithms=["RS256"], issuer=issuer, audience=audience,
                      options={"verify_aud": audience is not None})


def test_user_password_auth_tokens_verify_with_pyjwt(server, cognito, pool):
    confirmed_user(cognito, pool)
    cognito.create_group(UserPoolId=pool, GroupName="admins", Precedence=1)
    cognito.admin_add_user_to_group(UserPoolId=pool, Username="alice", GroupName="admins")
    cid = client_id(cognito, pool)["ClientId"]
    result = password_auth(cognito, cid)["AuthenticationResult"]
    assert result["TokenType"] == "Bearer" and result["ExpiresIn"] == 3600 and result["RefreshToken"]
    id_claims = verify(server, pool, result["IdToken"], audience=cid)
    access = verify(server, pool, result["AccessToken"])
    assert id_claims["token_use"] == "id" and access["token_use"] == "access"
    assert id_claims["cognito:username"] == "alice" and access["username"] == "alice"
    assert id_claims["email"] == "alice@example.com" and id_claims["email_verified"] is True
    assert id_claims["sub"] == access["sub"] and access["client_id"] == cid
    assert id_claims["cognito:groups"] == ["admins"] == access["cognito:groups"]
    assert access["scope"] == "aws.cognito.signin.user.admin"
    assert id_claims["origin_jti"] == access["origin_jti"] and id_claims["jti"] != access["jti"]
    assert access["exp"] - access["iat"] == 3600 and access["auth_time"] <= access["iat"]
    me = cognito.get_user(AccessToken=result["AccessToken"])
    assert me["Username"] == "alice"
    assert {a["Name"]: a["Value"] for a in me["UserAttributes"]}["email"] == "alice@example.com"


def test_token_lifetimes_follow_the_client(server, cognito, pool):
    confirmed_user(cognito, pool)
    cid = client_id(cognito, pool, AccessTokenValidity=10, IdTokenValidity=2,
                    TokenValidityUnits={"AccessToken": "minutes", "IdToken": "hours"})["ClientId"]
    result = password_auth(cognito, cid)["AuthenticationResult"]
    access = verify(server, pool, result["AccessToken"])
    id_claims = verify(server, pool, result["IdToken"], audience=cid)
    assert result["ExpiresIn"] == 600 and access["exp"] - access["iat"] == 600
    assert id_claims["exp"] - id_claims["iat"] == 7200


def test_admin_flow_with_new_password_required(server, cognito, pool):
    cognito.admin_create_user(UserPoolId=pool, Username="newbie", TemporaryPassword="Temp-Passw0rd!", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": "newbie@example.com"}])
    cid = client_id(cognito, pool)["ClientId"]
    challenge = cognito.admin_initiate_auth(UserPoolId=pool, ClientId=cid, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                            AuthParameters={"USERNAME": "newbie", "PASSWORD": "Temp-Passw0rd!"})
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED" and challenge["Session"]
    assert "newbie@example.com" in challenge["ChallengeParameters"]["userAttributes"]
    # A password the policy refuses does not use up the session.
    with pytest.raises(cognito.exceptions.InvalidPasswordException):
        cognito.admin_respond_to_auth_challenge(UserPoolId=pool, ClientId=cid, ChallengeName="NEW_PASSWORD_REQUIRED",
                                                Session=challenge["Session"],
                                                ChallengeResponses={"USERNAME": "newbie", "NEW_PASSWORD": "weak"})
    done = cognito.admin_respond_to_auth_challenge(
        UserPoolId=pool, ClientId=cid, ChallengeName="NEW_PASSWORD_REQUIRED", Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "newbie", "NEW_PASSWORD": PASSWORD, "userAttributes.name": "New Bie"})
    assert verify(server, pool, done["AuthenticationResult"]["IdToken"], audience=cid)["name"] == "New Bie"
    assert cognito.admin_get_user(UserPoolId=pool, Username="newbie")["UserStatus"] == "CONFIRMED"
    # The session was answered: it cannot be used again.
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.admin_respond_to_auth_challenge(UserPoolId=pool, ClientId=cid, ChallengeName="NEW_PASSWORD_REQUIRED",
                                                Session=challenge["Session"],
                                                ChallengeResponses={"USERNAME": "newbie", "NEW_PASSWORD": "An0ther-Pass!"})
    password_auth(cognito, cid, "newbie")


def test_srp_sign_in_with_pycognito(server, cognito, pool):
    confirmed_user(cognito, pool, "srpuser")
    cid = client_id(cognito, pool)["ClientId"]
    tokens = AWSSRP(username="srpuser", password=PASSWORD, pool_id=pool, client_id=cid, client=cognito).authenticate_user()
    result = tokens["AuthenticationResult"]
    assert verify(server, pool, result["AccessToken"])["username"] == "srpuser"
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        AWSSRP(username="srpuser", password="Wr0ng-Passw0rd!", pool_id=pool, client_id=cid, client=cognito).authenticate_user()


def test_srp_with_an_email_alias_and_a_client_secret(server, cognito):
    pool = cognito.create_user_pool(PoolName="srp-alias", AliasAttributes=["email"])["UserPool"]["Id"]
    confirmed_user(cognito, pool, "bob")
    client = client_id(cognito, pool, GenerateSecret=True)
    srp = AWSSRP(username="bob@example.com", password=PASSWORD, pool_id=pool, client_id=client["ClientId"],
                 client_secret=client["ClientSecret"], client=cognito)
    result = srp.authenticate_user()["AuthenticationResult"]
    assert verify(server, pool, result["IdToken"], audience=client["ClientId"])["cognito:username"] == "bob"
    cognito.delete_user_pool(UserPoolId=pool)


def test_replayed_password_verifier_is_refused(cognito, pool):
    confirmed_user(cognito, pool, "replay")
    cid = client_id(cognito, pool)["ClientId"]
    srp = AWSSRP(username="replay", password=PASSWORD, pool_id=pool, client_id=cid, client=cognito)
    challenge = cognito.initiate_auth(ClientId=cid, AuthFlow="USER_SRP_AUTH", AuthParameters=srp.get_auth_params())
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER"
    responses = srp.process_challenge(challenge["ChallengeParameters"], srp.get_auth_params())
    ok = cognito.respond_to_auth_challenge(ClientId=cid, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=responses)
    assert ok["AuthenticationResult"]["AccessToken"]
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.respond_to_auth_challenge(ClientId=cid, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=responses)


def test_forged_password_claim_is_refused(cognito, pool):
    confirmed_user(cognito, pool, "forge")
    cid = client_id(cognito, pool)["ClientId"]
    srp = AWSSRP(username="forge", password=PASSWORD, pool_id=pool, client_id=cid, client=cognito)
    challenge = cognito.initiate_auth(ClientId=cid, AuthFlow="USER_SRP_AUTH", AuthParameters=srp.get_auth_params())
    responses = srp.process_challenge(challenge["ChallengeParameters"], srp.get_auth_params())
    responses["PASSWORD_CLAIM_SIGNATURE"] = base64.b64encode(b"\x00" * 32).decode()
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.respond_to_auth_challenge(ClientId=cid, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=responses)


def test_refresh(server, cognito, pool):
    confirmed_user(cognito, pool)
    cid = client_id(cognito, pool)["ClientId"]
    first = password_auth(cognito, cid)["AuthenticationResult"]
    refreshed = cognito.initiate_auth(ClientId=cid, AuthFlow="REFRESH_TOKEN_AUTH",
                                      AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]})["AuthenticationResult"]
    assert "RefreshToken" not in refreshed
    old, new = verify(server, pool, first["AccessToken"]), verify(server, pool, refreshed["AccessToken"])
    assert new["origin_jti"] == old["origin_jti"] and new["jti"] != old["jti"]
    for bad in ("not-a-token", first["AccessToken"]):
        with pytest.raises(cognito.exceptions.NotAuthorizedException):
            cognito.initiate_auth(ClientId=cid, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": bad})
    # A refresh token belongs to its client.
    other = client_id(cognito, pool)["ClientId"]
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.initiate_auth(ClientId=other, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]})


def test_rejections(cognito, pool):
    confirmed_user(cognito, pool)
    cid = client_id(cognito, pool)["ClientId"]
    with pytest.raises(ClientError) as e:
        password_auth(cognito, cid, password="Wr0ng-Passw0rd!")
    assert error_code(e) == "NotAuthorizedException" and e.value.response["Error"]["Message"] == "Incorrect username or password."
    with pytest.raises(cognito.exceptions.UserNotFoundException):
        password_auth(cognito, cid, username="ghost")
    hidden = client_id(cognito, pool, PreventUserExistenceErrors="ENABLED")["ClientId"]
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        password_auth(cognito, hidden, username="ghost")
    cognito.admin_disable_user(UserPoolId=pool, Username="alice")
    with pytest.raises(ClientError) as e:
        password_auth(cognito, cid)
    assert e.value.response["Error"]["Message"] == "User is disabled."
    cognito.admin_enable_user(UserPoolId=pool, Username="alice")
    srp_only = cognito.create_user_pool_client(UserPoolId=pool, ClientName="srp-only")["UserPoolClient"]["ClientId"]
    with pytest.raises(ClientError) as e:
        password_auth(cognito, srp_only)
    assert error_code(e) == "InvalidParameterException"
    with pytest.raises(ClientError) as e:
        cognito.initiate_auth(ClientId=cid, AuthFlow="ADMIN_USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD})
    assert error_code(e) == "InvalidParameterException"
    with pytest.raises(cognito.exceptions.ResourceNotFoundException):
        password_auth(cognito, "nosuchclient123")


def test_secret_hash(cognito, pool):
    confirmed_user(cognito, pool)
    client = client_id(cognito, pool, GenerateSecret=True)
    cid, secret = client["ClientId"], client["ClientSecret"]
    good = base64.b64encode(hmac.new(secret.encode(), ("alice" + cid).encode(), hashlib.sha256).digest()).decode()
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        password_auth(cognito, cid)
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        password_auth(cognito, cid, SECRET_HASH=base64.b64encode(b"x" * 32).decode())
    result = password_auth(cognito, cid, SECRET_HASH=good)["AuthenticationResult"]
    # Refresh with a secret needs the hash too, made with the username or the sub.
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.initiate_auth(ClientId=cid, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]})
    cognito.initiate_auth(ClientId=cid, AuthFlow="REFRESH_TOKEN_AUTH",
                          AuthParameters={"REFRESH_TOKEN": result["RefreshToken"], "SECRET_HASH": good})


def test_unconfirmed_and_reset_required(cognito, pool):
    cognito.admin_create_user(UserPoolId=pool, Username="temp", TemporaryPassword="Temp-Passw0rd!", MessageAction="SUPPRESS")
    cid = client_id(cognito, pool)["ClientId"]
    assert password_auth(cognito, cid, "temp", "Temp-Passw0rd!")["ChallengeName"] == "NEW_PASSWORD_REQUIRED"


def test_forged_and_misused_tokens(server, cognito, pool):
    confirmed_user(cognito, pool)
    cid = client_id(cognito, pool)["ClientId"]
    result = password_auth(cognito, cid)["AuthenticationResult"]
    header, payload, signature = result["AccessToken"].split(".")
    claims = jwt.decode(result["AccessToken"], options={"verify_signature": False})
    claims["username"] = "mallory"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    for bad in (f"{header}.{forged_payload}.{signature}", result["IdToken"], "garbage", result["AccessToken"][:-4] + "AAAA"):
        with pytest.raises(cognito.exceptions.NotAuthorizedException):
            cognito.get_user(AccessToken=bad)
    cognito.admin_delete_user(UserPoolId=pool, Username="alice")
    with pytest.raises(ClientError) as e:
        cognito.get_user(AccessToken=result["AccessToken"])
    assert error_code(e) in ("UserNotFoundException", "NotAuthorizedException")


def test_lockout_after_five_failures(cognito, pool):
    confirmed_user(cognito, pool, "locky")
    cid = client_id(cognito, pool)["ClientId"]
    for _ in range(5):
        with pytest.raises(cognito.exceptions.NotAuthorizedException):
            password_auth(cognito, cid, "locky", "Wr0ng-Passw0rd!")
    with pytest.raises(ClientError) as e:
        password_auth(cognito, cid, "locky")
    assert e.value.response["Error"]["Message"] == "Password attempts exceeded"
    time.sleep(1.2)
    assert password_auth(cognito, cid, "locky")["AuthenticationResult"]["AccessToken"]


def test_jwks_and_discovery(server, cognito, pool):
    jwks = requests.get(f"{server.url}/{pool}/.well-known/jwks.json", timeout=5).json()
    [key] = jwks["keys"]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig" and key["e"] == "AQAB"
    assert requests.get(f"{server.url}/{pool}/.well-known/jwks.json", timeout=5).json() == jwks
    assert requests.get(f"{server.url}/us-east-1_nothere1/.well-known/jwks.json", timeout=5).status_code == 404


def test_aws_form_issuer_for_verifiers_that_hard_code_it(tmp_path):
    from conftest import Server
    server = Server(str(tmp_path / "aws-issuer.sqlite"), extra_args=["--aws-issuer"]).start()
    try:
        cognito = server.client()
        pool = cognito.create_user_pool(PoolName="aws-iss")["UserPool"]["Id"]
        confirmed_user(cognito, pool)
        cid = client_id(cognito, pool)["ClientId"]
        result = password_auth(cognito, cid)["AuthenticationResult"]
        issuer = f"https://cognito-idp.us-east-1.amazonaws.com/{pool}"
        config = requests.get(f"{server.url}/{pool}/.well-known/openid-configuration", timeout=5).json()
        assert config["issuer"] == issuer and config["jwks_uri"] == f"{server.url}/{pool}/.well-known/jwks.json"
        key = jwt.PyJWKClient(config["jwks_uri"]).get_signing_key_from_jwt(result["IdToken"])
        claims = jwt.decode(result["IdToken"], key.key, algorithms=["RS256"], issuer=issuer, audience=cid)
        assert claims["cognito:username"] == "alice"
        assert cognito.get_user(AccessToken=result["AccessToken"])["Username"] == "alice"
    finally:
        server.stop()
