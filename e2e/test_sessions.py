"""User sessions (issue 30): the pool's and the app clients' session configuration, as boto3 and the AWS CLI see it."""
import gzip
import json
import os
import re
import subprocess

import boto3
import botocore
import pytest
from botocore.config import Config

from test_cli import AWS
from test_managed_login_browser import app_site, browser  # noqa: F401 (fixtures)
from conftest import refused


def test_a_pool_answers_aws_defaults_until_it_sets_its_own(cognito, pools):
    pool = pools()
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app")["UserPoolClient"]["ClientId"]
    got = cognito.get_user_pool_session_configuration(UserPoolId=pool)
    assert (got["UserPoolId"], got["UserSessionTracking"], got["TokenSession"]) == (pool, "DISABLED", {"MaxPerUser": 20})
    got = cognito.get_user_pool_client_session_configuration(UserPoolId=pool, ClientId=client)
    assert (got["UserPoolId"], got["ClientId"], got["SSOSession"]) == (pool, client, {"MaxValidityMinutes": 60})


def test_set_replaces_the_configuration(cognito, pools):
    pool = pools()
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app")["UserPoolClient"]["ClientId"]
    # A client's setting needs tracking on first.
    code, message = refused(cognito.set_user_pool_client_session_configuration, UserPoolId=pool, ClientId=client,
                            SSOSession={"MaxValidityMinutes": 5})
    assert code == "InvalidParameterException" and "Session tracking is not enabled" in message
    answer = cognito.set_user_pool_session_configuration(UserPoolId=pool, UserSessionTracking="ENABLED", TokenSession={"MaxPerUser": 3})
    assert (answer["UserSessionTracking"], answer["TokenSession"]) == ("ENABLED", {"MaxPerUser": 3})
    answer = cognito.set_user_pool_client_session_configuration(UserPoolId=pool, ClientId=client, SSOSession={"MaxValidityMinutes": 0})
    assert answer["SSOSession"] == {"MaxValidityMinutes": 0}
    assert cognito.get_user_pool_client_session_configuration(UserPoolId=pool, ClientId=client)["SSOSession"] == {"MaxValidityMinutes": 0}
    # Turning tracking off keeps the client's setting, dormant.
    cognito.set_user_pool_session_configuration(UserPoolId=pool, UserSessionTracking="DISABLED", TokenSession={"MaxPerUser": 20})
    got = cognito.get_user_pool_session_configuration(UserPoolId=pool)
    assert (got["UserSessionTracking"], got["TokenSession"]) == ("DISABLED", {"MaxPerUser": 20})
    assert cognito.get_user_pool_client_session_configuration(UserPoolId=pool, ClientId=client)["SSOSession"] == {"MaxValidityMinutes": 0}
    # An update of the client leaves its session setting alone.
    cognito.update_user_pool_client(UserPoolId=pool, ClientId=client, ClientName="renamed")
    assert cognito.get_user_pool_client_session_configuration(UserPoolId=pool, ClientId=client)["SSOSession"] == {"MaxValidityMinutes": 0}


def test_the_lite_plan_and_bad_values_are_refused(server, cognito, pools):
    lite = pools(UserPoolTier="LITE")
    code, _ = refused(cognito.set_user_pool_session_configuration, UserPoolId=lite, UserSessionTracking="ENABLED",
                      TokenSession={"MaxPerUser": 5})
    assert code == "FeatureUnavailableInTierException"
    # The Gets answer on any plan.
    assert cognito.get_user_pool_session_configuration(UserPoolId=lite)["UserSessionTracking"] == "DISABLED"
    pool = pools()
    unchecked = boto3.client("cognito-idp", endpoint_url=server.url, region_name="us-east-1", aws_access_key_id="x",
                             aws_secret_access_key="x", config=Config(parameter_validation=False))
    for value in (0, 101):
        code, message = refused(unchecked.set_user_pool_session_configuration, UserPoolId=pool, UserSessionTracking="ENABLED",
                                TokenSession={"MaxPerUser": value})
        assert code == "InvalidParameterException" and "tokenSession.maxPerUser" in message
    cognito.set_user_pool_session_configuration(UserPoolId=pool, UserSessionTracking="ENABLED", TokenSession={"MaxPerUser": 5})
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app")["UserPoolClient"]["ClientId"]
    code, message = refused(unchecked.set_user_pool_client_session_configuration, UserPoolId=pool, ClientId=client,
                            SSOSession={"MaxValidityMinutes": 129601})
    assert code == "InvalidParameterException" and "maxValidityMinutes" in message
    assert refused(cognito.get_user_pool_client_session_configuration, UserPoolId=pool, ClientId="nosuchclient")[0] == \
        "ResourceNotFoundException"
    assert refused(cognito.get_user_pool_session_configuration, UserPoolId="us-east-1_Missing")[0] == "ResourceNotFoundException"


