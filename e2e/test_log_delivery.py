"""Log export (issue 32): a pool's user-activity and message-delivery-error logs delivered for real to CloudWatch
Logs, S3 and Firehose through their AWS APIs — ministack's server stands in for AWS — and to a local file, in AWS's
record formats; a destination that fails does not fail the sign-in."""
import json
import time
import uuid

import boto3
import pytest
import requests

from conftest import REGION, Server, outbox
from lambdas import lambda_endpoint  # noqa: F401 (fixture)

PASSWORD = "Str0ng-Passw0rd!"


def aws(service, endpoint):
    return boto3.client(service, endpoint_url=endpoint, region_name=REGION, aws_access_key_id="AKIDTEST", aws_secret_access_key="secret")


@pytest.fixture(scope="module")
def exporting(tmp_path_factory, lambda_endpoint):
    folder = tmp_path_factory.mktemp("logs")
    s = Server(str(folder / "db.sqlite"), extra_args=["--log-delivery-endpoint", lambda_endpoint,
                                                    "--log-delivery-file", str(folder / "records.jsonl")]).start()
    yield s, folder / "records.jsonl"
    s.stop()


def eventually(read, timeout=15):
    deadline = time.time() + timeout
    while True:
        found = read()
        if found or time.time() > deadline:
            return found
        time.sleep(0.2)


def plus_pool(cognito):
    pool = cognito.create_user_pool(PoolName="logs-" + uuid.uuid4().hex[:6], UserPoolTier="PLUS",
                                    UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"})["UserPool"]["Id"]
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app",
                                             ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="alice", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool, Username="alice", Password=PASSWORD, Permanent=True)
    return pool, client


def sign_in(cognito, client, password=PASSWORD):
    return cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "alice", "PASSWORD": password})


