"""User import jobs (CreateUserImportJob …): the CSV uploaded to the job's pre-signed URL as AWS documents it,
read by AWS's rules, users created in RESET_REQUIRED, per-line results in AWS's log form."""
import os
import subprocess
import time
import uuid
from urllib.parse import urlsplit, urlunsplit, parse_qsl, urlencode

import boto3
import pytest
import requests

from conftest import Server, outbox, refused
from lambdas import lambda_endpoint  # noqa: F401 (fixture)

SSE = {"x-amz-server-side-encryption": "aws:kms"}


def import_pool(pools, **kwargs):
    settings = {"AutoVerifiedAttributes": ["email"]}
    settings.update(kwargs)
    return pools(**settings)


def csv_text(cognito, pool, rows):
    """The file: GetCSVHeader's columns, then one line per dict (columns absent are empty)."""
    header = cognito.get_csv_header(UserPoolId=pool)["CSVHeader"]
    lines = [",".join(header)]
    for row in rows:
        lines.append(",".join(str(row.get(column, "")) for column in header))
    return "\n".join(lines) + "\n"


def user_row(name, email=None, **extra):
    row = {"cognito:username": name, "cognito:mfa_enabled": "FALSE", "email": email or f"{name}@example.com", "email_verified": "TRUE"}
    row.update(extra)
    return row


def create_job(cognito, pool, name="import"):
    return cognito.create_user_import_job(
        UserPoolId=pool, JobName=name, CloudWatchLogsRoleArn="arn:aws:iam::123456789012:role/CognitoImport")["UserImportJob"]


def upload(job, body, headers=SSE):
    return requests.put(job["PreSignedUrl"], data=body.encode() if isinstance(body, str) else body, headers=headers, timeout=60)


def wait(cognito, pool, job_id, until=("Succeeded", "Failed", "Stopped"), timeout=120):
    deadline = time.time() + timeout
    while True:
        job = cognito.describe_user_import_job(UserPoolId=pool, JobId=job_id)["UserImportJob"]
        if job["Status"] in until or time.time() > deadline:
            return job
        time.sleep(0.1)


def run_import(cognito, pool, text):
    job = create_job(cognito, pool)
    assert upload(job, text).status_code == 200
    cognito.start_user_import_job(UserPoolId=pool, JobId=job["JobId"])
    return wait(cognito, pool, job["JobId"])


