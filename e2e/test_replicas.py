"""Multi-Region replicas: CreateUserPoolReplica, ListUserPoolReplicas, UpdateUserPoolReplica and
DeleteUserPoolReplica with AWS's prerequisites, and the secondary Region served as AWS's secondary replica —
a client signing for that Region (or an unsigned request sent to AWS's host name for it) signs in while the
replica is ACTIVE, is refused while it is INACTIVE, and can never create or change users there; and two nodes on
one PostgreSQL database, started with the two Regions' --region, serve as AWS's primary and secondary."""
import os
import time
import uuid

import boto3
import botocore
import pytest
import requests
from botocore.config import Config

from conftest import Server, outbox, postgres_database, refused

PASSWORD = "Str0ng-Passw0rd!"
MRK = "arn:aws:kms:us-east-1:000000000000:key/mrk-1234abcd12ab34cd56ef1234567890ab"


def regional(server, region):
    return boto3.client("cognito-idp", endpoint_url=server.url, region_name=region, aws_access_key_id="AKIDTEST",
                        aws_secret_access_key="secret", config=Config(retries={"max_attempts": 1}))


def unsigned(server, region, operation, body):
    """An end user's request as an SDK sends it to AWS's host name for `region` (unsigned)."""
    answer = requests.post(server.url + "/", json=body, timeout=10, headers={
        "Host": f"cognito-idp.{region}.amazonaws.com", "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}"})
    return answer.status_code, answer.json()