def cli_with_the_model(server, tmp_path):
    """No AWS CLI release knows the session operations yet (its newest pins an older botocore), so the CLI is
    given botocore 1.44.8's model with its own `configure add-model`, as a user of a new operation would.
    Answers a function that runs `aws cognito-idp …` against `server` and reads its JSON."""
    model = tmp_path / "cognito-idp.json"
    source = os.path.join(os.path.dirname(botocore.__file__), "data", "cognito-idp", "2016-04-18", "service-2.json.gz")
    model.write_bytes(gzip.open(source).read())
    env = {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1", "PATH": "/usr/bin:/bin",
           "HOME": str(tmp_path)}
    added = subprocess.run([AWS, "configure", "add-model", "--service-model", f"file://{model}", "--service-name", "cognito-idp"],
                           capture_output=True, text=True, env=env, timeout=60)
    assert added.returncode == 0, added.stderr

    def cli(*args):
        done = subprocess.run([AWS, "--endpoint-url", server.url, "cognito-idp", *args, "--output", "json"],
                              capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout) if done.stdout.strip() else {}
    return cli


def test_the_cli_sets_and_reads_the_configuration(server, cognito, pools, tmp_path):
    pool = pools()
    cli = cli_with_the_model(server, tmp_path)
    cli("set-user-pool-session-configuration", "--user-pool-id", pool, "--user-session-tracking", "ENABLED",
        "--token-session", "MaxPerUser=7")
    assert cli("get-user-pool-session-configuration", "--user-pool-id", pool)["TokenSession"] == {"MaxPerUser": 7}
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="web")["UserPoolClient"]["ClientId"]
    cli("set-user-pool-client-session-configuration", "--user-pool-id", pool, "--client-id", client,
        "--sso-session", "MaxValidityMinutes=5")
    assert cli("get-user-pool-client-session-configuration", "--user-pool-id", pool,
               "--client-id", client)["SSOSession"] == {"MaxValidityMinutes": 5}


PASSWORD = "Str0ng-Passw0rd!"
SESSION_ID = re.compile(r"^(tkn|sso)[a-z0-9]{25}$")


@pytest.fixture
def tracked(cognito, pools):
    """A pool that tracks sessions, an app client with password sign-in and refresh, and a confirmed user."""
    pool = pools()
    cognito.set_user_pool_session_configuration(UserPoolId=pool, UserSessionTracking="ENABLED", TokenSession={"MaxPerUser": 20})
    client = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="app",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    for name in ("sam", "other"):
        cognito.admin_create_user(UserPoolId=pool, Username=name, MessageAction="SUPPRESS")
        cognito.admin_set_user_password(UserPoolId=pool, Username=name, Password=PASSWORD, Permanent=True)
    return pool, client


def sign_in(cognito, client, username="sam"):
    return cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                                 AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD})["AuthenticationResult"]


def admin_sessions(cognito, pool, username="sam"):
    return cognito.admin_list_user_sessions(UserPoolId=pool, Username=username)["Sessions"]


def test_each_sign_in_is_a_token_session_that_refresh_keeps(cognito, tracked, clock):
    pool, client = tracked
    first = sign_in(cognito, client)
    clock(advanceSeconds=5)
    second = sign_in(cognito, client)
    listed = admin_sessions(cognito, pool)
    assert len(listed) == 2 and len({s["SessionId"] for s in listed}) == 2
    for session in listed:
        assert SESSION_ID.match(session["SessionId"]) and session["SessionId"].startswith("tkn")
        assert session["SessionType"] == "TOKEN" and session["ClientId"] == client and "OriginSessionId" not in session
        assert session["DeviceType"].startswith("Boto3") or session["DeviceType"] == "Botocore"
        assert session["LastIPAddress"] == "127.0.0.1" and session["LastLocation"] == {"Country": "unknown"}
        assert session["IsCurrentSession"] is False
    # The caller's own session is marked as such.
    mine = cognito.list_user_sessions(AccessToken=first["AccessToken"])["Sessions"]
    current = [s for s in mine if s["IsCurrentSession"]]
    assert len(mine) == 2 and len(current) == 1
    first_id = current[0]["SessionId"]
    # A refresh moves the session's last activity and starts no new one.
    before = {s["SessionId"]: s["LastActiveDate"] for s in admin_sessions(cognito, pool)}
    clock(advanceSeconds=60)
    cognito.initiate_auth(ClientId=client, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]})
    after = {s["SessionId"]: s["LastActiveDate"] for s in admin_sessions(cognito, pool)}
    assert after.keys() == before.keys() and after[first_id] > before[first_id]
    assert [k for k in after if after[k] == before[k]] == [k for k in after if k != first_id]
    assert second["AccessToken"]


