"""Point-in-time recovery: InitiatePointInTimeRecovery, DescribePointInTimeRecovery, ListPointInTimeRecoveries,
StartPointInTimeRecovery and CancelPointInTimeRecovery over the journal Cognate keeps of every change to user
data. A mass deletion (and a few other changes) is counted by the preview and reverted by the restore; writes are
refused while the recovery runs and sign-in goes on, except TOTP; cancellation, expiry after 24 hours and AWS's
limits run on the test clock. Each test has a server of its own: the account's limits count every pool."""
import time
import uuid

import pyotp
import pytest
import requests

from conftest import Server, refused

PASSWORD = "Str0ng-Passw0rd!"
NEW_PASSWORD = "An0ther-Passw0rd!"
MINUTE = 60


@pytest.fixture
def fresh(tmp_path):
    """A server of the test's own, on the test clock."""
    s = Server(str(tmp_path / "recovery.sqlite")).start()
    yield s
    s.stop()


def advance(server, seconds):
    assert requests.post(server.url + "/_cognate/clock", json={"advanceSeconds": seconds}, timeout=5).status_code == 200


def server_now(server):
    return requests.get(server.url + "/_cognate/clock", timeout=5).json()["now"]


def wait_for(cognito, pool_id, restore_id, status, timeout=20):
    deadline = time.time() + timeout
    while True:
        restoration = cognito.describe_point_in_time_recovery(UserPoolId=pool_id, RestoreId=restore_id)["Restoration"]
        if restoration["RestoreStatus"] == status or time.time() > deadline:
            assert restoration["RestoreStatus"] == status, restoration
            return restoration
        time.sleep(0.1)


def sign_in(cognito, client_id, username, password):
    return cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                 AuthParameters={"USERNAME": username, "PASSWORD": password})


def make_pool(cognito, **settings):
    pool_id = cognito.create_user_pool(PoolName="recovery-" + uuid.uuid4().hex[:6], **settings)["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def add_user(cognito, pool_id, username, **attributes):
    cognito.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()])
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)


def totp_user(server, cognito, pool_id, client_id, name):
    """A user with a verified authenticator, TOTP on and preferred; answers its secret."""
    add_user(cognito, pool_id, name)
    access = sign_in(cognito, client_id, name, PASSWORD)["AuthenticationResult"]["AccessToken"]
    secret = cognito.associate_software_token(AccessToken=access)["SecretCode"]
    cognito.verify_software_token(AccessToken=access, UserCode=pyotp.TOTP(secret).at(server_now(server)))
    cognito.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    return secret


def usernames(cognito, pool_id):
    names = []
    kwargs = {}
    while True:
        page = cognito.list_users(UserPoolId=pool_id, **kwargs)
        names += [u["Username"] for u in page["Users"]]
        if "PaginationToken" not in page:
            return sorted(names)
        kwargs = {"PaginationToken": page["PaginationToken"]}


def members(cognito, pool_id, group):
    return sorted(u["Username"] for u in cognito.list_users_in_group(UserPoolId=pool_id, GroupName=group)["Users"])


