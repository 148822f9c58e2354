"""Remembered devices: NewDeviceMetadata at sign-in, ConfirmDevice with the device's SRP verifier, and device
SRP (DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER) standing in for MFA. The device side is pycognito's own
implementation of Cognito's device SRP, independent of Cognate's."""
import uuid

import jwt
import pytest
from pycognito.aws_srp import AWSSRP, generate_hash_device
from pycognito.exceptions import SMSMFAChallengeException

from conftest import outbox

PASSWORD = "Str0ng-Passw0rd!"
PHONE = "+15555550142"
SMS = {"SmsAuthenticationMessage": "Code {####}", "SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::000000000000:role/sns"}}


@pytest.fixture
def device_pool(cognito):
    pool = cognito.create_user_pool(
        PoolName="devices-" + uuid.uuid4().hex[:6],
        DeviceConfiguration={"ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": False})["UserPool"]["Id"]
    cognito.set_user_pool_mfa_config(UserPoolId=pool, MfaConfiguration="OPTIONAL", SmsMfaConfiguration=SMS)
    cid = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="app",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="dana", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "phone_number", "Value": PHONE}])
    cognito.admin_set_user_password(UserPoolId=pool, Username="dana", Password=PASSWORD, Permanent=True)
    cognito.admin_set_user_mfa_preference(UserPoolId=pool, Username="dana", SMSMfaSettings={"Enabled": True})
    yield pool, cid
    cognito.delete_user_pool(UserPoolId=pool)


def mfa_messages(server, pool):
    return [m for m in outbox(server, poolId=pool, recipient=PHONE) if m["purpose"] == "mfa"]


def sign_in_with_sms(server, cognito, pool, cid, **device):
    """SRP sign-in answered with the SMS code from the outbox."""
    srp = AWSSRP(username="dana", password=PASSWORD, pool_id=pool, client_id=cid, client=cognito, **device)
    with pytest.raises(SMSMFAChallengeException) as challenge:
        srp.authenticate_user()
    session = challenge.value.get_tokens()["Session"]
    code = mfa_messages(server, pool)[-1]["code"]
    return cognito.respond_to_auth_challenge(ClientId=cid, ChallengeName="SMS_MFA", Session=session,
                                             ChallengeResponses={"USERNAME": "dana", "SMS_MFA_CODE": code})["AuthenticationResult"]


def test_a_remembered_device_signs_in_without_mfa(server, cognito, device_pool):
    pool, cid = device_pool
    first = sign_in_with_sms(server, cognito, pool, cid)
    metadata = first["NewDeviceMetadata"]
    region, _, device_uuid = metadata["DeviceKey"].partition("_")
    assert region == "us-east-1" and uuid.UUID(device_uuid)
    assert metadata["DeviceGroupKey"]
    device_password, verifier_config = generate_hash_device(metadata["DeviceGroupKey"], metadata["DeviceKey"])
    confirmed = cognito.confirm_device(AccessToken=first["AccessToken"], DeviceKey=metadata["DeviceKey"],
                                       DeviceSecretVerifierConfig=verifier_config, DeviceName="laptop")
    assert confirmed["UserConfirmationNecessary"] is False

    devices = cognito.list_devices(AccessToken=first["AccessToken"])["Devices"]
    assert [d["DeviceKey"] for d in devices] == [metadata["DeviceKey"]]
    attributes = {a["Name"]: a["Value"] for a in devices[0]["DeviceAttributes"]}
    assert attributes["device_name"] == "laptop" and attributes["dev:device_remembered_status"] == "remembered"

    # Signing in from the remembered device: device SRP instead of an SMS code.
    sent = len(mfa_messages(server, pool))
    device = {"device_key": metadata["DeviceKey"], "device_group_key": metadata["DeviceGroupKey"], "device_password": device_password}
    tokens = AWSSRP(username="dana", password=PASSWORD, pool_id=pool, client_id=cid, client=cognito, **device).authenticate_user()
    result = tokens["AuthenticationResult"]
    assert "NewDeviceMetadata" not in result
    assert len(mfa_messages(server, pool)) == sent
    claims = jwt.decode(result["AccessToken"], options={"verify_signature": False})
    assert claims["device_key"] == metadata["DeviceKey"]
    assert cognito.get_device(AccessToken=result["AccessToken"], DeviceKey=metadata["DeviceKey"])["Device"]["DeviceLastAuthenticatedDate"]

    # A refresh token issued to a confirmed device refreshes only with its key (AWS's words, with the period).
    with pytest.raises(cognito.exceptions.NotAuthorizedException) as refused:
        cognito.initiate_auth(ClientId=cid, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]})
    assert refused.value.response["Error"]["Message"] == "Invalid Refresh Token."
    refreshed = cognito.initiate_auth(ClientId=cid, AuthFlow="REFRESH_TOKEN_AUTH",
                                      AuthParameters={"REFRESH_TOKEN": result["RefreshToken"], "DEVICE_KEY": metadata["DeviceKey"]})
    assert refreshed["AuthenticationResult"]["AccessToken"]

    # The wrong device secret is refused.
    wrong = dict(device, device_password="not-the-device-password")
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        AWSSRP(username="dana", password=PASSWORD, pool_id=pool, client_id=cid, client=cognito, **wrong).authenticate_user()

    # Not remembered any more: the device still authenticates, and MFA is asked for again.
    cognito.update_device_status(AccessToken=result["AccessToken"], DeviceKey=metadata["DeviceKey"],
                                 DeviceRememberedStatus="not_remembered")
    again = AWSSRP(username="dana", password=PASSWORD, pool_id=pool, client_id=cid, client=cognito, **device).authenticate_user()
    assert again["ChallengeName"] == "SMS_MFA"