def import_log(server, pool, job_id):
    answer = requests.get(server.url + "/_cognate/user-import-log", params={"userPoolId": pool, "jobId": job_id}, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_new_job_as_aws_answers_it(cognito, pools):
    pool = import_pool(pools)
    job = create_job(cognito, pool, name="Test-import-job-1")
    assert job["JobId"].startswith("import-") and len(job["JobId"]) == 17
    assert job["Status"] == "Created"
    assert (job["ImportedUsers"], job["SkippedUsers"], job["FailedUsers"]) == (0, 0, 0)
    assert "StartDate" not in job and "CompletionDate" not in job
    assert job["CloudWatchLogsRoleArn"] == "arn:aws:iam::123456789012:role/CognitoImport"
    query = dict(parse_qsl(urlsplit(job["PreSignedUrl"]).query))
    assert query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert query["X-Amz-Expires"] == "899"
    assert query["X-Amz-SignedHeaders"] == "host;x-amz-server-side-encryption"
    assert query["X-Amz-Credential"].endswith(f"/{pool.split('_')[0]}/s3/aws4_request")
    assert len(query["X-Amz-Signature"]) == 64
    assert cognito.describe_user_import_job(UserPoolId=pool, JobId=job["JobId"])["UserImportJob"] == job
    hashed = cognito.create_user_import_job(
        UserPoolId=pool, JobName="hashes", CloudWatchLogsRoleArn="arn:aws:iam::123456789012:role/CognitoImport",
        PasswordHashingAlgorithm="BCRYPT")["UserImportJob"]
    assert hashed["PasswordHashingAlgorithm"] == "BCRYPT"


def test_the_aws_cli_flow_imports_a_thousand_users(server, cognito, pools, tmp_path):
    """get-csv-header → create-user-import-job → curl -T → start-user-import-job → describe/list, as AWS documents it."""
    pool = import_pool(pools)
    env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDTEST", AWS_SECRET_ACCESS_KEY="secret", AWS_DEFAULT_REGION="us-east-1")
    aws = os.environ.get("AWS_CLI", "aws")

    def cli(*args):
        import json
        out = subprocess.run([aws, "--endpoint-url", server.url, "cognito-idp", *args, "--output", "json"],
                             env=env, capture_output=True, text=True, check=True).stdout
        return json.loads(out) if out.strip() else {}

    header = cli("get-csv-header", "--user-pool-id", pool)["CSVHeader"]
    rows = [user_row(f"user{i:04d}", given_name=f"Given\\, {i}", birthdate="02/01/1985") for i in range(1000)]
    path = tmp_path / "users.csv"
    path.write_text("\n".join([",".join(header)] + [",".join(str(r.get(c, "")) for c in header) for r in rows]) + "\n")
    job = cli("create-user-import-job", "--user-pool-id", pool, "--job-name", "cli-import",
              "--cloud-watch-logs-role-arn", "arn:aws:iam::123456789012:role/CognitoImport")["UserImportJob"]
    curl = subprocess.run(["curl", "-sS", "-f", "-T", str(path), "-H", "x-amz-server-side-encryption:aws:kms", job["PreSignedUrl"]],
                          capture_output=True, text=True)
    assert curl.returncode == 0, curl.stderr
    started = cli("start-user-import-job", "--user-pool-id", pool, "--job-id", job["JobId"])["UserImportJob"]
    assert started["Status"] in ("Pending", "InProgress") and "StartDate" in started
    done = wait(cognito, pool, job["JobId"])
    assert done["Status"] == "Succeeded", done
    assert (done["ImportedUsers"], done["SkippedUsers"], done["FailedUsers"]) == (1000, 0, 0)
    assert done["CompletionMessage"] == "Import Job Completed Successfully."
    assert done["StartDate"] <= done["CompletionDate"]
    listed = cli("list-user-import-jobs", "--user-pool-id", pool, "--max-results", "10")["UserImportJobs"]
    assert [j["JobId"] for j in listed] == [job["JobId"]] and listed[0]["Status"] == "Succeeded"
    user = cognito.admin_get_user(UserPoolId=pool, Username="user0042")
    assert user["UserStatus"] == "RESET_REQUIRED"
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["email"] == "user0042@example.com" and attributes["email_verified"] == "true"
    assert attributes["given_name"] == "Given, 42"
    assert attributes["birthdate"] == "1985-02-01"
    log = import_log(server, pool, job["JobId"])
    assert log["logStreamName"] == f"{job['JobId']}/cli-import"
    assert log["logGroupName"].startswith(f"/aws/cognito/userpools/{pool}/")
    assert len(log["events"]) == 1000
    assert log["events"][0] == "[SUCCEEDED] Line Number 2 - The import succeeded."
    assert log["events"][-1] == "[SUCCEEDED] Line Number 1001 - The import succeeded."


def test_imported_users_reset_their_password_to_sign_in(server, cognito, pools):
    pool = import_pool(pools)
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    client_id = client["UserPoolClient"]["ClientId"]
    done = run_import(cognito, pool, csv_text(cognito, pool, [user_row("alice")]))
    assert done["ImportedUsers"] == 1
    code, _ = refused(cognito.initiate_auth, ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                      AuthParameters={"USERNAME": "alice", "PASSWORD": "Whatever1!"})
    assert code == "PasswordResetRequiredException"
    hidden = cognito.create_user_pool_client(UserPoolId=pool, ClientName="hidden", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
                                             PreventUserExistenceErrors="ENABLED")["UserPoolClient"]["ClientId"]
    code, _ = refused(cognito.initiate_auth, ClientId=hidden, AuthFlow="USER_PASSWORD_AUTH",
                      AuthParameters={"USERNAME": "alice", "PASSWORD": "Whatever1!"})
    assert code == "NotAuthorizedException"
    delivery = cognito.forgot_password(ClientId=client_id, Username="alice")["CodeDeliveryDetails"]
    assert delivery["DeliveryMedium"] == "EMAIL"
    code = outbox(server, poolId=pool, recipient="alice@example.com")[-1]["code"]
    cognito.confirm_forgot_password(ClientId=client_id, Username="alice", ConfirmationCode=code, Password="NewPassw0rd!")
    tokens = cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": "alice", "PASSWORD": "NewPassw0rd!"})["AuthenticationResult"]
    assert tokens["AccessToken"]
    assert cognito.admin_get_user(UserPoolId=pool, Username="alice")["UserStatus"] == "CONFIRMED"


def test_each_row_rule_fails_its_line_and_the_job_reports_line_by_line(server, cognito, pools):
    pool = import_pool(pools, Schema=[
        {"Name": "name", "AttributeDataType": "String", "Required": True, "Mutable": True},
        {"Name": "tier", "AttributeDataType": "String", "Mutable": True},
    ])
    cognito.admin_create_user(UserPoolId=pool, Username="existing", MessageAction="SUPPRESS")
    header = cognito.get_csv_header(UserPoolId=pool)["CSVHeader"]

    def line(**row):
        base = {"name": "N", **user_row(row.pop("u", "x"))}
        base.update(row)
        return ",".join(str(base.get(c, "")) for c in header)

    lines = [
        line(u="good1"),                                             # 2 imported
        line(**{"cognito:username": ""}),                           # 3 no username
        line(**{"cognito:username": "has space"}),                  # 4 space in the username
        line(u="nomfa", **{"cognito:mfa_enabled": ""}),             # 5 mfa empty
        line(u="mfaon", **{"cognito:mfa_enabled": "TRUE"}),         # 6 MFA on in a pool with MFA off
        line(u="unverified", email_verified="FALSE"),               # 7 no auto-verified attribute true
        line(u="noemail", email=""),                                 # 8 verified but no email
        line(u="noname", name=""),                                   # 9 a required attribute missing
        line(u="baddate", birthdate="1985-02-01"),                  # 10 birthdate not mm/dd/yyyy
        line(u="short") + ",extra",                                  # 11 more values than columns
        line(u="bademail", email="not-an-email"),                   # 12 email format
        line(u="existing"),                                          # 13 skipped: the user exists
        line(u="good1", email="other@example.com"),                 # 14 skipped: the same username again
        line(u="badtime", updated_at="yesterday"),                  # 15 updated_at not a number
        line(u="good2", **{"custom:tier": "gold"}),                 # 16 imported
        line(u="phoneonly", email_verified="FALSE", phone_number="+15555550100", phone_number_verified="TRUE"),  # 17
        "",                                                          # a blank line is no user
    ]
    done = run_import(cognito, pool, ",".join(header) + "\n" + "\n".join(lines) + "\n")
    assert (done["ImportedUsers"], done["SkippedUsers"], done["FailedUsers"]) == (2, 2, 12), done
    assert done["Status"] == "Failed"
    assert done["CompletionMessage"] == "Too many users have failed or been skipped during the import."
    events = import_log(server, pool, done["JobId"])["events"]
    assert len(events) == 16
    by_line = {int(e.split("Line Number ")[1].split(" ")[0]): e for e in events}
    for number in (2, 16):
        assert by_line[number] == f"[SUCCEEDED] Line Number {number} - The import succeeded."
    for number in (13, 14):
        assert by_line[number] == f"[SKIPPED] Line Number {number} - The user already exists."
    for number in (3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 17):
        assert by_line[number].startswith(f"[FAILED] Line Number {number} - "), by_line[number]
    assert by_line[7] == ("[FAILED] Line Number 7 - The User Record does not set any of the auto verified attributes to true. "
                          "(Example: email_verified to true).")
    # No user data in the log.
    for secret in ("good1@example.com", "not-an-email", "has space", "gold", "+15555550100"):
        assert not any(secret in e for e in events)
    good2 = {a["Name"]: a["Value"] for a in cognito.admin_get_user(UserPoolId=pool, Username="good2")["UserAttributes"]}
    assert good2["custom:tier"] == "gold" and good2["name"] == "N"
    existing = cognito.admin_get_user(UserPoolId=pool, Username="existing")
    assert existing["UserStatus"] == "FORCE_CHANGE_PASSWORD"


def test_a_file_that_cannot_be_parsed_fails_the_job_and_imports_nothing(cognito, pools):
    pool = import_pool(pools)
    good = csv_text(cognito, pool, [user_row("someone")])
    header = good.split("\n")[0]
    cases = {
        "bom": "\ufeff" + good,
        "missing column": good.replace(",cognito:username", "", 1),
        "unknown column": header + ",favourite_colour\n" + good.split("\n", 1)[1].rstrip("\n") + ",blue\n",
    }
    for case, text in cases.items():
        done = run_import(cognito, pool, text)
        assert done["Status"] == "Failed", case
        assert done["CompletionMessage"].startswith("The CSV file could not be parsed"), (case, done["CompletionMessage"])
        assert (done["ImportedUsers"], done["SkippedUsers"], done["FailedUsers"]) == (0, 0, 0), case
    assert cognito.list_users(UserPoolId=pool)["Users"] == []
    empty = run_import(cognito, pool, header + "\n")
    assert empty["Status"] == "Succeeded" and empty["ImportedUsers"] == 0


def test_a_job_starts_once_from_created_with_a_file_in_a_pool_that_verifies(cognito, pools):
    pool = import_pool(pools)
    job = create_job(cognito, pool)
    code, message = refused(cognito.start_user_import_job, UserPoolId=pool, JobId=job["JobId"])
    assert code == "PreconditionNotMetException" and "uploaded" in message
    code, _ = refused(cognito.stop_user_import_job, UserPoolId=pool, JobId=job["JobId"])
    assert code == "PreconditionNotMetException"
    assert upload(job, csv_text(cognito, pool, [user_row("once")])).status_code == 200
    cognito.start_user_import_job(UserPoolId=pool, JobId=job["JobId"])
    assert wait(cognito, pool, job["JobId"])["Status"] == "Succeeded"
    code, _ = refused(cognito.start_user_import_job, UserPoolId=pool, JobId=job["JobId"])
    assert code == "PreconditionNotMetException"
    bare = pools()
    job = create_job(cognito, bare)
    assert upload(job, csv_text(cognito, bare, [user_row("nobody")])).status_code == 200
    code, message = refused(cognito.start_user_import_job, UserPoolId=bare, JobId=job["JobId"])
    assert code == "PreconditionNotMetException" and "auto-verified" in message
    code, _ = refused(cognito.describe_user_import_job, UserPoolId=pool, JobId="import-doesnotexist")
    assert code == "ResourceNotFoundException"
    code, _ = refused(cognito.describe_user_import_job, UserPoolId="us-east-1_nothere00", JobId=job["JobId"])
    assert code == "ResourceNotFoundException"


def test_stop_mid_way_and_the_pool_is_locked_while_a_job_runs(server, cognito, pools):
    pool = import_pool(pools)
    header = cognito.get_csv_header(UserPoolId=pool)["CSVHeader"]
    rows = (",".join(str(user_row(f"bulk{i:06d}").get(c, "")) for c in header) for i in range(20_000))
    text = ",".join(header) + "\n" + "\n".join(rows) + "\n"
    job = create_job(cognito, pool)
    assert upload(job, text).status_code == 200
    cognito.start_user_import_job(UserPoolId=pool, JobId=job["JobId"])
    for call, kwargs in ((cognito.delete_user_pool, {}), (cognito.update_user_pool, {"AutoVerifiedAttributes": ["email"]}),
                         (cognito.add_custom_attributes, {"CustomAttributes": [{"Name": "late", "AttributeDataType": "String"}]})):
        code, _ = refused(call, UserPoolId=pool, **kwargs)
        assert code == "UserImportInProgressException", call
    stopped = cognito.stop_user_import_job(UserPoolId=pool, JobId=job["JobId"])["UserImportJob"]
    assert stopped["Status"] in ("Stopping", "Stopped")
    stopped = wait(cognito, pool, job["JobId"])
    assert stopped["Status"] == "Stopped"
    assert stopped["CompletionMessage"] == "The Import Job was stopped by the developer."
    assert 0 <= stopped["ImportedUsers"] < 20_000
    events = import_log(server, pool, job["JobId"])["events"]
    assert len(events) == stopped["ImportedUsers"] + stopped["SkippedUsers"] + stopped["FailedUsers"]
    code, _ = refused(cognito.start_user_import_job, UserPoolId=pool, JobId=job["JobId"])
    assert code == "PreconditionNotMetException"
    cognito.update_user_pool(UserPoolId=pool, AutoVerifiedAttributes=["email"])


def test_a_job_never_started_expires(cognito, pools, clock):
    pool = import_pool(pools)
    job = create_job(cognito, pool, name="Test-import-job-1")
    assert upload(job, csv_text(cognito, pool, [user_row("late")])).status_code == 200
    clock(advanceSeconds=86_400)
    expired = cognito.describe_user_import_job(UserPoolId=pool, JobId=job["JobId"])["UserImportJob"]
    assert expired["Status"] == "Expired"
    assert expired["CompletionMessage"] == "The user import job has expired."
    assert expired["CompletionDate"] == job["CreationDate"] + __import__("datetime").timedelta(days=1)
    code, _ = refused(cognito.start_user_import_job, UserPoolId=pool, JobId=job["JobId"])
    assert code == "PreconditionNotMetException"


def s3_error(answer):
    import xml.etree.ElementTree as ET
    root = ET.fromstring(answer.content)
    return answer.status_code, root.findtext("Code")


def test_the_upload_url_is_refused_as_s3_refuses_it(server, cognito, pools, clock):
    pool = import_pool(pools)
    job = create_job(cognito, pool)
    other = create_job(cognito, pool, name="other")
    body = csv_text(cognito, pool, [user_row("u1")])
    assert s3_error(upload(job, body, headers={})) == (403, "SignatureDoesNotMatch")
    assert s3_error(upload(job, body, headers={"x-amz-server-side-encryption": "AES256"})) == (403, "SignatureDoesNotMatch")
    url = urlsplit(job["PreSignedUrl"])
    altered = dict(parse_qsl(url.query))
    altered["X-Amz-Signature"] = ("0" if altered["X-Amz-Signature"][0] != "0" else "1") + altered["X-Amz-Signature"][1:]
    assert s3_error(upload({"PreSignedUrl": urlunsplit(url._replace(query=urlencode(altered)))}, body)) == (403, "SignatureDoesNotMatch")
    longer = dict(parse_qsl(url.query), **{"X-Amz-Expires": "86400"})
    assert s3_error(upload({"PreSignedUrl": urlunsplit(url._replace(query=urlencode(longer)))}, body)) == (403, "SignatureDoesNotMatch")
    other_path = urlsplit(other["PreSignedUrl"]).path
    assert s3_error(upload({"PreSignedUrl": urlunsplit(url._replace(path=other_path))}, body)) == (403, "SignatureDoesNotMatch")
    unsigned = {k: v for k, v in parse_qsl(url.query) if k != "X-Amz-Signature"}
    assert s3_error(upload({"PreSignedUrl": urlunsplit(url._replace(query=urlencode(unsigned)))}, body)) == (400, "AuthorizationQueryParametersError")
    # Declared too large: refused before a byte of the body is read.
    import http.client
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    connection.putrequest("PUT", url.path + "?" + url.query)
    connection.putheader("x-amz-server-side-encryption", "aws:kms")
    connection.putheader("Content-Length", str(100 * 1024 * 1024 + 1))
    connection.endheaders()
    answer = connection.getresponse()
    assert answer.status == 400 and b"EntityTooLarge" in answer.read()
    connection.close()
    # The right request uploads (again: the newest complete upload is the file).
    assert upload(job, "garbage").status_code == 200
    first = upload(job, body)
    assert first.status_code == 200 and first.headers["ETag"] == '"%s"' % __import__("hashlib").md5(body.encode()).hexdigest()
    clock(advanceSeconds=900)
    assert s3_error(upload(other, body)) == (403, "AccessDenied")
    clock(offsetSeconds=0)
    cognito.start_user_import_job(UserPoolId=pool, JobId=job["JobId"])
    assert s3_error(upload(job, body)) == (403, "AccessDenied")
    assert wait(cognito, pool, job["JobId"])["ImportedUsers"] == 1


def test_jobs_are_listed_newest_first_with_aws_tokens(cognito, pools):
    pool = import_pool(pools)
    assert "UserImportJobs" not in cognito.list_user_import_jobs(UserPoolId=pool, MaxResults=5)
    ids = [create_job(cognito, pool, name=f"job{i}")["JobId"] for i in range(3)]
    first = cognito.list_user_import_jobs(UserPoolId=pool, MaxResults=2)
    assert [j["JobId"] for j in first["UserImportJobs"]] == ids[::-1][:2]
    token = first["PaginationToken"]
    assert token.startswith(f"{pool}#{ids[1]}#")
    second = cognito.list_user_import_jobs(UserPoolId=pool, MaxResults=2, PaginationToken=token)
    assert [j["JobId"] for j in second["UserImportJobs"]] == [ids[0]] and "PaginationToken" not in second
    code, _ = refused(cognito.list_user_import_jobs, UserPoolId=pool, MaxResults=2, PaginationToken="nonsense")
    assert code == "InvalidParameterException"


def test_an_import_killed_mid_way_resumes_without_losing_or_repeating_a_line(tmp_path):
    server = Server(str(tmp_path / "resume.sqlite")).start()
    try:
        cognito = server.client()
        pool = cognito.create_user_pool(PoolName="resume", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
        header = cognito.get_csv_header(UserPoolId=pool)["CSVHeader"]
        total = 12_000
        rows = (",".join(str(user_row(f"r{i:06d}").get(c, "")) for c in header) for i in range(total))
        job = create_job(cognito, pool)
        assert upload(job, ",".join(header) + "\n" + "\n".join(rows) + "\n").status_code == 200
        cognito.start_user_import_job(UserPoolId=pool, JobId=job["JobId"])
        deadline = time.time() + 60
        while cognito.describe_user_import_job(UserPoolId=pool, JobId=job["JobId"])["UserImportJob"]["ImportedUsers"] == 0:
            assert time.time() < deadline
            time.sleep(0.01)
        server.stop(signal_kill())
        server.start()
        cognito = server.client()
        done = wait(cognito, pool, job["JobId"])
        assert done["Status"] == "Succeeded", done
        assert (done["ImportedUsers"], done["SkippedUsers"], done["FailedUsers"]) == (total, 0, 0)
        events = import_log(server, pool, job["JobId"])["events"]
        assert sorted(int(e.split("Line Number ")[1].split(" ")[0]) for e in events) == list(range(2, total + 2))
    finally:
        server.stop()


def signal_kill():
    import signal
    return signal.SIGKILL


@pytest.fixture(scope="module")
def delivering(tmp_path_factory, lambda_endpoint):
    folder = tmp_path_factory.mktemp("import-logs")
    s = Server(str(folder / "db.sqlite"), extra_args=["--user-import-logs", "cloudwatch", "--log-delivery-endpoint", lambda_endpoint]).start()
    yield s
    s.stop()


def test_results_are_delivered_to_cloudwatch_logs_as_aws_names_them(delivering, lambda_endpoint):
    """ministack's CloudWatch Logs stands in for AWS's: the group and stream AWS names, one event a line."""
    cognito = delivering.client()
    pool = cognito.create_user_pool(PoolName="imported", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    cognito.admin_create_user(UserPoolId=pool, Username="bob", MessageAction="SUPPRESS")
    done = run_import(cognito, pool, csv_text(cognito, pool, [user_row("ann"), user_row("bob"), user_row("cy", email_verified="FALSE")]))
    assert (done["ImportedUsers"], done["SkippedUsers"], done["FailedUsers"]) == (1, 1, 1)
    logs = boto3.client("logs", endpoint_url=lambda_endpoint, region_name="us-east-1", aws_access_key_id="AKIDTEST", aws_secret_access_key="secret")
    group, stream = f"/aws/cognito/userpools/{pool}/imported", f"{done['JobId']}/import"
    events = [e["message"] for e in logs.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True)["events"]]
    assert events == import_log(delivering, pool, done["JobId"])["events"]
    assert events[0] == "[SUCCEEDED] Line Number 2 - The import succeeded."
    assert events[1] == "[SKIPPED] Line Number 3 - The user already exists."
    assert events[2].startswith("[FAILED] Line Number 4 - The User Record does not set any of the auto verified attributes to true.")


def test_a_job_whose_results_cannot_be_written_fails(tmp_path):
    server = Server(str(tmp_path / "db.sqlite"), extra_args=["--user-import-logs", "cloudwatch",
                                                           "--log-delivery-endpoint", "http://127.0.0.1:9"]).start()
    try:
        cognito = server.client()
        pool = cognito.create_user_pool(PoolName="unlogged", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
        done = run_import(cognito, pool, csv_text(cognito, pool, [user_row("dee")]))
        assert done["Status"] == "Failed"
        assert done["CompletionMessage"] == "The import results could not be written to CloudWatch Logs."
    finally:
        server.stop()
