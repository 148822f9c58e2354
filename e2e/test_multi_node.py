"""Several Cognate nodes on one PostgreSQL database (COGNATE_TEST_POSTGRES_URL, which Scripts/test.sh sets after
starting Debian's PostgreSQL): a write acknowledged by one node is read by the next request on another; races
across nodes end as on one node (one sign-up of a name wins, one refresh-token rotation, one confirmation of a
code); a pool's EstimatedNumberOfUsers is at most two seconds behind another node's writes; a node killed with
kill -9 under load loses no acknowledged write while the other keeps serving; a
PostgreSQL restart fails requests with an AWS error, not a hang, and the nodes recover by themselves."""
import concurrent.futures
import os
import signal
import subprocess
import threading
import time
import uuid

import pytest
import requests

from conftest import Server, outbox, postgres_database

PASSWORD = "Passw0rd!multi"


@pytest.fixture(scope="module")
def postgres():
    url = os.environ.get("COGNATE_TEST_POSTGRES_URL")
    assert url, "COGNATE_TEST_POSTGRES_URL is not set: run Scripts/test.sh, which starts PostgreSQL"
    return url


class Cluster:
    """`count` nodes on a database of their own, with the public URL and secrets key they share."""

    def __init__(self, postgres, tmp_path, count=2):
        self.url = postgres_database(postgres, "nodes_" + uuid.uuid4().hex[:12])
        shared = ["--public-url", "http://cognate.test"]
        self.key = str(tmp_path / "shared")
        self.nodes = [Server(self.key, extra_args=shared, database_url=self.url) for _ in range(count)]
        for index, node in enumerate(self.nodes):
            node.log_path = str(tmp_path / f"node{index}.log")
        # Started together: the migrations run once under PostgreSQL's advisory lock.
        threads = [threading.Thread(target=node.start) for node in self.nodes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.clients = [node.client() for node in self.nodes]

    def stop(self):
        for node in self.nodes:
            node.stop()


@pytest.fixture
def cluster(postgres, tmp_path):
    c = Cluster(postgres, tmp_path)
    yield c
    c.stop()


def pool_with_client(c, **client_args):
    pool = c.create_user_pool(PoolName="nodes-" + uuid.uuid4().hex[:6], AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    client = c.create_user_pool_client(
        UserPoolId=pool, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"], **client_args)
    return pool, client["UserPoolClient"]["ClientId"]


def test_every_node_reads_what_another_acknowledged(cluster):
    a, b = cluster.clients
    pool, client = pool_with_client(a)
    a.admin_create_user(UserPoolId=pool, Username="reader", MessageAction="SUPPRESS")
    misses = 0
    for i in range(60):
        writer, reader = (a, b) if i % 2 == 0 else (b, a)
        writer.admin_update_user_attributes(UserPoolId=pool, Username="reader", UserAttributes=[{"Name": "name", "Value": f"n{i}"}])
        attributes = {x["Name"]: x["Value"] for x in reader.admin_get_user(UserPoolId=pool, Username="reader")["UserAttributes"]}
        misses += attributes["name"] != f"n{i}"
    assert misses == 0
    # A client and a pool change made on one node hold on the other at once.
    b.update_user_pool_client(UserPoolId=pool, ClientId=client, ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    with pytest.raises(a.exceptions.InvalidParameterException):
        a.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "reader", "PASSWORD": PASSWORD})
    # Tokens issued by one node are good on the other (one key per pool, one issuer).
    a.admin_set_user_password(UserPoolId=pool, Username="reader", Password=PASSWORD, Permanent=True)
    tokens = b.admin_initiate_auth(UserPoolId=pool, ClientId=client, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": "reader", "PASSWORD": PASSWORD})["AuthenticationResult"]
    assert a.get_user(AccessToken=tokens["AccessToken"])["Username"] == "reader"
    # A sign-out on one node ends the tokens on the other.
    b.global_sign_out(AccessToken=tokens["AccessToken"])
    with pytest.raises(a.exceptions.NotAuthorizedException):
        a.get_user(AccessToken=tokens["AccessToken"])


def test_a_pool_client_or_domain_cached_on_one_node_is_never_served_stale_after_another_changes_it(cluster):
    a, b = cluster.clients
    pool, client = pool_with_client(a)
    a.admin_create_user(UserPoolId=pool, Username="cached", MessageAction="SUPPRESS")
    a.admin_set_user_password(UserPoolId=pool, Username="cached", Password=PASSWORD, Permanent=True)
    for i in range(8):
        writer, reader = (a, b) if i % 2 == 0 else (b, a)
        # Both nodes hold the pool, the client and the domain list in their caches.
        for node in (a, b):
            node.describe_user_pool(UserPoolId=pool)
            node.describe_user_pool_client(UserPoolId=pool, ClientId=client)
            node.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "cached", "PASSWORD": PASSWORD})
        writer.update_user_pool(UserPoolId=pool, AutoVerifiedAttributes=["email"], UserPoolAddOns={"AdvancedSecurityMode": "OFF"},
                                AdminCreateUserConfig={"AllowAdminCreateUserOnly": i % 2 == 0})
        writer.update_user_pool_client(UserPoolId=pool, ClientId=client, ClientName=f"app-{i}",
                                       ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
        if i:
            writer.delete_user_pool_domain(UserPoolId=pool, Domain=f"cached-{pool.split('_')[1].lower()}-{i - 1}")
        writer.create_user_pool_domain(UserPoolId=pool, Domain=f"cached-{pool.split('_')[1].lower()}-{i}")
        described = reader.describe_user_pool(UserPoolId=pool)["UserPool"]
        assert described["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] == (i % 2 == 0)
        assert described["Domain"] == f"cached-{pool.split('_')[1].lower()}-{i}"
        assert reader.describe_user_pool_client(UserPoolId=pool, ClientId=client)["UserPoolClient"]["ClientName"] == f"app-{i}"
    # A flow one node takes away is refused by the other at once, and a deleted client is gone there.
    for node in (a, b):
        node.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "cached", "PASSWORD": PASSWORD})
    a.update_user_pool_client(UserPoolId=pool, ClientId=client, ExplicitAuthFlows=["ALLOW_REFRESH_TOKEN_AUTH"])
    with pytest.raises(b.exceptions.InvalidParameterException):
        b.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "cached", "PASSWORD": PASSWORD})
    b.delete_user_pool_client(UserPoolId=pool, ClientId=client)
    with pytest.raises(a.exceptions.ResourceNotFoundException):
        a.describe_user_pool_client(UserPoolId=pool, ClientId=client)
    # A pool deleted on one node: the other, which holds it, does not answer for its users.
    b.describe_user_pool(UserPoolId=pool)
    a.delete_user_pool_domain(UserPoolId=pool, Domain=f"cached-{pool.split('_')[1].lower()}-7")
    a.delete_user_pool(UserPoolId=pool)
    with pytest.raises(b.exceptions.ResourceNotFoundException):
        b.admin_get_user(UserPoolId=pool, Username="cached")