def test_a_mass_deletion_counted_by_the_preview_and_reverted(fresh):
    cognito = fresh.client()
    pool_id, client_id = make_pool(cognito, UserPoolTier="ESSENTIALS")
    cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OPTIONAL", SoftwareTokenMfaConfiguration={"Enabled": True})
    for i in range(20):
        add_user(cognito, pool_id, f"user{i:02d}", email=f"user{i:02d}@example.com")
    add_user(cognito, pool_id, "carol", email="carol@example.com", name="Carol")
    add_user(cognito, pool_id, "pat")
    add_user(cognito, pool_id, "newcomer-to-staff")
    totp_user(fresh, cognito, pool_id, client_id, "tom")
    secret = totp_user(fresh, cognito, pool_id, client_id, "tina")
    cognito.create_group(UserPoolId=pool_id, GroupName="staff")
    for name in ("user00", "user01", "carol"):
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=name, GroupName="staff")
    before = usernames(cognito, pool_id)

    # A bad day, twenty minutes later.
    advance(fresh, 20 * MINUTE)
    for i in range(20):
        cognito.admin_delete_user(UserPoolId=pool_id, Username=f"user{i:02d}")
    cognito.admin_update_user_attributes(UserPoolId=pool_id, Username="carol", UserAttributes=[{"Name": "name", "Value": "Mallory"}])
    cognito.admin_remove_user_from_group(UserPoolId=pool_id, Username="carol", GroupName="staff")
    cognito.admin_add_user_to_group(UserPoolId=pool_id, Username="newcomer-to-staff", GroupName="staff")
    add_user(cognito, pool_id, "intruder1")
    add_user(cognito, pool_id, "intruder2")
    cognito.admin_set_user_mfa_preference(UserPoolId=pool_id, Username="tom", SoftwareTokenMfaSettings={"Enabled": False})
    # Pat changes their password after the point: they keep it.
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="pat", Password=NEW_PASSWORD, Permanent=True)

    now = server_now(fresh)
    code, message = refused(cognito.initiate_point_in_time_recovery, UserPoolId=pool_id, RestoreTimestamp=now - 10 * MINUTE)
    assert code == "InvalidParameterException" and "15 minutes" in message
    code, _ = refused(cognito.initiate_point_in_time_recovery, UserPoolId=pool_id, RestoreTimestamp=now - 60 * MINUTE)
    assert code == "InvalidParameterException"

    started = cognito.initiate_point_in_time_recovery(UserPoolId=pool_id, RestoreTimestamp=now - 16 * MINUTE)["Restoration"]
    restore_id = started["RestoreId"]
    assert len(restore_id) == 36 and restore_id == restore_id.lower()
    assert started["RestoreStatus"] in ("PREVIEW_GENERATING", "PREVIEW_GENERATED")
    assert abs(started["TriggerTimestamp"].timestamp() - now) < 5
    assert abs(started["RestoreTimestamp"].timestamp() - (now - 16 * MINUTE)) < 1

    generated = wait_for(cognito, pool_id, restore_id, "PREVIEW_GENERATED")
    preview = {p["Entity"]: (p["CreateCount"], p["UpdateCount"], p["DeleteCount"]) for p in generated["RestorePreview"]}
    # Users: 20 deleted come back, carol and tom go back (pat keeps the password: no change), 2 intruders go.
    assert preview["Users"] == (20, 2, 2)
    # Groups: the memberships of user00, user01 and carol come back; newcomer-to-staff's goes.
    assert preview["Groups"] == (3, 0, 1)
    assert preview["User MFAs"] == (0, 1, 0)
    assert preview["Passkeys"] == (0, 0, 0)
    # The pool's data is as it was: a preview changes nothing.
    assert len(usernames(cognito, pool_id)) == len(before) - 20 + 2

    # Writes are paused; sign-in and reads go on, except TOTP.
    assert refused(cognito.admin_create_user, UserPoolId=pool_id, Username="late", MessageAction="SUPPRESS")[0] == "OperationNotEnabledException"
    assert refused(cognito.sign_up, ClientId=client_id, Username="late", Password=PASSWORD)[0] == "OperationNotEnabledException"
    assert refused(cognito.admin_update_user_attributes, UserPoolId=pool_id, Username="carol",
                   UserAttributes=[{"Name": "name", "Value": "X"}])[0] == "OperationNotEnabledException"
    assert refused(cognito.admin_delete_user, UserPoolId=pool_id, Username="carol")[0] == "OperationNotEnabledException"
    assert refused(cognito.forgot_password, ClientId=client_id, Username="carol")[0] == "OperationNotEnabledException"
    assert refused(cognito.create_user_import_job, UserPoolId=pool_id, JobName="j",
                   CloudWatchLogsRoleArn="arn:aws:iam::000000000000:role/import")[0] == "OperationNotEnabledException"
    assert "AuthenticationResult" in sign_in(cognito, client_id, "carol", PASSWORD)
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="carol")["Username"] == "carol"
    challenge = sign_in(cognito, client_id, "tina", PASSWORD)
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    code, _ = refused(cognito.respond_to_auth_challenge, ClientId=client_id, ChallengeName="SOFTWARE_TOKEN_MFA", Session=challenge["Session"],
                      ChallengeResponses={"USERNAME": "tina", "SOFTWARE_TOKEN_MFA_CODE": pyotp.TOTP(secret).at(server_now(fresh))})
    assert code == "OperationNotEnabledException"
    code, message = refused(cognito.initiate_point_in_time_recovery, UserPoolId=pool_id, RestoreTimestamp=now - 16 * MINUTE)
    assert code == "LimitExceededException" and "active recovery" in message

    restoring = cognito.start_point_in_time_recovery(UserPoolId=pool_id, RestoreId=restore_id)["Restoration"]
    assert restoring["RestoreStatus"] in ("RESTORING", "RESTORE_COMPLETED")
    wait_for(cognito, pool_id, restore_id, "RESTORE_COMPLETED")

    assert usernames(cognito, pool_id) == before
    carol = cognito.admin_get_user(UserPoolId=pool_id, Username="carol")
    assert {a["Name"]: a["Value"] for a in carol["UserAttributes"]}["name"] == "Carol"
    assert members(cognito, pool_id, "staff") == ["carol", "user00", "user01"]
    assert "SOFTWARE_TOKEN_MFA" in cognito.admin_get_user(UserPoolId=pool_id, Username="tom").get("UserMFASettingList", [])
    # The restored users sign in with their passwords, and by their email alias's record.
    assert "AuthenticationResult" in sign_in(cognito, client_id, "user07", PASSWORD)
    assert cognito.list_users(UserPoolId=pool_id, Filter='email = "user07@example.com"')["Users"][0]["Username"] == "user07"
    # Pat kept the password set after the point.
    assert "AuthenticationResult" in sign_in(cognito, client_id, "pat", NEW_PASSWORD)
    assert refused(sign_in, cognito=cognito, client_id=client_id, username="pat", password=PASSWORD)[0] == "NotAuthorizedException"

    # Writes resume; one recovery of a pool completes in 24 hours.
    add_user(cognito, pool_id, "after")
    code, message = refused(cognito.initiate_point_in_time_recovery, UserPoolId=pool_id, RestoreTimestamp=server_now(fresh) - 16 * MINUTE)
    assert code == "LimitExceededException" and "24 hours" in message
    listed = cognito.list_point_in_time_recoveries(UserPoolId=pool_id)["Restorations"]
    assert listed == [{"RestoreId": restore_id, "RestoreStatus": "RESTORE_COMPLETED", "RestoreTimestamp": started["RestoreTimestamp"]}]
    assert refused(cognito.start_point_in_time_recovery, UserPoolId=pool_id, RestoreId=restore_id)[0] == "InvalidParameterException"
    assert refused(cognito.cancel_point_in_time_recovery, UserPoolId=pool_id, RestoreId=restore_id)[0] == "InvalidParameterException"