def test_the_cli_lists_and_revokes_sessions(server, cognito, tracked, tmp_path):
    pool, client = tracked
    cli = cli_with_the_model(server, tmp_path)
    tokens = [sign_in(cognito, client) for _ in range(4)]
    listed = cli("admin-list-user-sessions", "--user-pool-id", pool, "--username", "sam")["Sessions"]
    assert len(listed) == 4 and all(SESSION_ID.match(s["SessionId"]) for s in listed)
    mine = cli("list-user-sessions", "--access-token", tokens[0]["AccessToken"])["Sessions"]
    own = next(s["SessionId"] for s in mine if s["IsCurrentSession"])
    others = [s["SessionId"] for s in mine if not s["IsCurrentSession"]]
    assert len(others) == 3
    cli("revoke-user-session", "--access-token", tokens[0]["AccessToken"], "--session-id", others[0])
    cli("admin-revoke-user-session", "--user-pool-id", pool, "--username", "sam", "--session-id", others[1],
        "--revoke-associated-sessions", "LINKED")
    left = {s["SessionId"] for s in cli("admin-list-user-sessions", "--user-pool-id", pool, "--username", "sam")["Sessions"]}
    assert left == {own, others[2]}
    # The CLI's own refusal: a session that is gone is not found.
    env = {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1", "PATH": "/usr/bin:/bin",
           "HOME": str(tmp_path)}
    gone = subprocess.run([AWS, "--endpoint-url", server.url, "cognito-idp", "admin-revoke-user-session", "--user-pool-id", pool,
                           "--username", "sam", "--session-id", others[0]], capture_output=True, text=True, env=env, timeout=60)
    assert gone.returncode != 0 and "ResourceNotFoundException" in gone.stderr and "Session not found." in gone.stderr