@pytest.fixture
def replicated(server, cognito):
    """A pool that meets the prerequisites, with a client and a user; deleted afterwards."""
    pool = cognito.create_user_pool(
        PoolName="replicas-" + uuid.uuid4().hex[:6], UserPoolTier="ESSENTIALS",
        KeyConfiguration={"KeyType": "CUSTOMER_MANAGED_KEY", "KmsKeyArn": MRK}, IssuerConfiguration={"Type": "UPDATED"})["UserPool"]
    client = cognito.create_user_pool_client(UserPoolId=pool["Id"], ClientName="app",
                                             ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH",
                                                                "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool["Id"], Username="alice", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool["Id"], Username="alice", Password=PASSWORD, Permanent=True)
    yield pool, client
    for replica in cognito.list_user_pool_replicas(UserPoolId=pool["Id"])["UserPoolReplicas"]:
        if replica["Role"] == "SECONDARY":
            cognito.update_user_pool_replica(UserPoolId=pool["Id"], RegionName=replica["RegionName"], Status="INACTIVE")
    cognito.delete_user_pool(UserPoolId=pool["Id"])


def test_the_prerequisites_aws_states(cognito, pools):
    lite = pools(UserPoolTier="LITE")
    assert refused(cognito.create_user_pool_replica, UserPoolId=lite, RegionName="us-west-2")[0] == "FeatureUnavailableInTierException"
    owned = pools(UserPoolTier="ESSENTIALS", IssuerConfiguration={"Type": "UPDATED"})
    code, message = refused(cognito.create_user_pool_replica, UserPoolId=owned, RegionName="us-west-2")
    assert code == "InvalidParameterException" and "multi-Region customer managed key" in message
    single = pools(UserPoolTier="ESSENTIALS", IssuerConfiguration={"Type": "UPDATED"}, KeyConfiguration={
        "KeyType": "CUSTOMER_MANAGED_KEY", "KmsKeyArn": "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"})
    assert refused(cognito.create_user_pool_replica, UserPoolId=single, RegionName="us-west-2")[0] == "InvalidParameterException"
    original = pools(UserPoolTier="ESSENTIALS", KeyConfiguration={"KeyType": "CUSTOMER_MANAGED_KEY", "KmsKeyArn": MRK})
    code, message = refused(cognito.create_user_pool_replica, UserPoolId=original, RegionName="us-west-2")
    assert code == "InvalidParameterException" and "IssuerConfiguration" in message
    assert refused(cognito.create_user_pool_replica, UserPoolId="us-east-1_nosuchpool", RegionName="us-west-2")[0] == "ResourceNotFoundException"


def test_a_replica_from_creation_to_deletion(server, cognito, replicated):
    pool, client = replicated
    west = regional(server, "us-west-2")
    # Created from the primary Region only, in another Region, one secondary at most.
    assert refused(west.create_user_pool_replica, UserPoolId=pool["Id"], RegionName="us-west-2")[0] == "OperationNotEnabledException"
    assert refused(cognito.create_user_pool_replica, UserPoolId=pool["Id"], RegionName="us-east-1")[0] == "InvalidParameterException"
    assert refused(cognito.create_user_pool_replica, UserPoolId=pool["Id"], RegionName="nowhere")[0] == "InvalidParameterException"
    replica = cognito.create_user_pool_replica(UserPoolId=pool["Id"], RegionName="us-west-2", UserPoolTags={"site": "west"})["UserPoolReplica"]
    assert replica == {"RegionName": "us-west-2", "Status": "INACTIVE", "Role": "SECONDARY",
                       "UserPoolArn": pool["Arn"].replace(":us-east-1:", ":us-west-2:")}
    assert refused(cognito.create_user_pool_replica, UserPoolId=pool["Id"], RegionName="eu-west-1")[0] == "LimitExceededException"
    # Listed from either Region: the primary and the secondary; ListUserPools names the replica's Region.
    for c in (cognito, west):
        listed = c.list_user_pool_replicas(UserPoolId=pool["Id"])["UserPoolReplicas"]
        assert [(r["RegionName"], r["Role"], r["Status"]) for r in listed] == [
            ("us-east-1", "PRIMARY", "ACTIVE"), ("us-west-2", "SECONDARY", "INACTIVE")]
    summaries = [p for page in cognito.get_paginator("list_user_pools").paginate(MaxResults=60) for p in page["UserPools"]]
    assert [p.get("ReplicaRegions") for p in summaries if p["Id"] == pool["Id"]] == [["us-west-2"]]
    # The replica's tags are its own.
    assert west.list_tags_for_resource(ResourceArn=replica["UserPoolArn"])["Tags"] == {"site": "west"}
    west.tag_resource(ResourceArn=replica["UserPoolArn"], Tags={"tier": "standby"})
    assert west.list_tags_for_resource(ResourceArn=replica["UserPoolArn"])["Tags"] == {"site": "west", "tier": "standby"}
    assert "tier" not in cognito.list_tags_for_resource(ResourceArn=pool["Arn"]).get("Tags", {})

    # INACTIVE: administrators read and configure the replica; no end user is served.
    assert west.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]["Id"] == pool["Id"]
    assert west.admin_get_user(UserPoolId=pool["Id"], Username="alice")["Username"] == "alice"
    sign_in = dict(UserPoolId=pool["Id"], ClientId=client, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                   AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD})
    code, message = refused(west.admin_initiate_auth, **sign_in)
    assert code == "OperationNotEnabledException" and "INACTIVE" in message
    status, answer = unsigned(server, "us-west-2", "InitiateAuth", {
        "ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD}})
    assert status == 400 and answer["__type"] == "OperationNotEnabledException"

    # ACTIVE (set from the secondary Region, as AWS allows): sign-in and refresh work there.
    assert west.update_user_pool_replica(UserPoolId=pool["Id"], RegionName="us-west-2", Status="ACTIVE")["UserPoolReplica"]["Status"] == "ACTIVE"
    tokens = west.admin_initiate_auth(**sign_in)["AuthenticationResult"]
    status, answer = unsigned(server, "us-west-2", "InitiateAuth", {
        "ClientId": client, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": {"REFRESH_TOKEN": tokens["RefreshToken"]}})
    assert status == 200 and "AccessToken" in answer["AuthenticationResult"]
    status, answer = unsigned(server, "us-west-2", "GetUser", {"AccessToken": tokens["AccessToken"]})
    assert status == 200 and answer["Username"] == "alice"
    # Nothing that creates or changes users, and not the pool's shared configuration.
    for operation, body in [
        ("SignUp", {"ClientId": client, "Username": "bob", "Password": PASSWORD}),
        ("ForgotPassword", {"ClientId": client, "Username": "alice"}),
        ("UpdateUserAttributes", {"AccessToken": tokens["AccessToken"], "UserAttributes": [{"Name": "name", "Value": "A"}]}),
        ("AssociateSoftwareToken", {"AccessToken": tokens["AccessToken"]}),
    ]:
        status, answer = unsigned(server, "us-west-2", operation, body)
        assert (status, answer["__type"]) == (400, "OperationNotEnabledException"), operation
        assert "us-east-1" in answer["message"]
    assert refused(west.admin_create_user, UserPoolId=pool["Id"], Username="carol")[0] == "OperationNotEnabledException"
    assert refused(west.create_group, UserPoolId=pool["Id"], GroupName="g")[0] == "OperationNotEnabledException"
    # UpdateUserPool there sets the Region's own settings only: its triggers, email and SMS configuration.
    code, message = refused(west.update_user_pool, UserPoolId=pool["Id"], UserPoolTier="PLUS")
    assert code == "InvalidParameterException" and "primary Region" in message
    west_trigger = "arn:aws:lambda:us-west-2:000000000000:function:west-pre-auth"
    west.update_user_pool(UserPoolId=pool["Id"], LambdaConfig={"PreAuthentication": west_trigger},
                          EmailConfiguration={"EmailSendingAccount": "COGNITO_DEFAULT"},
                          IssuerConfiguration={"Type": "UPDATED"})
    seen_west = west.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
    assert seen_west["LambdaConfig"].get("PreAuthentication") == west_trigger
    assert seen_west["Arn"] == replica["UserPoolArn"] and seen_west["UserPoolTags"] == {"site": "west", "tier": "standby"}
    seen_east = cognito.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
    assert "PreAuthentication" not in seen_east.get("LambdaConfig", {}) and seen_east["Arn"] == pool["Arn"]
    # Left out again, the Region's trigger returns to the primary's (none).
    west.update_user_pool(UserPoolId=pool["Id"])
    assert "PreAuthentication" not in west.describe_user_pool(UserPoolId=pool["Id"])["UserPool"].get("LambdaConfig", {})
    # The Region's log export is its own.
    west_logs = [{"LogLevel": "ERROR", "EventSource": "userNotification", "CloudWatchLogsConfiguration": {
        "LogGroupArn": "arn:aws:logs:us-west-2:000000000000:log-group:/aws/cognito/west"}}]
    west.set_log_delivery_configuration(UserPoolId=pool["Id"], LogConfigurations=west_logs)
    assert west.get_log_delivery_configuration(UserPoolId=pool["Id"])["LogDeliveryConfiguration"]["LogConfigurations"] == west_logs
    assert cognito.get_log_delivery_configuration(UserPoolId=pool["Id"])["LogDeliveryConfiguration"]["LogConfigurations"] == []
    # Lockout counters are per Region: wrong passwords in the secondary lock the user out there only.
    wrong = dict(sign_in, AuthParameters={"USERNAME": "alice", "PASSWORD": "Wr0ng-Passw0rd!"})
    messages = [refused(west.admin_initiate_auth, **wrong)[1] for _ in range(6)]
    assert messages[-1] == "Password attempts exceeded", messages
    assert refused(west.admin_initiate_auth, **sign_in)[1] == "Password attempts exceeded"
    # The primary goes on as before.
    assert cognito.admin_initiate_auth(**sign_in)["AuthenticationResult"]["AccessToken"]
    status, _ = unsigned(server, "us-east-1", "SignUp", {"ClientId": client, "Username": "bob", "Password": PASSWORD})
    assert status == 200

    # Deleted from the primary, once INACTIVE.
    code, message = refused(cognito.delete_user_pool_replica, UserPoolId=pool["Id"], RegionName="us-west-2")
    assert code == "InvalidParameterException" and "INACTIVE" in message
    cognito.update_user_pool_replica(UserPoolId=pool["Id"], RegionName="us-west-2", Status="INACTIVE")
    assert refused(west.delete_user_pool_replica, UserPoolId=pool["Id"], RegionName="us-west-2")[0] == "OperationNotEnabledException"
    deleted = cognito.delete_user_pool_replica(UserPoolId=pool["Id"], RegionName="us-west-2")["UserPoolReplica"]
    assert deleted["Status"] == "DELETING" and deleted["RegionName"] == "us-west-2"
    assert [r["Role"] for r in cognito.list_user_pool_replicas(UserPoolId=pool["Id"])["UserPoolReplicas"]] == ["PRIMARY"]
    assert refused(cognito.delete_user_pool_replica, UserPoolId=pool["Id"], RegionName="us-west-2")[0] == "ResourceNotFoundException"
    assert refused(cognito.update_user_pool_replica, UserPoolId=pool["Id"], RegionName="us-west-2",
                   Status="ACTIVE")[0] == "ResourceNotFoundException"
    # Without a replica there, the Region is served as before (no secondary to hold it to).
    assert west.admin_initiate_auth(**sign_in)["AuthenticationResult"]["AccessToken"]


@pytest.fixture
def two_regions(tmp_path):
    """Two nodes on one PostgreSQL database (COGNATE_TEST_POSTGRES_URL, which Scripts/test.sh sets), one with
    --region us-east-1 and one with --region us-west-2: the local form of AWS's two Regions."""
    url = os.environ.get("COGNATE_TEST_POSTGRES_URL")
    assert url, "COGNATE_TEST_POSTGRES_URL is not set: run Scripts/test.sh, which starts PostgreSQL"
    database = postgres_database(url, "regions_" + uuid.uuid4().hex[:12])
    key = str(tmp_path / "shared")
    nodes = [Server(key, extra_args=["--region", region], database_url=database) for region in ("us-east-1", "us-west-2")]
    for index, node in enumerate(nodes):
        node.log_path = str(tmp_path / f"node{index}.log")
    nodes[0].start()
    nodes[1].start()
    yield nodes
    for node in nodes:
        node.stop()


def test_risk_notifications_are_kept_per_region(server, cognito, pools):
    """AWS keeps threat protection's notifications per Region: SetRiskConfiguration in the secondary sets the
    Region's own NotifyConfiguration (the rest only as the primary has it), and a sign-in blocked there sends the
    Region's notice."""
    ses = "arn:aws:ses:us-east-1:000000000000:identity/example.com"
    pool = pools(UserPoolTier="PLUS", UserPoolAddOns={"AdvancedSecurityMode": "ENFORCED"},
                 KeyConfiguration={"KeyType": "CUSTOMER_MANAGED_KEY", "KmsKeyArn": MRK}, IssuerConfiguration={"Type": "UPDATED"})
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app",
                                             ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="alice", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": "alice@example.com"}])
    cognito.admin_set_user_password(UserPoolId=pool, Username="alice", Password=PASSWORD, Permanent=True)
    actions = {"HighAction": {"Notify": True, "EventAction": "BLOCK"}}

    def notify(subject):
        return {"From": "security@example.com", "SourceArn": ses, "BlockEmail": {"Subject": subject, "TextBody": "Blocked {username}."}}
    cognito.set_risk_configuration(UserPoolId=pool, AccountTakeoverRiskConfiguration={"NotifyConfiguration": notify("Primary"), "Actions": actions})
    cognito.create_user_pool_replica(UserPoolId=pool, RegionName="us-west-2")
    west = regional(server, "us-west-2")
    try:
        west.update_user_pool_replica(UserPoolId=pool, RegionName="us-west-2", Status="ACTIVE")
        answer = west.set_risk_configuration(UserPoolId=pool, AccountTakeoverRiskConfiguration={
            "NotifyConfiguration": notify("Secondary"), "Actions": actions})["RiskConfiguration"]
        assert answer["AccountTakeoverRiskConfiguration"]["NotifyConfiguration"]["BlockEmail"]["Subject"] == "Secondary"
        code, message = refused(west.set_risk_configuration, UserPoolId=pool, AccountTakeoverRiskConfiguration={
            "NotifyConfiguration": notify("Secondary"), "Actions": {"HighAction": {"Notify": True, "EventAction": "NO_ACTION"}}})
        assert code == "InvalidParameterException" and "primary Region" in message
        described = {region: client_.describe_risk_configuration(UserPoolId=pool)["RiskConfiguration"]
                     ["AccountTakeoverRiskConfiguration"]["NotifyConfiguration"]["BlockEmail"]["Subject"]
                     for region, client_ in (("us-east-1", cognito), ("us-west-2", west))}
        assert described == {"us-east-1": "Primary", "us-west-2": "Secondary"}
        # A blocked sign-in in each Region (sent, unsigned as SDKs send it, to AWS's host name for the Region) sends
        # that Region's notice.
        for region, subject in (("us-west-2", "Secondary"), ("us-east-1", "Primary")):
            assert requests.post(server.url + "/_cognate/risk", json={"userPoolId": pool, "username": "alice", "riskLevel": "High"},
                                 timeout=5).status_code == 200
            status, body = unsigned(server, region, "InitiateAuth", {
                "ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD}})
            assert status == 400 and body["__type"] == "NotAuthorizedException", body
            assert outbox(server, poolId=pool)[-1]["subject"] == subject
        # Without NotifyConfiguration, the Region follows the primary again.
        west.set_risk_configuration(UserPoolId=pool, AccountTakeoverRiskConfiguration={"Actions": actions})
        assert west.describe_risk_configuration(UserPoolId=pool)["RiskConfiguration"]["AccountTakeoverRiskConfiguration"][
            "NotifyConfiguration"]["BlockEmail"]["Subject"] == "Primary"
    finally:
        west.update_user_pool_replica(UserPoolId=pool, RegionName="us-west-2", Status="INACTIVE")


def test_a_second_node_with_the_replicas_region_serves_as_the_secondary(two_regions):
    east, west = two_regions
    admin = east.client()
    pool = admin.create_user_pool(
        PoolName="regions", UserPoolTier="ESSENTIALS", KeyConfiguration={"KeyType": "CUSTOMER_MANAGED_KEY", "KmsKeyArn": MRK},
        IssuerConfiguration={"Type": "UPDATED"})["UserPool"]["Id"]
    client = admin.create_user_pool_client(
        UserPoolId=pool, ClientName="web", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        AllowedOAuthFlows=["code"], AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthScopes=["openid"],
        CallbackURLs=["https://app.example.com/cb"], SupportedIdentityProviders=["COGNITO"])["UserPoolClient"]["ClientId"]
    admin.admin_create_user(UserPoolId=pool, Username="alice", MessageAction="SUPPRESS")
    admin.admin_set_user_password(UserPoolId=pool, Username="alice", Password=PASSWORD, Permanent=True)
    admin.create_user_pool_replica(UserPoolId=pool, RegionName="us-west-2")
    admin.update_user_pool_replica(UserPoolId=pool, RegionName="us-west-2", Status="ACTIVE")
    # Unsigned requests to the second node are the secondary Region's (its --region).
    end_user = boto3.client("cognito-idp", endpoint_url=west.url, region_name="us-west-2", config=Config(
        signature_version=botocore.UNSIGNED, retries={"max_attempts": 1}))
    sign_in = dict(ClientId=client, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD})
    deadline = time.time() + 5
    while True:
        try:
            refresh_token = end_user.initiate_auth(**sign_in)["AuthenticationResult"]["RefreshToken"]
            break
        except end_user.exceptions.OperationNotEnabledException:
            assert time.time() < deadline, "the replica's status did not reach the second node"
            time.sleep(0.2)
    assert refused(end_user.sign_up, ClientId=client, Username="bob", Password=PASSWORD)[0] == "OperationNotEnabledException"
    # Its managed login signs in, and offers no sign-up.
    query = {"client_id": client, "response_type": "code", "redirect_uri": "https://app.example.com/cb"}
    login = requests.get(west.url + "/login", params=query, timeout=10)
    assert login.status_code == 200 and "signInSubmitButton" in login.text and "/signup?" not in login.text
    assert "/signup?" in requests.get(east.url + "/login", params=query, timeout=10).text
    # Set INACTIVE on the primary's node: within a second or so the secondary serves no end user.
    admin.update_user_pool_replica(UserPoolId=pool, RegionName="us-west-2", Status="INACTIVE")
    deadline = time.time() + 5
    while requests.get(west.url + "/oauth2/authorize", params=query, allow_redirects=False, timeout=10).status_code != 503:
        assert time.time() < deadline, "the second node still serves the INACTIVE replica"
        time.sleep(0.2)
    assert refused(end_user.initiate_auth, **sign_in)[0] == "OperationNotEnabledException"
    # Its token endpoint too: no refresh while INACTIVE.
    answer = requests.post(west.url + "/oauth2/token", timeout=10, data={
        "grant_type": "refresh_token", "client_id": client, "refresh_token": refresh_token})
    assert answer.status_code == 503 and answer.json()["error"] == "temporarily_unavailable"
    assert requests.post(east.url + "/oauth2/token", timeout=10, data={
        "grant_type": "refresh_token", "client_id": client, "refresh_token": refresh_token}).status_code == 200
    # The primary's node goes on.
    assert east.client().initiate_auth(**sign_in)["AuthenticationResult"]["AccessToken"]
