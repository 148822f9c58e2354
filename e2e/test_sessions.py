"""User sessions (issue 30): the pool's and the app clients' session configuration, as boto3 and the AWS CLI see it."""
import gzip
import json
import os
import subprocess
import uuid

import boto3
import botocore
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from test_cli import AWS


def refused(call, **kwargs):
    with pytest.raises(ClientError) as e:
        call(**kwargs)
    return e.value.response["Error"]["Code"], e.value.response["Error"]["Message"]


@pytest.fixture
def pools(cognito):
    made = []

    def make(**kwargs):
        made.append(cognito.create_user_pool(PoolName="sessions-" + uuid.uuid4().hex[:6], **kwargs)["UserPool"]["Id"])
        return made[-1]
    yield make
    for pool in made:
        cognito.delete_user_pool(UserPoolId=pool)


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


def test_the_cli_sets_and_reads_the_configuration(server, cognito, pools, tmp_path):
    """No AWS CLI release knows these operations yet (its newest pins an older botocore), so the CLI is given
    botocore 1.44.8's model with its own `configure add-model`, as a user of a new operation would."""
    pool = pools()
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
        return json.loads(done.stdout)
    cli("set-user-pool-session-configuration", "--user-pool-id", pool, "--user-session-tracking", "ENABLED",
        "--token-session", "MaxPerUser=7")
    assert cli("get-user-pool-session-configuration", "--user-pool-id", pool)["TokenSession"] == {"MaxPerUser": 7}