def test_a_session_revoked_on_one_node_ends_on_the_other_at_once(cluster):
    a, b = cluster.clients
    pool, client = pool_with_client(a)
    a.set_user_pool_session_configuration(UserPoolId=pool, UserSessionTracking="ENABLED", TokenSession={"MaxPerUser": 20})
    a.admin_create_user(UserPoolId=pool, Username="traveller", MessageAction="SUPPRESS")
    a.admin_set_user_password(UserPoolId=pool, Username="traveller", Password=PASSWORD, Permanent=True)
    tokens = a.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                             AuthParameters={"USERNAME": "traveller", "PASSWORD": PASSWORD})["AuthenticationResult"]
    sessions = b.admin_list_user_sessions(UserPoolId=pool, Username="traveller")["Sessions"]
    assert len(sessions) == 1
    b.admin_revoke_user_session(UserPoolId=pool, Username="traveller", SessionId=sessions[0]["SessionId"])
    with pytest.raises(a.exceptions.NotAuthorizedException):
        a.get_user(AccessToken=tokens["AccessToken"])
    with pytest.raises(a.exceptions.NotAuthorizedException):
        a.initiate_auth(ClientId=client, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
    assert a.admin_list_user_sessions(UserPoolId=pool, Username="traveller")["Sessions"] == []


def test_estimated_number_of_users_is_exact_for_a_nodes_own_writes_and_at_most_two_seconds_behind_anothers(cluster):
    a, b = cluster.clients
    pool, _ = pool_with_client(a)

    def estimate(node):
        return node.describe_user_pool(UserPoolId=pool)["UserPool"]["EstimatedNumberOfUsers"]

    assert estimate(a) == 0 and estimate(b) == 0
    for name in ("one", "two", "three"):
        a.admin_create_user(UserPoolId=pool, Username=name, MessageAction="SUPPRESS")
    assert estimate(a) == 3  # the writer's own count follows its writes at once
    a.admin_delete_user(UserPoolId=pool, Username="three")
    assert estimate(a) == 2
    assert estimate(b) in (0, 2)  # the other node may still use the count it read, for two seconds
    time.sleep(2.2)
    assert estimate(b) == 2
    # Writes of the other node's own are exact there too.
    b.admin_create_user(UserPoolId=pool, Username="four", MessageAction="SUPPRESS")
    assert estimate(b) == 3
    time.sleep(2.2)
    assert estimate(a) == 3


def test_the_same_username_signed_up_on_two_nodes_at_once(cluster):
    a, b = cluster.clients
    pool, client = pool_with_client(a)
    def sign_up(index):
        node = (a, b)[index % 2]
        try:
            node.sign_up(ClientId=client, Username="contested", Password=PASSWORD,
                         UserAttributes=[{"Name": "email", "Value": f"c{index}@example.com"}])
            return "won"
        except node.exceptions.UsernameExistsException:
            return "exists"
    for _ in range(3):
        with concurrent.futures.ThreadPoolExecutor(8) as pool_threads:
            outcomes = list(pool_threads.map(sign_up, range(8)))
        assert outcomes.count("won") == 1 and outcomes.count("exists") == 7
        a.admin_delete_user(UserPoolId=pool, Username="contested")


def test_one_refresh_token_rotated_on_two_nodes_at_once(cluster):
    a, b = cluster.clients
    pool, client = pool_with_client(a, RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 0})
    a.admin_create_user(UserPoolId=pool, Username="rotor", MessageAction="SUPPRESS")
    a.admin_set_user_password(UserPoolId=pool, Username="rotor", Password=PASSWORD, Permanent=True)
    for _ in range(3):
        refresh = a.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                                  AuthParameters={"USERNAME": "rotor", "PASSWORD": PASSWORD})["AuthenticationResult"]["RefreshToken"]
        barrier = threading.Barrier(2)
        def rotate(node):
            barrier.wait()
            try:
                return node.get_tokens_from_refresh_token(ClientId=client, RefreshToken=refresh)["AuthenticationResult"]["RefreshToken"]
            except (node.exceptions.RefreshTokenReuseException, node.exceptions.NotAuthorizedException):
                return None
        with concurrent.futures.ThreadPoolExecutor(2) as threads:
            results = list(threads.map(rotate, (a, b)))
        new = [r for r in results if r]
        assert len(new) == 1 and new[0] != refresh, results
        # The winner's new token works on either node; the old one on neither.
        assert b.get_tokens_from_refresh_token(ClientId=client, RefreshToken=new[0])["AuthenticationResult"]["AccessToken"]
        with pytest.raises(a.exceptions.RefreshTokenReuseException):
            a.get_tokens_from_refresh_token(ClientId=client, RefreshToken=refresh)