def test_sessions_are_placed_with_the_operators_geoip_database(tmp_path):
    """`--geoip-database` names a MaxMind DB file (here one the tests' own writer made): LastLocation is the
    English city and country of the session's last address; an address it does not cover stays `unknown`."""
    import mmdb_writer
    from conftest import Server

    def last_location(networks):
        database = tmp_path / f"city-{len(list(tmp_path.iterdir()))}.mmdb"
        mmdb_writer.write(str(database), networks)
        placed = Server(str(database) + ".sqlite", extra_args=["--in-memory", "--geoip-database", str(database)]).start()
        try:
            cognito = placed.client()
            pool = cognito.create_user_pool(PoolName="geo", UserPoolTier="ESSENTIALS")["UserPool"]["Id"]
            cognito.set_user_pool_session_configuration(UserPoolId=pool, UserSessionTracking="ENABLED",
                                                        TokenSession={"MaxPerUser": 20})
            client = cognito.create_user_pool_client(
                UserPoolId=pool, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
            cognito.admin_create_user(UserPoolId=pool, Username="sam", MessageAction="SUPPRESS")
            cognito.admin_set_user_password(UserPoolId=pool, Username="sam", Password=PASSWORD, Permanent=True)
            sign_in(cognito, client)
            [session] = cognito.admin_list_user_sessions(UserPoolId=pool, Username="sam")["Sessions"]
            assert session["LastIPAddress"] == "127.0.0.1"
            return session["LastLocation"]
        finally:
            placed.stop()

    assert last_location({"127.0.0.0/8": mmdb_writer.city_record("Loopback City", "Testland", "TL")}) == \
        {"City": "Loopback City", "Country": "Testland"}
    # A database of other places does not cover loopback: unknown, as without one.
    assert last_location({"192.0.2.0/24": mmdb_writer.city_record("Elsewhere", "Farland", "FL")}) == {"Country": "unknown"}


def test_a_file_that_is_no_geoip_database_stops_the_start(tmp_path):
    from conftest import BINARY
    junk = tmp_path / "junk.mmdb"
    junk.write_text("not a database")
    for path in (str(junk), str(tmp_path / "missing.mmdb")):
        done = subprocess.run([BINARY, "--in-memory", "--port", "0", "--geoip-database", path], capture_output=True, text=True,
                              timeout=30)
        assert done.returncode != 0
        assert f"cannot read the geo-IP database {path}" in done.stderr


def test_revoking_a_session_ends_its_tokens(cognito, tracked):
    pool, client = tracked
    mine, theirs = sign_in(cognito, client), sign_in(cognito, client)
    listed = cognito.list_user_sessions(AccessToken=mine["AccessToken"])["Sessions"]
    own = next(s["SessionId"] for s in listed if s["IsCurrentSession"])
    other = next(s["SessionId"] for s in listed if not s["IsCurrentSession"])
    assert refused(cognito.revoke_user_session, AccessToken=mine["AccessToken"], SessionId=own) == \
        ("InvalidParameterException", "You can't revoke the session that the access token belongs to.")
    assert refused(cognito.revoke_user_session, AccessToken=mine["AccessToken"], SessionId="tkn" + "0" * 25) == \
        ("ResourceNotFoundException", "Session not found.")
    cognito.revoke_user_session(AccessToken=mine["AccessToken"], SessionId=other)
    assert [s["SessionId"] for s in admin_sessions(cognito, pool)] == [own]
    # The revoked session's refresh token and access token stop working at once; the caller's go on.
    assert refused(cognito.initiate_auth, ClientId=client, AuthFlow="REFRESH_TOKEN_AUTH",
                   AuthParameters={"REFRESH_TOKEN": theirs["RefreshToken"]})[0] == "NotAuthorizedException"
    assert refused(cognito.get_user, AccessToken=theirs["AccessToken"]) == ("NotAuthorizedException", "Access Token has been revoked")
    assert cognito.get_user(AccessToken=mine["AccessToken"])["Username"] == "sam"
    # An administrator names the user the session belongs to; another user's name finds nothing.
    sign_in(cognito, client, "other")
    theirs_id = admin_sessions(cognito, pool, "other")[0]["SessionId"]
    assert refused(cognito.admin_revoke_user_session, UserPoolId=pool, Username="sam", SessionId=theirs_id) == \
        ("ResourceNotFoundException", "Session not found.")
    cognito.admin_revoke_user_session(UserPoolId=pool, Username="other", SessionId=theirs_id)
    assert admin_sessions(cognito, pool, "other") == []


def test_the_least_recently_used_session_goes_at_the_maximum(cognito, tracked, clock):
    pool, client = tracked
    cognito.set_user_pool_session_configuration(UserPoolId=pool, UserSessionTracking="ENABLED", TokenSession={"MaxPerUser": 2})
    first = sign_in(cognito, client)
    clock(advanceSeconds=10)
    second = sign_in(cognito, client)
    clock(advanceSeconds=10)
    # The first is used again: the second is now the least recently active.
    cognito.initiate_auth(ClientId=client, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]})
    clock(advanceSeconds=10)
    third = sign_in(cognito, client)
    assert len(admin_sessions(cognito, pool)) == 2
    assert refused(cognito.get_user, AccessToken=second["AccessToken"])[0] == "NotAuthorizedException"
    assert cognito.get_user(AccessToken=first["AccessToken"]) and cognito.get_user(AccessToken=third["AccessToken"])
    # Lowering the maximum evicts nothing by itself.
    cognito.set_user_pool_session_configuration(UserPoolId=pool, UserSessionTracking="ENABLED", TokenSession={"MaxPerUser": 1})
    assert len(admin_sessions(cognito, pool)) == 2