def test_cancel_expiry_and_the_rules(fresh):
    cognito = fresh.client()
    pool_id, client_id = make_pool(cognito, UserPoolTier="ESSENTIALS")
    add_user(cognito, pool_id, "alice")
    created = server_now(fresh)
    advance(fresh, 20 * MINUTE)
    cognito.admin_delete_user(UserPoolId=pool_id, Username="alice")
    now = server_now(fresh)
    code, message = refused(cognito.initiate_point_in_time_recovery, UserPoolId=pool_id, RestoreTimestamp=created - 60)
    assert code == "InvalidParameterException" and "creation time" in message

    # Cancelled: nothing changes, writes resume, Start is refused.
    first = cognito.initiate_point_in_time_recovery(UserPoolId=pool_id, RestoreTimestamp=now - 16 * MINUTE)["Restoration"]["RestoreId"]
    assert refused(cognito.admin_create_user, UserPoolId=pool_id, Username="bob", MessageAction="SUPPRESS")[0] == "OperationNotEnabledException"
    cancelled = cognito.cancel_point_in_time_recovery(UserPoolId=pool_id, RestoreId=first)["Restoration"]
    assert cancelled["RestoreStatus"] == "PREVIEW_CANCELLED" and "RestorePreview" not in cancelled
    assert refused(cognito.start_point_in_time_recovery, UserPoolId=pool_id, RestoreId=first)[0] == "InvalidParameterException"
    cognito.admin_create_user(UserPoolId=pool_id, Username="bob", MessageAction="SUPPRESS")
    assert "alice" not in usernames(cognito, pool_id)

    # Expired: 24 hours without Start, and writes resume even before anyone reads it.
    second = cognito.initiate_point_in_time_recovery(UserPoolId=pool_id, RestoreTimestamp=now - 16 * MINUTE)["Restoration"]["RestoreId"]
    wait_for(cognito, pool_id, second, "PREVIEW_GENERATED")
    assert refused(cognito.admin_delete_user, UserPoolId=pool_id, Username="bob")[0] == "OperationNotEnabledException"
    advance(fresh, 24 * 3600 + MINUTE)
    cognito.admin_create_user(UserPoolId=pool_id, Username="carl", MessageAction="SUPPRESS")
    assert wait_for(cognito, pool_id, second, "PREVIEW_EXPIRED")["RestoreStatus"] == "PREVIEW_EXPIRED"
    assert refused(cognito.start_point_in_time_recovery, UserPoolId=pool_id, RestoreId=second)[0] == "InvalidParameterException"
    assert "alice" not in usernames(cognito, pool_id)

    # Newest first, paged.
    page = cognito.list_point_in_time_recoveries(UserPoolId=pool_id, MaxResults=1)
    assert [r["RestoreId"] for r in page["Restorations"]] == [second]
    rest = cognito.list_point_in_time_recoveries(UserPoolId=pool_id, MaxResults=1, NextToken=page["NextToken"])
    assert [(r["RestoreId"], r["RestoreStatus"]) for r in rest["Restorations"]] == [(first, "PREVIEW_CANCELLED")]
    assert "NextToken" not in rest

    # The Essentials plan goes back one day; a point further back is the Plus plan's.
    code, _ = refused(cognito.initiate_point_in_time_recovery, UserPoolId=pool_id, RestoreTimestamp=server_now(fresh) - 86400 - 5 * MINUTE)
    assert code == "FeatureUnavailableInTierException"
    lite, _ = make_pool(cognito, UserPoolTier="LITE")
    for call, kwargs in ((cognito.initiate_point_in_time_recovery, {"RestoreTimestamp": server_now(fresh) - 3600}),
                         (cognito.describe_point_in_time_recovery, {"RestoreId": str(uuid.uuid4())}),
                         (cognito.list_point_in_time_recoveries, {})):
        assert refused(call, UserPoolId=lite, **kwargs)[0] == "FeatureUnavailableInTierException"
    assert refused(cognito.describe_point_in_time_recovery, UserPoolId=pool_id, RestoreId=str(uuid.uuid4()))[0] == "ResourceNotFoundException"
    assert refused(cognito.describe_point_in_time_recovery, UserPoolId=pool_id, RestoreId="zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz")[0] == "InvalidParameterException"
    assert refused(cognito.list_point_in_time_recoveries, UserPoolId="us-east-1_Nope1234")[0] == "ResourceNotFoundException"