def test_one_code_confirmed_on_two_nodes_at_once(cluster):
    a, b = cluster.clients
    pool, client = pool_with_client(a)
    for round_ in range(3):
        name = f"confirm{round_}"
        a.sign_up(ClientId=client, Username=name, Password=PASSWORD, UserAttributes=[{"Name": "email", "Value": f"{name}@example.com"}])
        code = [m for m in outbox(cluster.nodes[0], poolId=pool, recipient=f"{name}@example.com") if m["purpose"] == "signup"][-1]["code"]
        barrier = threading.Barrier(2)
        def confirm(node):
            barrier.wait()
            try:
                node.confirm_sign_up(ClientId=client, Username=name, ConfirmationCode=code)
                return "confirmed"
            except Exception as error:  # the loser hears what Cognito says of a confirmed user
                return type(error).__name__
        with concurrent.futures.ThreadPoolExecutor(2) as threads:
            outcomes = list(threads.map(confirm, (a, b)))
        assert outcomes.count("confirmed") == 1, outcomes
        assert b.admin_get_user(UserPoolId=pool, Username=name)["UserStatus"] == "CONFIRMED"


def test_a_node_killed_under_load_loses_no_acknowledged_write(cluster):
    a, b = cluster.clients
    pool, _ = pool_with_client(a)
    acknowledged, stop = [], threading.Event()
    def load(node, prefix):
        i = 0
        while not stop.is_set():
            name = f"{prefix}{i}"
            try:
                node.admin_create_user(UserPoolId=pool, Username=name, MessageAction="SUPPRESS")
                acknowledged.append(name)
            except Exception:  # the killed node's requests fail; only answered ones count
                if prefix == "b":
                    raise
            i += 1
    threads = [threading.Thread(target=load, args=(a, "a")), threading.Thread(target=load, args=(b, "b"))]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    cluster.nodes[0].stop(sig=signal.SIGKILL)
    time.sleep(1.0)
    stop.set()
    for thread in threads:
        thread.join()
    assert any(n.startswith("a") for n in acknowledged) and any(n.startswith("b") for n in acknowledged)
    stored = set()
    for page in b.get_paginator("list_users").paginate(UserPoolId=pool):
        stored |= {u["Username"] for u in page["Users"]}
    assert set(acknowledged) <= stored


