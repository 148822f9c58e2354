"""CustomEmailSender and CustomSMSSender: the code or temporary password reaches the function as an AWS
Encryption SDK message under a data key from the pool's KMSKeyID, which Python's aws-encryption-sdk decrypts
with ministack's KMS exactly as a handler written for AWS would; the function is invoked asynchronously, and
Cognate sends nothing itself (the outbox records the hand-off). A key that cannot be had never fails the call."""
import base64
import json
import time
import uuid

import aws_encryption_sdk
import boto3
import pytest
from aws_encryption_sdk.identifiers import CommitmentPolicy
from aws_encryption_sdk.key_providers.kms import KMSMasterKey

from conftest import REGION, Server, outbox
from lambdas import FakeLambda, Functions, functions, lambda_endpoint  # noqa: F401 (fixtures)

PASSWORD = "Str0ng-Passw0rd!"


@pytest.fixture(scope="module")
def sending(tmp_path_factory, lambda_endpoint):
    server = Server(str(tmp_path_factory.mktemp("senders") / "senders.sqlite"),
                    extra_args=["--lambda-endpoint", lambda_endpoint, "--kms-endpoint", lambda_endpoint]).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def kms(lambda_endpoint):
    return boto3.client("kms", endpoint_url=lambda_endpoint, region_name=REGION, aws_access_key_id="AKIDTEST", aws_secret_access_key="secret")


def decrypt(kms, key_arn, code):
    """What AWS's sample handler does: the Encryption SDK with a KMS key, commitment required."""
    sdk = aws_encryption_sdk.EncryptionSDKClient(commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
    plaintext, header = sdk.decrypt(source=base64.b64decode(code), key_provider=KMSMasterKey(key_id=key_arn, client=kms))
    return plaintext.decode(), header


def wait_for(path, count, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        events = Functions.events(path)
        if len(events) >= count:
            return events
        time.sleep(0.1)
    raise AssertionError(f"the function got {len(Functions.events(path))} events, not {count}")


def sender_pool(cognito, arn, key_arn, **extra):
    config = {"CustomEmailSender": {"LambdaVersion": "V1_0", "LambdaArn": arn}, "CustomSMSSender": {"LambdaVersion": "V1_0", "LambdaArn": arn},
              "KMSKeyID": key_arn, **extra}
    pool = cognito.create_user_pool(PoolName="senders-" + uuid.uuid4().hex[:6], AutoVerifiedAttributes=["email"],
                                    LambdaConfig=config)["UserPool"]["Id"]
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app",
                                             ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
    return pool, client


def test_codes_reach_the_sender_encrypted_and_decrypt_with_the_sdk(sending, functions, kms):
    cognito = sending.client()
    key_arn = kms.create_key(Description="cognate senders")["KeyMetadata"]["Arn"]
    arn, events = functions.deploy()
    message_arn, message_events = functions.deploy()
    pool, client = sender_pool(cognito, arn, key_arn, CustomMessage=message_arn)
    cognito.sign_up(ClientId=client, Username="ivy", Password=PASSWORD, ClientMetadata={"lang": "de"},
                    UserAttributes=[{"Name": "email", "Value": "ivy@example.com"}])
    (sent,) = outbox(sending, poolId=pool)
    assert sent["recipient"] == "ivy@example.com" and "CustomEmailSender" in sent["body"] and sent.get("subject") is None
    (event,) = wait_for(events, 1)
    assert event["triggerSource"] == "CustomEmailSender_SignUp" and event["version"] == "1"
    assert event["callerContext"]["clientId"] == client and event["userName"] == "ivy"
    assert event["request"]["type"] == "customEmailSenderRequestV1" and event["request"]["clientMetadata"] == {"lang": "de"}
    assert event["request"]["userAttributes"]["email"] == "ivy@example.com"
    assert event["request"]["code"].startswith("AgV4")  # format version 2, suite 0x0578
    code, header = decrypt(kms, key_arn, event["request"]["code"])
    assert code == sent["code"]
    assert header.algorithm.algorithm_id == 0x0578 and "aws-crypto-public-key" in header.encryption_context
    # The code is the real one: it confirms the sign-up. CustomMessage had nothing to shape.
    cognito.confirm_sign_up(ClientId=client, Username="ivy", ConfirmationCode=code)
    assert Functions.events(message_events) == []

    # A temporary password is escaped for HTML before it is encrypted, as Cognito does.
    cognito.admin_create_user(UserPoolId=pool, Username="jon", TemporaryPassword="Tmp<Passw0rd&1", DesiredDeliveryMediums=["EMAIL", "SMS"],
                              UserAttributes=[{"Name": "email", "Value": "jon@example.com"}, {"Name": "phone_number", "Value": "+15555550100"}])
    later = wait_for(events, 3)[1:]
    assert sorted(e["triggerSource"] for e in later) == ["CustomEmailSender_AdminCreateUser", "CustomSMSSender_AdminCreateUser"]
    sms = next(e for e in later if e["triggerSource"] == "CustomSMSSender_AdminCreateUser")
    assert sms["request"]["type"] == "customSMSSenderRequestV1" and sms["callerContext"]["clientId"] == "CLIENT_ID_NOT_APPLICABLE"
    assert decrypt(kms, key_arn, sms["request"]["code"])[0] == "Tmp&lt;Passw0rd&amp;1"
    assert {m["medium"] for m in outbox(sending, poolId=pool, username="jon")} == {"EMAIL", "SMS"}


def test_a_key_that_cannot_be_had_never_fails_the_call(sending, functions):
    cognito = sending.client()
    arn, events = functions.deploy()
    pool, client = sender_pool(cognito, arn, "arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000000")
    answer = cognito.sign_up(ClientId=client, Username="kai", Password=PASSWORD, UserAttributes=[{"Name": "email", "Value": "kai@example.com"}])
    assert answer["UserConfirmed"] is False and answer["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    (sent,) = outbox(sending, poolId=pool)
    assert sent["body"].startswith("Not delivered: the pool's CustomEmailSender could not be given the code")
    time.sleep(0.5)
    assert Functions.events(events) == []


def test_senders_are_invoked_asynchronously(tmp_path, lambda_endpoint, kms):
    """Through a fake Invoke endpoint: the invocation type is Event, and a refusal does not reach the caller."""
    fake = FakeLambda()
    fake.reply = lambda path, headers, body: (403, {"x-amzn-ErrorType": "AccessDeniedException"}, b"{}")
    server = Server(str(tmp_path / "async.sqlite"), extra_args=["--lambda-endpoint", fake.url, "--kms-endpoint", lambda_endpoint]).start()
    try:
        cognito = server.client()
        key_arn = kms.create_key()["KeyMetadata"]["Arn"]
        pool, client = sender_pool(cognito, "arn:aws:lambda:us-east-1:000000000000:function:sender", key_arn)
        cognito.sign_up(ClientId=client, Username="lea", Password=PASSWORD, UserAttributes=[{"Name": "email", "Value": "lea@example.com"}])
        (path, headers, body) = fake.requests[0]
        assert headers["x-amz-invocation-type"] == "Event" and path.endswith("/invocations")
        assert json.loads(body)["triggerSource"] == "CustomEmailSender_SignUp"
        assert outbox(server, poolId=pool)[0]["body"].startswith("Not delivered")
    finally:
        server.stop()
        fake.close()