def test_the_counting_limits(fresh):
    cognito = fresh.client()
    pools = [make_pool(cognito, UserPoolTier="ESSENTIALS")[0] for _ in range(6)]
    advance(fresh, 20 * MINUTE)
    point = server_now(fresh) - 16 * MINUTE
    # Three previews of a pool in 24 hours.
    for _ in range(3):
        restore_id = cognito.initiate_point_in_time_recovery(UserPoolId=pools[0], RestoreTimestamp=point)["Restoration"]["RestoreId"]
        cognito.cancel_point_in_time_recovery(UserPoolId=pools[0], RestoreId=restore_id)
    code, message = refused(cognito.initiate_point_in_time_recovery, UserPoolId=pools[0], RestoreTimestamp=point)
    assert code == "LimitExceededException" and "previews" in message
    # Five active recoveries in the account.
    for pool_id in pools[1:]:
        cognito.initiate_point_in_time_recovery(UserPoolId=pool_id, RestoreTimestamp=point)
    advance(fresh, 1)
    made = [r for r in cognito.list_point_in_time_recoveries(UserPoolId=pools[5])["Restorations"]]
    assert len(made) == 1
    fresh_pool = make_pool(cognito, UserPoolTier="PLUS")[0]
    advance(fresh, 20 * MINUTE)
    code, message = refused(cognito.initiate_point_in_time_recovery, UserPoolId=fresh_pool, RestoreTimestamp=server_now(fresh) - 16 * MINUTE)
    assert code == "LimitExceededException" and "active recoveries" in message


def test_a_server_without_the_journal_says_so(tmp_path):
    s = Server(str(tmp_path / "nojournal.sqlite"), extra_args=["--no-recovery-journal"]).start()
    try:
        cognito = s.client()
        pool_id, _ = make_pool(cognito, UserPoolTier="PLUS")
        advance(s, 20 * MINUTE)
        code, message = refused(cognito.initiate_point_in_time_recovery, UserPoolId=pool_id, RestoreTimestamp=server_now(s) - 16 * MINUTE)
        assert code == "OperationNotEnabledException" and "--recovery-journal" in message
        add_user(cognito, pool_id, "alice")  # writes go on, unjournaled
    finally:
        s.stop()
