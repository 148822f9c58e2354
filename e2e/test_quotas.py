"""AWS's request-rate quotas: GetProvisionedLimit and UpdateProvisionedLimit as AWS documents them, and
--enforce-quotas, under which each category's rate holds (TooManyRequestsException from the API, 429 from the
web side), boto3's standard retry mode recovers, and provisioning raises the rate."""
import concurrent.futures
import re
import time
import uuid

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import REGION, Server, error_code


def limit(category, limit_class="API_CATEGORY"):
    return {"LimitClass": limit_class, "Attributes": {"Category": category}}


def client(server, region=REGION, **retries):
    return boto3.client("cognito-idp", endpoint_url=server.url, region_name=region, aws_access_key_id="AKIDTEST",
                        aws_secret_access_key="secret", config=Config(retries=retries or {"total_max_attempts": 1}))


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    """A server of its own (no other test's pools or domains), counting nothing."""
    s = Server(str(tmp_path_factory.mktemp("limits") / "limits.sqlite"), extra_args=["--quota-maximums", "UserRead=400"]).start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def enforcing(tmp_path_factory):
    s = Server(str(tmp_path_factory.mktemp("quotas") / "quotas.sqlite"),
               extra_args=["--enforce-quotas", "--quota-maximums", "UserRead=400"]).start()
    yield s
    s.stop()


def test_provisioned_limits_as_aws_documents(plain):
    c = client(plain)
    # Before any update both values are the default, as in AWS's example.
    assert c.get_provisioned_limit(LimitDefinition=limit("UserAuthentication"))["Limit"] == {
        "LimitDefinition": limit("UserAuthentication"), "ProvisionedLimitValue": 120, "FreeLimitValue": 120}
    assert c.update_provisioned_limit(LimitDefinition=limit("UserAuthentication"), RequestedLimitValue=300)["Limit"] == {
        "LimitDefinition": limit("UserAuthentication"), "ProvisionedLimitValue": 300, "FreeLimitValue": 120}
    assert c.get_provisioned_limit(LimitDefinition=limit("UserAuthentication"))["Limit"]["ProvisionedLimitValue"] == 300
    # Per Region: another Region's account is untouched.
    assert client(plain, "eu-west-1").get_provisioned_limit(
        LimitDefinition=limit("UserAuthentication"))["Limit"]["ProvisionedLimitValue"] == 120
    # A non-adjustable category reads at its default and cannot be provisioned.
    assert c.get_provisioned_limit(LimitDefinition=limit("UserList"))["Limit"]["ProvisionedLimitValue"] == 30
    assert c.get_provisioned_limit(LimitDefinition=limit("LimitManagement"))["Limit"]["FreeLimitValue"] == 1

    def refused(value=200, category="UserRead", **definition):
        with pytest.raises(ClientError) as e:
            c.update_provisioned_limit(LimitDefinition=definition or limit(category), RequestedLimitValue=value)
        return error_code(e), e.value.response["Error"]["Message"]
    assert refused(category="UserList")[0] == "InvalidParameterException"
    assert refused(category="NoSuchCategory")[0] == "ResourceNotFoundException"
    assert refused(401) == ("ServiceQuotaExceededException",
                            "The requested limit of 401 requests per second exceeds your account's maximum of 400 for UserRead.")
    assert refused(1300, "UserCreation")[0] == "ServiceQuotaExceededException"  # ten times the default, by default
    assert refused(0)[0] == "InvalidParameterException"
    assert refused(LimitClass="API_CATEGORY", Attributes={"Kind": "UserRead"})[0] == "InvalidParameterException"
    assert refused(LimitClass="API_CATEGORY", Attributes={"Category": "UserRead", "Extra": "x"})[0] == "InvalidParameterException"
    assert refused(LimitClass="ACCOUNT", Attributes={"Category": "UserRead"})[0] == "InvalidParameterException"
    # At or below the default: back to the default (how AWS says to stop paying for provisioned capacity).
    assert c.update_provisioned_limit(LimitDefinition=limit("UserAuthentication"), RequestedLimitValue=5)["Limit"][
        "ProvisionedLimitValue"] == 120


def test_pools_with_managed_login_keep_the_sign_in_categories(plain):
    c = client(plain, "ap-south-1")
    pool = c.create_user_pool(PoolName="branded")["UserPool"]["Id"]
    c.create_user_pool_domain(UserPoolId=pool, Domain="quota-" + uuid.uuid4().hex[:8], ManagedLoginVersion=2)
    for category in ("UserAuthentication", "UserFederation"):
        with pytest.raises(ClientError) as e:
            c.update_provisioned_limit(LimitDefinition=limit(category), RequestedLimitValue=200)
        assert error_code(e) == "InvalidParameterException" and "managed login" in e.value.response["Error"]["Message"]
    assert c.update_provisioned_limit(LimitDefinition=limit("UserRead"), RequestedLimitValue=200)["Limit"][
        "ProvisionedLimitValue"] == 200


def burst(server, count, call, threads=16):
    """`count` calls at once from `threads` clients without retries: (admitted, refusals, seconds)."""
    clients = [client(server) for _ in range(threads)]
    refusals = []

    def one(i):
        try:
            call(clients[i % threads])
            return True
        except ClientError as e:
            refusals.append((e.response["Error"]["Code"], e.response["Error"]["Message"],
                             e.response["ResponseMetadata"]["HTTPStatusCode"]))
            return False
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        admitted = sum(pool.map(one, range(count)))
    return admitted, refusals, time.monotonic() - started


