"""State survives a clean restart and a kill -9; reset wipes it."""
import signal

import requests

from conftest import Server


def test_restart_keeps_state(tmp_path):
    db = str(tmp_path / "persist.sqlite")
    server = Server(db).start()
    client = server.client()
    pool = client.create_user_pool(PoolName="durable")["UserPool"]["Id"]
    client.admin_create_user(UserPoolId=pool, Username="kept", MessageAction="SUPPRESS")
    client.create_group(UserPoolId=pool, GroupName="g")
    server.stop()

    again = Server(db).start()
    client = again.client()
    assert client.describe_user_pool(UserPoolId=pool)["UserPool"]["Name"] == "durable"
    assert client.admin_get_user(UserPoolId=pool, Username="kept")["Username"] == "kept"
    assert client.get_group(UserPoolId=pool, GroupName="g")["Group"]["GroupName"] == "g"
    again.stop()


def test_acknowledged_writes_survive_kill_9(tmp_path):
    db = str(tmp_path / "kill.sqlite")
    server = Server(db).start()
    client = server.client()
    pool = client.create_user_pool(PoolName="crash")["UserPool"]["Id"]
    for i in range(50):
        client.admin_create_user(UserPoolId=pool, Username=f"user{i}", MessageAction="SUPPRESS")
    server.stop(sig=signal.SIGKILL)

    again = Server(db).start()
    client = again.client()
    users = []
    for page in client.get_paginator("list_users").paginate(UserPoolId=pool):
        users += page["Users"]
    assert len(users) == 50
    again.stop()


def test_sigterm_stops_cleanly(tmp_path):
    server = Server(str(tmp_path / "term.sqlite")).start()
    server.stop(sig=signal.SIGTERM)
    assert server.process.returncode == 0


def test_in_memory_flag(tmp_path):
    server = Server(str(tmp_path / "unused.sqlite"), extra_args=["--in-memory"]).start()
    server.client().create_user_pool(PoolName="volatile")
    server.stop()
    again = Server(str(tmp_path / "unused.sqlite"), extra_args=["--in-memory"]).start()
    assert again.client().list_user_pools(MaxResults=10)["UserPools"] == []
    again.stop()


def test_reset_endpoints(tmp_path):
    server = Server(str(tmp_path / "reset.sqlite")).start()
    client = server.client()
    for path in ("/moto-api/reset", "/_cognate/reset"):
        client.create_user_pool(PoolName="gone")
        assert requests.post(server.url + path, timeout=5).ok
        assert client.list_user_pools(MaxResults=10)["UserPools"] == []
    server.stop()


def test_startup_to_first_answer_is_well_under_a_second(tmp_path):
    import time
    started = time.monotonic()
    server = Server(str(tmp_path / "fast.sqlite")).start()
    elapsed = time.monotonic() - started
    server.stop()
    assert elapsed < 1.0, f"first answer after {elapsed:.3f} s"


def test_request_id_on_cognate_endpoints(server):
    assert requests.get(server.url + "/_cognate/health", timeout=5).headers["x-amzn-RequestId"]


def test_passwords_are_never_stored_in_clear(tmp_path):
    db = tmp_path / "secrets.sqlite"
    server = Server(str(db)).start()
    client = server.client()
    pool = client.create_user_pool(PoolName="secrets")["UserPool"]["Id"]
    client.admin_create_user(UserPoolId=pool, Username="u1", TemporaryPassword="Temp-Clear-Text-1!", MessageAction="SUPPRESS")
    client.admin_set_user_password(UserPoolId=pool, Username="u1", Password="Perm-Clear-Text-2!", Permanent=True)
    server.stop()
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("secrets.sqlite") and not p.name.endswith(".log"))
    assert b"Clear-Text" not in stored
    log = (tmp_path / "secrets.sqlite.log").read_bytes()
    assert b"Clear-Text" not in log


def test_help_explains_every_flag():
    import subprocess
    from conftest import BINARY
    out = subprocess.run([BINARY, "--help"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0
    for flag in ("--host", "--port", "--db", "--in-memory", "--region", "--public-url"):
        assert flag in out.stdout, flag


def test_a_database_cognate_cannot_use_is_refused_at_start(tmp_path):
    import os
    import subprocess

    from conftest import BINARY
    def refused(db, env=None):
        done = subprocess.run([BINARY, "--db", db, "--port", "0"], env={**os.environ, **(env or {})}, capture_output=True, text=True,
                              timeout=20, cwd=tmp_path)
        return done.returncode, done.stderr
    code, err = refused("mysql://root:hunter2@db.example.com/cognito")
    assert code == 1 and "Cognate cannot use a mysql:// database" in err and "hunter2" not in err
    code, err = refused("sqlite:///data/cognate.sqlite")
    assert code == 1 and "as a file path" in err
    # A PostgreSQL database needs the secrets key every node shares; the password is never repeated.
    code, err = refused("postgres://cognate:hunter2@127.0.0.1:1/cognate")
    assert code == 1 and "--secrets-key-file or COGNATE_SECRETS_KEY" in err and "hunter2" not in err
    # Nothing was made for any of them (an unusable URL once became a directory named postgres:).
    assert sorted(os.listdir(tmp_path)) == []


def test_a_second_process_on_one_sqlite_file_is_refused(tmp_path):
    import subprocess

    from conftest import BINARY
    db = str(tmp_path / "shared.sqlite")
    first = Server(db, sqlite=True).start()
    try:
        done = subprocess.run([BINARY, "--db", db, "--port", "0"], capture_output=True, text=True, timeout=20)
        assert done.returncode == 1 and "another Cognate process is serving" in done.stderr
        # The first one still serves.
        assert first.client().list_user_pools(MaxResults=1)["UserPools"] == []
    finally:
        first.stop(sig=signal.SIGKILL)
    # Killed, it holds nothing: the next start opens the file.
    again = Server(db, sqlite=True).start()
    again.stop()
