"""GlobalSignOut, AdminUserGlobalSignOut and RevokeToken invalidate refresh tokens and the tokens minted from them."""
import pytest

from test_auth import client_id, confirmed_user, password_auth


def refresh(cognito, cid, token):
    return cognito.initiate_auth(ClientId=cid, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": token})


def test_global_sign_out(cognito, pool):
    confirmed_user(cognito, pool)
    cid = client_id(cognito, pool)["ClientId"]
    first = password_auth(cognito, cid)["AuthenticationResult"]
    second = password_auth(cognito, cid)["AuthenticationResult"]
    refreshed = refresh(cognito, cid, first["RefreshToken"])["AuthenticationResult"]
    cognito.global_sign_out(AccessToken=second["AccessToken"])
    for tokens in (first, second, refreshed):
        with pytest.raises(cognito.exceptions.NotAuthorizedException):
            cognito.get_user(AccessToken=tokens["AccessToken"])
    for tokens in (first, second):
        with pytest.raises(cognito.exceptions.NotAuthorizedException):
            refresh(cognito, cid, tokens["RefreshToken"])
    # Signing in again works, with new tokens.
    assert cognito.get_user(AccessToken=password_auth(cognito, cid)["AuthenticationResult"]["AccessToken"])["Username"] == "alice"


def test_admin_global_sign_out(cognito, pool):
    confirmed_user(cognito, pool)
    cid = client_id(cognito, pool)["ClientId"]
    tokens = password_auth(cognito, cid)["AuthenticationResult"]
    cognito.admin_user_global_sign_out(UserPoolId=pool, Username="alice")
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.get_user(AccessToken=tokens["AccessToken"])
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        refresh(cognito, cid, tokens["RefreshToken"])


def test_revoke_token(cognito, pool):
    confirmed_user(cognito, pool)
    cid = client_id(cognito, pool)["ClientId"]
    kept = password_auth(cognito, cid)["AuthenticationResult"]
    revoked = password_auth(cognito, cid)["AuthenticationResult"]
    with pytest.raises(cognito.exceptions.UnsupportedTokenTypeException):
        cognito.revoke_token(Token=revoked["AccessToken"], ClientId=cid)
    cognito.revoke_token(Token=revoked["RefreshToken"], ClientId=cid)
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        refresh(cognito, cid, revoked["RefreshToken"])
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.get_user(AccessToken=revoked["AccessToken"])
    # Other sessions are untouched.
    assert cognito.get_user(AccessToken=kept["AccessToken"])["Username"] == "alice"
    assert refresh(cognito, cid, kept["RefreshToken"])["AuthenticationResult"]
    cognito.revoke_token(Token="never-issued", ClientId=cid)


def test_revoke_token_checks_the_client(cognito, pool):
    confirmed_user(cognito, pool)
    client = client_id(cognito, pool, GenerateSecret=False)
    other = client_id(cognito, pool)
    tokens = password_auth(cognito, client["ClientId"])["AuthenticationResult"]
    with pytest.raises(cognito.exceptions.UnauthorizedException):
        cognito.revoke_token(Token=tokens["RefreshToken"], ClientId=other["ClientId"])
    secret_client = client_id(cognito, pool, GenerateSecret=True)
    with pytest.raises(cognito.exceptions.UnauthorizedException):
        cognito.revoke_token(Token="x", ClientId=secret_client["ClientId"], ClientSecret="w" * 51)
    no_revocation = client_id(cognito, pool, EnableTokenRevocation=False)
    with pytest.raises(cognito.exceptions.UnsupportedOperationException):
        cognito.revoke_token(Token="x", ClientId=no_revocation["ClientId"])


def test_get_tokens_from_refresh_token_without_rotation(cognito, pool):
    confirmed_user(cognito, pool)
    cid = client_id(cognito, pool)["ClientId"]
    tokens = password_auth(cognito, cid)["AuthenticationResult"]
    result = cognito.get_tokens_from_refresh_token(RefreshToken=tokens["RefreshToken"], ClientId=cid)["AuthenticationResult"]
    assert result["AccessToken"] and "RefreshToken" not in result
    assert cognito.get_tokens_from_refresh_token(RefreshToken=tokens["RefreshToken"], ClientId=cid)["AuthenticationResult"]


def test_refresh_token_rotation(cognito, pool):
    confirmed_user(cognito, pool)
    cid = client_id(cognito, pool, RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 0})["ClientId"]
    tokens = password_auth(cognito, cid)["AuthenticationResult"]
    rotated = cognito.get_tokens_from_refresh_token(RefreshToken=tokens["RefreshToken"], ClientId=cid)["AuthenticationResult"]
    assert rotated["RefreshToken"] and rotated["RefreshToken"] != tokens["RefreshToken"]
    with pytest.raises(cognito.exceptions.RefreshTokenReuseException):
        cognito.get_tokens_from_refresh_token(RefreshToken=tokens["RefreshToken"], ClientId=cid)
    again = cognito.get_tokens_from_refresh_token(RefreshToken=rotated["RefreshToken"], ClientId=cid)["AuthenticationResult"]
    assert again["RefreshToken"] not in (tokens["RefreshToken"], rotated["RefreshToken"])
    # Rotation retires the refresh token, not the access tokens already minted.
    assert cognito.get_user(AccessToken=tokens["AccessToken"])["Username"] == "alice"


def test_rotation_grace_period(cognito, pool):
    confirmed_user(cognito, pool)
    cid = client_id(cognito, pool, RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 30})["ClientId"]
    tokens = password_auth(cognito, cid)["AuthenticationResult"]
    first = cognito.get_tokens_from_refresh_token(RefreshToken=tokens["RefreshToken"], ClientId=cid)["AuthenticationResult"]
    retry = cognito.get_tokens_from_refresh_token(RefreshToken=tokens["RefreshToken"], ClientId=cid)["AuthenticationResult"]
    assert first["RefreshToken"] and retry["RefreshToken"]