@pytest.fixture(scope="module")
def user(enforcing):
    c = client(enforcing, mode="standard", max_attempts=10)
    pool = c.create_user_pool(PoolName="quotas")["UserPool"]["Id"]
    c.admin_create_user(UserPoolId=pool, Username="alice", MessageAction="SUPPRESS")
    return pool, "alice"


def test_a_category_answers_too_many_requests_past_its_rate_and_standard_retries_recover(enforcing, user):
    pool, name = user
    time.sleep(1.1)  # the UserRead bucket full again
    admitted, refusals, seconds = burst(enforcing, 400, lambda c: c.admin_get_user(UserPoolId=pool, Username=name))
    assert refusals, "some requests past 120 a second are refused"
    assert set(refusals) == {("TooManyRequestsException", "Rate exceeded", 400)}
    # A second's worth at once, then 120 a second.
    assert 120 <= admitted <= 120 + 120 * seconds + 5, (admitted, seconds)
    # boto3's standard retry mode backs off on TooManyRequestsException and gets every answer.
    retrying = [client(enforcing, mode="standard", max_attempts=10) for _ in range(8)]
    with concurrent.futures.ThreadPoolExecutor(8) as threads:
        answers = list(threads.map(lambda i: retrying[i % 8].admin_get_user(UserPoolId=pool, Username=name)["Username"], range(240)))
    assert answers == [name] * 240


def test_provisioning_raises_the_rate(enforcing, user):
    pool, name = user
    time.sleep(1.1)
    c = client(enforcing)
    assert c.update_provisioned_limit(LimitDefinition=limit("UserRead"), RequestedLimitValue=400)["Limit"][
        "ProvisionedLimitValue"] == 400
    time.sleep(1.1)  # the bucket fills to the new rate
    try:
        admitted, refusals, seconds = burst(enforcing, 450, lambda c: c.admin_get_user(UserPoolId=pool, Username=name))
        assert admitted >= 400 and admitted > 120 + 120 * seconds + 20, (admitted, seconds)
    finally:
        time.sleep(1.1)
        c.update_provisioned_limit(LimitDefinition=limit("UserRead"), RequestedLimitValue=120)


def test_limit_management_takes_one_request_a_second(enforcing):
    time.sleep(1.1)
    c = client(enforcing)
    c.get_provisioned_limit(LimitDefinition=limit("UserCreation"))
    with pytest.raises(ClientError) as e:
        c.get_provisioned_limit(LimitDefinition=limit("UserCreation"))
    assert error_code(e) == "TooManyRequestsException"
    time.sleep(1.1)
    assert c.get_provisioned_limit(LimitDefinition=limit("UserCreation"))["Limit"]["ProvisionedLimitValue"] == 50


def test_pool_resource_operations_take_five_a_second_per_pool(enforcing):
    c = client(enforcing, mode="standard", max_attempts=10)
    pools = [c.create_user_pool(PoolName=f"per-pool-{i}")["UserPool"]["Id"] for i in range(2)]
    time.sleep(1.1)
    admitted, refusals, seconds = burst(enforcing, 12, lambda c: c.list_groups(UserPoolId=pools[0]), threads=12)
    assert refusals and admitted <= 5 + 5 * seconds + 1, (admitted, seconds)
    # Another pool has its own five.
    admitted, refusals, _ = burst(enforcing, 4, lambda c: c.list_groups(UserPoolId=pools[1]), threads=4)
    assert admitted == 4 and not refusals


def test_token_endpoint_answers_429_past_the_client_authentication_rate(enforcing):
    c = client(enforcing, mode="standard", max_attempts=10)
    pool = c.create_user_pool(PoolName="machines")["UserPool"]["Id"]
    c.create_resource_server(UserPoolId=pool, Identifier="orders", Name="Orders", Scopes=[{"ScopeName": "read", "ScopeDescription": "r"}])
    app = c.create_user_pool_client(UserPoolId=pool, ClientName="m2m", GenerateSecret=True, AllowedOAuthFlows=["client_credentials"],
                                    AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthScopes=["orders/read"])["UserPoolClient"]
    time.sleep(1.1)
    session = requests.Session()

    def token(_):
        answer = requests.post(enforcing.url + "/oauth2/token", data={"grant_type": "client_credentials"},
                               auth=(app["ClientId"], app["ClientSecret"]), timeout=10)
        return answer.status_code, answer.headers.get("Retry-After"), answer.text
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(16) as threads:
        answers = list(threads.map(token, range(500)))
    seconds = time.monotonic() - started
    session.close()
    ok = sum(1 for status, _, _ in answers if status == 200)
    throttled = [a for a in answers if a[0] == 429]
    assert throttled and ok + len(throttled) == 500
    assert throttled[0][1] == "1" and '"Rate exceeded"' in throttled[0][2]
    assert 150 <= ok <= 150 + 150 * seconds + 5, (ok, seconds)
    metrics = requests.get(enforcing.url + "/metrics", timeout=5).text
    counted = re.search(r'cognate_throttled_requests_total\{category="ClientAuthentication"\} (\d+)', metrics)
    assert counted and int(counted.group(1)) >= len(throttled)
    assert re.search(r'cognate_throttled_requests_total\{category="UserRead"\} [1-9]', metrics)


def test_without_the_option_nothing_is_counted(plain):
    c = client(plain)
    pool = c.create_user_pool(PoolName="free")["UserPool"]["Id"]
    admitted, refusals, _ = burst(plain, 60, lambda c: c.list_groups(UserPoolId=pool), threads=8)
    assert admitted == 60 and not refusals