def test_admin_device_operations(server, cognito, device_pool):
    pool, cid = device_pool
    first = sign_in_with_sms(server, cognito, pool, cid)
    key = first["NewDeviceMetadata"]["DeviceKey"]
    # An unconfirmed device is not listed.
    assert cognito.admin_list_devices(UserPoolId=pool, Username="dana")["Devices"] == []
    with pytest.raises(cognito.exceptions.InvalidParameterException):
        cognito.confirm_device(AccessToken=first["AccessToken"], DeviceKey=key)
    with pytest.raises(cognito.exceptions.ResourceNotFoundException):
        cognito.confirm_device(AccessToken=first["AccessToken"], DeviceKey="us-east-1_" + str(uuid.uuid4()),
                               DeviceSecretVerifierConfig={"PasswordVerifier": "AQ==", "Salt": "AQ=="})
    _, config = generate_hash_device(first["NewDeviceMetadata"]["DeviceGroupKey"], key)
    cognito.confirm_device(AccessToken=first["AccessToken"], DeviceKey=key, DeviceSecretVerifierConfig=config)
    assert cognito.admin_get_device(UserPoolId=pool, Username="dana", DeviceKey=key)["Device"]["DeviceKey"] == key
    cognito.admin_update_device_status(UserPoolId=pool, Username="dana", DeviceKey=key, DeviceRememberedStatus="not_remembered")
    listed = cognito.admin_list_devices(UserPoolId=pool, Username="dana", Limit=1)["Devices"]
    assert {a["Name"]: a["Value"] for a in listed[0]["DeviceAttributes"]}["dev:device_remembered_status"] == "not_remembered"
    cognito.admin_forget_device(UserPoolId=pool, Username="dana", DeviceKey=key)
    with pytest.raises(cognito.exceptions.ResourceNotFoundException):
        cognito.admin_get_device(UserPoolId=pool, Username="dana", DeviceKey=key)
    with pytest.raises(cognito.exceptions.ResourceNotFoundException):
        cognito.forget_device(AccessToken=first["AccessToken"], DeviceKey=key)


def test_pools_without_device_tracking_hand_out_no_devices(cognito, pool):
    cid = cognito.create_user_pool_client(UserPoolId=pool, ClientName="plain",
                                          ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="plain", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool, Username="plain", Password=PASSWORD, Permanent=True)
    result = cognito.initiate_auth(ClientId=cid, AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": "plain", "PASSWORD": PASSWORD})["AuthenticationResult"]
    assert "NewDeviceMetadata" not in result