def test_rotation_keeps_the_session_and_sign_out_ends_them_all(cognito, tracked, pools):
    pool, _ = tracked
    rotating = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="rotating", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
        RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 0})["UserPoolClient"]["ClientId"]
    tokens = sign_in(cognito, rotating)
    session = admin_sessions(cognito, pool)[0]["SessionId"]
    rotated = cognito.get_tokens_from_refresh_token(RefreshToken=tokens["RefreshToken"], ClientId=rotating)["AuthenticationResult"]
    assert rotated["RefreshToken"] != tokens["RefreshToken"]
    assert [s["SessionId"] for s in admin_sessions(cognito, pool)] == [session]
    # Revoking the session ends the rotated token too.
    cognito.admin_revoke_user_session(UserPoolId=pool, Username="sam", SessionId=session)
    assert refused(cognito.get_tokens_from_refresh_token, RefreshToken=rotated["RefreshToken"], ClientId=rotating)[0] == \
        "NotAuthorizedException"
    sign_in(cognito, rotating)
    sign_in(cognito, rotating)
    cognito.admin_user_global_sign_out(UserPoolId=pool, Username="sam")
    assert admin_sessions(cognito, pool) == []
    # With tracking off, sign-ins keep no session records.
    untracked = pools()
    cognito.admin_create_user(UserPoolId=untracked, Username="sam", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=untracked, Username="sam", Password=PASSWORD, Permanent=True)
    plain = cognito.create_user_pool_client(UserPoolId=untracked, ClientName="app",
                                            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
    sign_in(cognito, plain)
    assert admin_sessions(cognito, untracked) == []


def test_managed_login_sso_sessions_across_two_clients(server, cognito, tracked, app_site, browser, clock):
    """Chromium signs in through managed login for client A; client B reuses the browser's SSO session within its
    validity and asks again beyond it; a LINKED revoke of the SSO session signs the browser out of both."""
    import urllib.parse

    import requests
    from test_managed_login_browser import forget_session, sign_in as page_sign_in

    pool, _ = tracked
    forget_session(server, browser)
    callback = app_site + "/callback"

    def web_client(name):
        return cognito.create_user_pool_client(
            UserPoolId=pool, ClientName=name, AllowedOAuthFlows=["code"], AllowedOAuthFlowsUserPoolClient=True,
            AllowedOAuthScopes=["openid"], CallbackURLs=[callback], SupportedIdentityProviders=["COGNITO"],
            ExplicitAuthFlows=["ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    a, b = web_client("a"), web_client("b")

    def authorize(client):
        browser.get(server.url + "/oauth2/authorize?" + urllib.parse.urlencode(
            {"client_id": client, "response_type": "code", "redirect_uri": callback, "scope": "openid"}))

    def exchange(client):
        code = urllib.parse.parse_qs(urllib.parse.urlparse(browser.current_url).query)["code"][0]
        return requests.post(server.url + "/oauth2/token", data={"grant_type": "authorization_code", "client_id": client, "code": code,
                                                                 "redirect_uri": callback}, timeout=5).json()

    authorize(a)
    page_sign_in(browser, "sam", PASSWORD)
    assert browser.current_url.startswith(callback + "?code=")
    tokens_a = exchange(a)
    # Client B reuses the SSO session without the form.
    authorize(b)
    assert browser.current_url.startswith(callback + "?code=")
    tokens_b = exchange(b)
    listed = admin_sessions(cognito, pool)
    sso = [s for s in listed if s["SessionType"] == "SSO"]
    token_sessions = [s for s in listed if s["SessionType"] == "TOKEN"]
    assert len(sso) == 1 and SESSION_ID.match(sso[0]["SessionId"]) and sso[0]["SessionId"].startswith("sso")
    assert sso[0]["DeviceType"].startswith("Chrome") and sso[0]["ClientId"] == a
    assert sorted(s["ClientId"] for s in token_sessions) == sorted([a, b])
    assert {s["OriginSessionId"] for s in token_sessions} == {sso[0]["SessionId"]}
    # RevokeToken with LINKED ends B's token session and the SSO session, not A's token session.
    cognito.revoke_token(Token=tokens_b["refresh_token"], ClientId=b, RevokeAssociatedSessions="LINKED")
    assert [s["ClientId"] for s in admin_sessions(cognito, pool)] == [a]
    authorize(b)
    assert "/login?" in browser.current_url
    page_sign_in(browser, "sam", PASSWORD)
    exchange(b)
    # Beyond B's validity (0 minutes: always ask), B asks again while A still reuses the session.
    cognito.set_user_pool_client_session_configuration(UserPoolId=pool, ClientId=b, SSOSession={"MaxValidityMinutes": 0})
    authorize(b)
    assert "/login?" in browser.current_url
    authorize(a)
    assert browser.current_url.startswith(callback + "?code=")
    exchange(a)
    # An administrator's LINKED revoke of the SSO session signs the browser out of both clients.
    sso_id = next(s["SessionId"] for s in admin_sessions(cognito, pool) if s["SessionType"] == "SSO")
    cognito.admin_revoke_user_session(UserPoolId=pool, Username="sam", SessionId=sso_id, RevokeAssociatedSessions="LINKED")
    remaining = admin_sessions(cognito, pool)
    assert all(s.get("OriginSessionId") != sso_id for s in remaining) and all(s["SessionType"] == "TOKEN" for s in remaining)
    authorize(a)
    assert "/login?" in browser.current_url
