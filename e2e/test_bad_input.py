"""Malformed, unknown, oversized and concurrent input: always a modelled AWS error, never a crash or a hang."""
import concurrent.futures
import json
import subprocess

import requests

from conftest import BINARY

TARGET = "AWSCognitoIdentityProviderService."
HEADERS = {"Content-Type": "application/x-amz-json-1.1"}


def post(server, op, body, headers=None):
    h = dict(HEADERS)
    if op is not None:
        h["X-Amz-Target"] = TARGET + op
    h.update(headers or {})
    return requests.post(server.url + "/", data=body, headers=h, timeout=10)


def error(response):
    return response.json()["__type"]


def test_malformed_json(server):
    for body in ('{"MaxResults": ', "not json", "[1, 2]", '"string"', "\x00\x01"):
        r = post(server, "ListUserPools", body)
        assert r.status_code == 400 and error(r) == "SerializationException", body


def test_wrong_types(server):
    r = post(server, "DescribeUserPool", json.dumps({"UserPoolId": 12}))
    assert r.status_code == 400 and error(r) == "SerializationException"
    assert "userPoolId" in r.json()["message"]
    r = post(server, "ListUserPools", json.dumps({"MaxResults": "ten"}))
    assert error(r) == "SerializationException"
    r = post(server, "AdminCreateUser", json.dumps({"UserPoolId": "us-east-1_abc", "Username": "x", "UserAttributes": {"a": 1}}))
    assert error(r) == "SerializationException"


def test_missing_and_unknown_targets(server):
    assert error(post(server, None, "{}")) == "UnknownOperationException"
    assert error(post(server, "NotAnOperation", "{}")) == "UnknownOperationException"
    r = requests.post(server.url + "/", data="{}", headers={**HEADERS, "X-Amz-Target": "SomeOtherService.ListUsers"}, timeout=5)
    assert error(r) == "UnknownOperationException"


def test_every_operation_of_the_model_is_implemented(server):
    # The binary's own coverage table; an operation of a newer model would answer UnsupportedOperationException
    # naming itself until implemented (HTTPFrontTests holds that path).
    table = subprocess.run([BINARY, "--print-coverage"], check=True, capture_output=True, text=True).stdout
    assert "All 153 operations of the cognito-idp model (botocore 1.44.8) are implemented." in table
    assert not [line for line in table.splitlines() if line.endswith("| no |")]
    for operation in ("InitiatePointInTimeRecovery", "ListPointInTimeRecoveries"):
        r = post(server, operation, json.dumps({"UserPoolId": "us-east-1_abc", "RestoreTimestamp": 1}))
        assert error(r) != "UnsupportedOperationException"


def test_missing_required_members(server):
    r = post(server, "AdminGetUser", "{}")
    assert error(r) == "InvalidParameterException"
    assert r.json()["message"].startswith("2 validation errors detected: ")


def test_huge_body_is_refused(server):
    big = json.dumps({"PoolName": "x" * (2 * 1024 * 1024)})
    r = post(server, "CreateUserPool", big)
    assert r.status_code == 413 and error(r) == "RequestEntityTooLargeException"


def test_oversized_member(server):
    r = post(server, "CreateUserPool", json.dumps({"PoolName": "x" * 200}))
    assert error(r) == "InvalidParameterException"
    assert "Member must have length less than or equal to 128" in r.json()["message"]


def test_wrong_path_and_method(server):
    r = requests.get(server.url + "/nowhere", timeout=5)
    assert r.status_code == 404 and "nowhere" in r.json()["message"]
    # GET / is a page for the browser; the API is POST /, and another method there is refused.
    r = requests.get(server.url + "/", timeout=5)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html") and "_cognate/console" in r.text
    r = requests.put(server.url + "/", data="{}", timeout=5)
    assert 400 <= r.status_code < 500


def test_request_id_on_every_response(server):
    ok = post(server, "ListUserPools", json.dumps({"MaxResults": 1}))
    bad = post(server, "Nope", "{}")
    assert ok.headers["x-amzn-RequestId"] and bad.headers["x-amzn-RequestId"]
    assert ok.headers["Content-Type"] == "application/x-amz-json-1.1"


def test_concurrent_conflicting_writes(server, cognito, pool):
    cognito.create_group(UserPoolId=pool, GroupName="g")

    def create(i):
        try:
            cognito.admin_create_user(UserPoolId=pool, Username="same", MessageAction="SUPPRESS")
            return "created"
        except cognito.exceptions.UsernameExistsException:
            return "exists"

    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        results = list(ex.map(create, range(16)))
    assert results.count("created") == 1 and results.count("exists") == 15

    def update(i):
        cognito.admin_update_user_attributes(UserPoolId=pool, Username="same", UserAttributes=[{"Name": "name", "Value": f"n{i}"}])
        cognito.admin_add_user_to_group(UserPoolId=pool, Username="same", GroupName="g")

    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        list(ex.map(update, range(16)))
    assert [u["Username"] for u in cognito.list_users_in_group(UserPoolId=pool, GroupName="g")["Users"]] == ["same"]
    # The server is still answering after all that.
    assert cognito.describe_user_pool(UserPoolId=pool)["UserPool"]["EstimatedNumberOfUsers"] == 1
