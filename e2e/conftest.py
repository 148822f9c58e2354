"""Starts the real `cognate` binary and hands tests boto3 clients pointed at it."""
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid

import boto3
import pytest
import requests
from botocore.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.environ.get("COGNATE_BIN", os.path.join(ROOT, ".build", "debug", "cognate"))
REGION = "us-east-1"


def chromium(window_size="1000,800"):
    """Debian's chromium, headless, through Selenium and Debian's chromedriver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", f"--window-size={window_size}"):
        options.add_argument(argument)
    options.binary_location = shutil.which("chromium")
    return webdriver.Chrome(options=options, service=Service(executable_path=shutil.which("chromedriver")))


_ports_given = set()


def free_port():
    """A port nothing listens on, never one handed out before in this process: a server stopped earlier may
    leave kept-alive connections to its port in a client's pool, which a new server on that port must not meet."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _ports_given:
            _ports_given.add(port)
            return port


# With COGNATE_E2E_POSTGRES_URL (a PostgreSQL server's URL), every Server runs on PostgreSQL: its database
# file's name picks a database on that server (the same name, the same database, so restarts keep state).
E2E_POSTGRES = os.environ.get("COGNATE_E2E_POSTGRES_URL")


MADE_DATABASES = []


def postgres_database(server_url, name):
    """The URL of database `name` on the server, made when missing (and dropped when the session ends)."""
    import urllib.parse
    known = subprocess.run(["psql", server_url, "-qAt", "-c", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
                           capture_output=True, text=True, check=True).stdout
    if "1" not in known:
        subprocess.run(["psql", server_url, "-q", "-c", f'CREATE DATABASE "{name}"'], capture_output=True, text=True, check=True)
        MADE_DATABASES.append((server_url, name))
    parts = urllib.parse.urlsplit(server_url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def pytest_sessionfinish(session, exitstatus):
    for server_url, name in MADE_DATABASES:
        subprocess.run(["psql", server_url, "-q", "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], capture_output=True, text=True)


def secrets_key_file(path):
    """A secrets key every node of one database shares (made once)."""
    if not os.path.exists(path):
        import base64
        with open(path, "w") as f:
            f.write(base64.b64encode(os.urandom(32)).decode())
        os.chmod(path, 0o600)
    return path


# The servers started and not yet stopped: a failing test's report shows the end of their logs.
RUNNING = set()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for server in list(RUNNING):
            try:
                with open(server.log_path, "rb") as f:
                    tail = f.read()[-4000:].decode(errors="replace")
            except OSError:
                continue
            if tail.strip():
                report.sections.append((f"cognate log ({server.url})", tail))


class Server:
    """One cognate process on a free port, with its own database file (or, with `database_url` or
    COGNATE_E2E_POSTGRES_URL, a PostgreSQL database)."""

    def __init__(self, db_path, extra_args=(), database_url=None, sqlite=False):
        """`sqlite`: an SQLite file whatever COGNATE_E2E_POSTGRES_URL says (tests of the file itself)."""
        self.db_path = db_path
        if database_url is None and E2E_POSTGRES and not sqlite and "--in-memory" not in extra_args:
            import hashlib
            database_url = postgres_database(E2E_POSTGRES, "e2e_" + hashlib.sha256(db_path.encode()).hexdigest()[:16])
        self.database_url = database_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra_args = list(extra_args)
        self.process = None
        self.log_path = db_path + ".log"
        # A CA bundle (path) for a server that speaks HTTPS, else True.
        self.verify = True

    @property
    def db_args(self):
        """The options that name this server's database, for another cognate command on it."""
        if self.database_url:
            return ["--db", self.database_url, "--secrets-key-file", secrets_key_file(self.db_path + ".key")]
        return ["--db", self.db_path]

    def start(self):
        RUNNING.add(self)
        self.log = open(self.log_path, "ab")
        args = [BINARY, "--port", str(self.port), *self.db_args, "--log-level", "warning", *self.extra_args]
        self.process = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"cognate exited with {self.process.returncode}; see {self.log_path}")
            try:
                if requests.get(self.url + "/_cognate/health", timeout=0.5, verify=self.verify).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.05)
        raise RuntimeError("cognate did not start within 30 seconds")

    def stop(self, sig=signal.SIGTERM):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        RUNNING.discard(self)
        self.log.close()

    def client(self, region=REGION):
        return boto3.client(
            "cognito-idp",
            endpoint_url=self.url,
            region_name=region,
            aws_access_key_id="AKIDTEST",
            aws_secret_access_key="secret",
            verify=self.verify,
            config=Config(retries={"max_attempts": 1}),
        )


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    # The suite's identity providers run on this machine (another Cognate, oidc-provider-mock, pysaml2).
    s = Server(str(tmp_path_factory.mktemp("cognate") / "cognate.sqlite"), extra_args=["--allow-local-providers"]).start()
    yield s
    s.stop()


@pytest.fixture
def cognito(server):
    return server.client()


@pytest.fixture
def pool(cognito):
    """A fresh pool with default settings; deleted afterwards."""
    pool_id = cognito.create_user_pool(PoolName="pool-" + uuid.uuid4().hex[:8])["UserPool"]["Id"]
    yield pool_id
    try:
        described = cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]
        for domain in (described.get("Domain"), described.get("CustomDomain")):
            if domain:
                cognito.delete_user_pool_domain(Domain=domain, UserPoolId=pool_id)
        cognito.delete_user_pool(UserPoolId=pool_id)
    except cognito.exceptions.ResourceNotFoundException:
        pass


@pytest.fixture
def clock(server):
    """Moves Cognate's clock (`clock(advanceSeconds=30)`); put back when the test ends."""
    def move(**change):
        answer = requests.post(server.url + "/_cognate/clock", json=change, timeout=5)
        assert answer.status_code == 200
        return answer.json()
    yield move
    move(offsetSeconds=0)


def outbox(server, **params):
    return requests.get(server.url + "/_cognate/outbox", params=params, timeout=5).json()["messages"]


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def refused(call, **kwargs):
    """The error code and message of a call that must fail."""
    from botocore.exceptions import ClientError
    with pytest.raises(ClientError) as e:
        call(**kwargs)
    return e.value.response["Error"]["Code"], e.value.response["Error"]["Message"]


@pytest.fixture
def pools(cognito, request):
    """Makes pools (`pools(**CreateUserPool arguments)`, named after the test's module); deleted afterwards."""
    made = []
    prefix = request.module.__name__.removeprefix("test_").replace("_", "-")[:20]

    def make(**kwargs):
        made.append(cognito.create_user_pool(PoolName=prefix + "-" + uuid.uuid4().hex[:6], **kwargs)["UserPool"]["Id"])
        return made[-1]
    yield make
    for pool in made:
        try:
            described = cognito.describe_user_pool(UserPoolId=pool)["UserPool"]
            for domain in (described.get("Domain"), described.get("CustomDomain")):
                if domain:
                    cognito.delete_user_pool_domain(Domain=domain, UserPoolId=pool)
            cognito.delete_user_pool(UserPoolId=pool)
        except cognito.exceptions.ResourceNotFoundException:
            pass