def test_user_activity_to_cloudwatch_logs_s3_and_firehose(exporting, lambda_endpoint):
    server, file = exporting
    cognito = server.client()
    logs, s3, firehose = aws("logs", lambda_endpoint), aws("s3", lambda_endpoint), aws("firehose", lambda_endpoint)
    pool, client = plus_pool(cognito)
    group = "/aws/vendedlogs/cognito-" + pool
    logs.create_log_group(logGroupName=group)
    group_arn = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]["arn"].removesuffix(":*")
    bucket = "cognito-activity-" + uuid.uuid4().hex[:8]
    s3.create_bucket(Bucket=bucket)
    # To CloudWatch Logs: a stream named after the pool, one event per record, AWS's format.
    cognito.set_log_delivery_configuration(UserPoolId=pool, LogConfigurations=[
        {"LogLevel": "INFO", "EventSource": "userAuthEvents", "CloudWatchLogsConfiguration": {"LogGroupArn": group_arn}}])
    sign_in(cognito, client)
    event_id = cognito.admin_list_user_auth_events(UserPoolId=pool, Username="alice")["AuthEvents"][0]["EventId"]
    found = eventually(lambda: logs.get_log_events(logGroupName=group, logStreamName=pool).get("events") if pool in [
        s["logStreamName"] for s in logs.describe_log_streams(logGroupName=group)["logStreams"]] else [])
    record = json.loads(found[0]["message"])
    assert (record["eventSource"], record["logLevel"], record["logSourceId"]) == ("USER_ACTIVITY", "INFO", {"userPoolId": pool})
    message = record["message"]
    assert (message["eventId"], message["eventType"], message["eventResponse"], message["userName"]) == (event_id, "SignIn", "Pass", "alice")
    assert message["clientId"] == client and message["riskDecision"] == "PASS" and message["compromisedCredentialDetected"] == "false"
    assert message["ipAddress"] == "127.0.0.1" and message["version"] == "1" and record["eventTimestamp"].isdigit()
    # To S3: one object a record, under AWSLogs/<account>/cognito-idp/<region>/<pool>/.
    cognito.set_log_delivery_configuration(UserPoolId=pool, LogConfigurations=[
        {"LogLevel": "INFO", "EventSource": "userAuthEvents", "S3Configuration": {"BucketArn": "arn:aws:s3:::" + bucket}}])
    sign_in(cognito, client)
    objects = eventually(lambda: s3.list_objects_v2(Bucket=bucket).get("Contents", []))
    key = objects[0]["Key"]
    assert key.startswith(f"AWSLogs/000000000000/cognito-idp/{REGION}/{pool}/") and key.endswith(".json")
    stored = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    assert stored["message"]["eventType"] == "SignIn" and stored["message"]["userPoolId"] == pool
    # To Firehose: ministack's stream writes what it is given to its S3 destination.
    target = "cognito-firehose-" + uuid.uuid4().hex[:8]
    s3.create_bucket(Bucket=target)
    stream_arn = firehose.create_delivery_stream(
        DeliveryStreamName="activity-" + pool.split("_")[1].lower(), DeliveryStreamType="DirectPut",
        ExtendedS3DestinationConfiguration={"RoleARN": "arn:aws:iam::000000000000:role/firehose", "BucketARN": "arn:aws:s3:::" + target,
                                            "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60}})["DeliveryStreamARN"]
    cognito.set_log_delivery_configuration(UserPoolId=pool, LogConfigurations=[
        {"LogLevel": "INFO", "EventSource": "userAuthEvents", "FirehoseConfiguration": {"StreamArn": stream_arn}}])
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        sign_in(cognito, client, password="Wr0ng-Passw0rd!")
    delivered = eventually(lambda: s3.list_objects_v2(Bucket=target).get("Contents", []))
    body = s3.get_object(Bucket=target, Key=delivered[0]["Key"])["Body"].read().decode()
    line = json.loads(body.strip().splitlines()[-1])
    assert line["message"]["eventResponse"] == "Fail"
    # The local file has every record.
    lines = [json.loads(text) for text in eventually(lambda: [t for t in file.read_text().splitlines() if pool in t])]
    assert len(lines) >= 3 and {entry["message"]["eventResponse"] for entry in lines} >= {"Pass", "Fail"}


def test_message_delivery_errors_to_cloudwatch_logs(exporting, lambda_endpoint):
    server, _ = exporting
    cognito = server.client()
    logs = aws("logs", lambda_endpoint)
    pool = cognito.create_user_pool(PoolName="notices-" + uuid.uuid4().hex[:6])["UserPool"]["Id"]
    group = "cognito-notices-" + pool
    logs.create_log_group(logGroupName=group)
    group_arn = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]["arn"].removesuffix(":*")
    cognito.set_log_delivery_configuration(UserPoolId=pool, LogConfigurations=[
        {"LogLevel": "ERROR", "EventSource": "userNotification", "CloudWatchLogsConfiguration": {"LogGroupArn": group_arn}}])
    # An invitation by SMS to a user without a phone number cannot be delivered.
    cognito.admin_create_user(UserPoolId=pool, Username="nophone")
    found = eventually(lambda: logs.filter_log_events(logGroupName=group).get("events", []))
    record = json.loads(found[0]["message"])
    assert (record["eventSource"], record["logLevel"], record["logSourceId"]["userPoolId"]) == ("USER_NOTIFICATION", "ERROR", pool)
    assert "not sent by SMS" in record["message"]["details"]
    assert outbox(server, poolId=pool) == []


def test_a_failing_destination_does_not_fail_the_sign_in(tmp_path):
    # Nothing listens at the endpoint: the records are lost (counted, logged), the sign-ins are not.
    s = Server(str(tmp_path / "db.sqlite"), extra_args=["--log-delivery-endpoint", "http://127.0.0.1:9"]).start()
    try:
        cognito = s.client()
        pool, client = plus_pool(cognito)
        cognito.set_log_delivery_configuration(UserPoolId=pool, LogConfigurations=[
            {"LogLevel": "INFO", "EventSource": "userAuthEvents",
             "CloudWatchLogsConfiguration": {"LogGroupArn": "arn:aws:logs:us-east-1:000000000000:log-group:nowhere"}}])
        for _ in range(3):
            assert "AuthenticationResult" in sign_in(cognito, client)
        metrics = eventually(lambda: "outcome=\"failed\"" in requests.get(s.url + "/metrics", timeout=5).text and
                             requests.get(s.url + "/metrics", timeout=5).text)
        assert 'cognate_log_records_total{destination="cloudwatch_logs",outcome="failed"}' in metrics
    finally:
        s.stop()