def test_a_postgres_restart_fails_requests_clearly_and_the_nodes_recover(cluster):
    a, b = cluster.clients
    pool, _ = pool_with_client(a)
    node = cluster.nodes[1]
    assert requests.get(node.url + "/_cognate/ready", timeout=5).status_code == 200
    version, name = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True).stdout.split()[:2]
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "pg_ctlcluster", version, name, "stop", "-m", "fast"], check=True)
    try:
        started = time.time()
        with pytest.raises(b.exceptions.InternalErrorException) as error:
            b.admin_create_user(UserPoolId=pool, Username="during", MessageAction="SUPPRESS")
        assert "database is unavailable" in str(error.value) and time.time() - started < 15
        assert requests.get(node.url + "/_cognate/ready", timeout=5).status_code == 503
        assert requests.get(node.url + "/_cognate/health", timeout=5).status_code == 200
    finally:
        subprocess.run([*sudo, "pg_ctlcluster", version, name, "start"], check=True)
    deadline = time.time() + 20
    while True:
        try:
            a.admin_create_user(UserPoolId=pool, Username="after", MessageAction="SUPPRESS")
            break
        except Exception:
            if time.time() > deadline:
                raise
            time.sleep(0.2)
    assert b.admin_get_user(UserPoolId=pool, Username="after")["Username"] == "after"
    assert requests.get(node.url + "/_cognate/ready", timeout=5).status_code == 200


def test_one_node_runs_an_import_and_another_takes_it_over_when_it_dies(cluster):
    """A user import job runs on exactly one node; killed mid-import, its node's claim lapses and the other node
    finishes the job from the last batch: every line imported once, none skipped."""
    from urllib.parse import urlsplit
    a, b = cluster.clients
    pool = a.create_user_pool(PoolName="import-" + uuid.uuid4().hex[:6], AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    header = a.get_csv_header(UserPoolId=pool)["CSVHeader"]
    total = 20_000

    def line(i):
        row = {"cognito:username": f"m{i:06d}", "cognito:mfa_enabled": "FALSE", "email": f"m{i}@example.com", "email_verified": "TRUE"}
        return ",".join(row.get(column, "") for column in header)
    text = ",".join(header) + "\n" + "\n".join(line(i) for i in range(total)) + "\n"
    job = a.create_user_import_job(UserPoolId=pool, JobName="nodes", CloudWatchLogsRoleArn="arn:aws:iam::123456789012:role/Import")["UserImportJob"]
    # The URL names the public address the nodes share; the request goes to the first node with that Host.
    url = urlsplit(job["PreSignedUrl"])
    answer = requests.put(cluster.nodes[0].url + url.path + "?" + url.query, data=text.encode(), timeout=60,
                          headers={"Host": url.netloc, "x-amz-server-side-encryption": "aws:kms"})
    assert answer.status_code == 200, answer.text
    a.start_user_import_job(UserPoolId=pool, JobId=job["JobId"])
    deadline = time.time() + 60
    while b.describe_user_import_job(UserPoolId=pool, JobId=job["JobId"])["UserImportJob"]["ImportedUsers"] == 0:
        assert time.time() < deadline
        time.sleep(0.05)
    cluster.nodes[0].stop(sig=signal.SIGKILL)
    deadline = time.time() + 150
    while True:
        done = b.describe_user_import_job(UserPoolId=pool, JobId=job["JobId"])["UserImportJob"]
        if done["Status"] in ("Succeeded", "Failed") or time.time() > deadline:
            break
        time.sleep(0.5)
    assert done["Status"] == "Succeeded", done
    assert (done["ImportedUsers"], done["SkippedUsers"], done["FailedUsers"]) == (total, 0, 0)
    events = requests.get(cluster.nodes[1].url + "/_cognate/user-import-log", params={"userPoolId": pool, "jobId": job["JobId"]},
                          timeout=30).json()["events"]
    assert sorted(int(e.split("Line Number ")[1].split(" ")[0]) for e in events) == list(range(2, total + 2))
