"""Multi-Region replicas: CreateUserPoolReplica, ListUserPoolReplicas, UpdateUserPoolReplica and
DeleteUserPoolReplica with AWS's prerequisites, and the secondary Region served as AWS's secondary replica —
a client signing for that Region (or an unsigned request sent to AWS's host name for it) signs in while the
replica is ACTIVE, is refused while it is INACTIVE, and can never create or change users there."""
import uuid

import boto3
import pytest
import requests
from botocore.config import Config

from conftest import refused

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
    assert seen_west["Arn"] == replica["UserPoolArn"]
    seen_east = cognito.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
    assert "PreAuthentication" not in seen_east.get("LambdaConfig", {}) and seen_east["Arn"] == pool["Arn"]
    # Left out again, the Region's trigger returns to the primary's (none).
    west.update_user_pool(UserPoolId=pool["Id"])
    assert "PreAuthentication" not in west.describe_user_pool(UserPoolId=pool["Id"])["UserPool"].get("LambdaConfig", {})
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
