"""Benchmarks Cognate against its peers, moto's server and ministack, in the same run and writes a Markdown
report.

Every server runs on loopback, is seeded with the same data through the public API (boto3), and is driven
with the same load: wrk (Benchmarks/load/cognito.lua for the API, Benchmarks/load/oauth.lua for the token
endpoint) for single-request scenarios, and Benchmarks/srp_load.py for full SRP sign-ins. For each scenario
the report gives requests/s, p50 and p99 latency, errors, the server's CPU milliseconds per request (from
/proc), its RSS, and the ratio of Cognate to each peer and to the best of them. A scenario a peer does not
serve (its probe request fails) is marked so, not measured. With --postgres, Cognate is measured again on
PostgreSQL, as one node and as two nodes sharing one database (the load split between them), with the
database's own CPU counted beside Cognate's. Scale runs seed Cognate alone with more users, on SQLite and
(with --postgres) on PostgreSQL, and repeat the read and ListUsers scenarios. Run it through
Scripts/bench.sh."""
import argparse
import base64
import concurrent.futures
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

import boto3
import requests
from botocore.config import Config

from bulk_seed import bulk_create

HERE = os.path.dirname(os.path.abspath(__file__))
BASELINE = "Baseline: GET /_cognate/health (HTTP only)"
PASSWORD = "Bench-Passw0rd!"
TICKS = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, name, command, port, workdir, env=None):
        self.name, self.command, self.port, self.workdir = name, command, port, workdir
        self.env = env
        self.url = f"http://127.0.0.1:{port}"
        self.urls = [self.url]
        self.database = False  # whether a PostgreSQL server's CPU counts as this server's database

    def start(self):
        self.log = open(os.path.join(self.workdir, self.name + ".log"), "ab")
        started = time.perf_counter()
        env = dict(os.environ, **self.env) if self.env else None
        self.process = subprocess.Popen(self.command, stdout=self.log, stderr=subprocess.STDOUT, cwd=self.workdir, env=env)
        client = self.client()
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log.name}")
            try:
                client.list_user_pools(MaxResults=1)
                break
            except Exception:
                time.sleep(0.005)
        self.startup_ms = (time.perf_counter() - started) * 1000
        return self

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()

    def client(self):
        return boto3.client("cognito-idp", endpoint_url=self.url, region_name="us-east-1", aws_access_key_id="AKIDBENCH",
                            aws_secret_access_key="x", config=Config(retries={"max_attempts": 1}, max_pool_connections=32))

    def cpu_seconds(self):
        with open(f"/proc/{self.process.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    def rss_mb(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0


class Nodes:
    """Several Cognate processes on one PostgreSQL database, measured as one server: the load is split between
    them, CPU and RSS are the nodes' together."""

    def __init__(self, name, servers):
        self.name, self.servers = name, servers
        self.url, self.urls = servers[0].url, [node.url for node in servers]
        self.database = True

    def start(self):
        for node in self.servers:
            node.start()
        self.startup_ms = max(node.startup_ms for node in self.servers)
        return self

    def stop(self):
        for node in self.servers:
            node.stop()

    def client(self):
        return self.servers[0].client()

    def cpu_seconds(self):
        return sum(node.cpu_seconds() for node in self.servers)

    def rss_mb(self):
        return sum(node.rss_mb() for node in self.servers)


def cpu_times():
    """The machine's CPU time so far (all but idle and iowait) and the part the hypervisor took (steal), in ticks."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return {"busy": user + nice + system + irq + softirq + steal, "steal": steal}


def postgres_cpu_seconds():
    """The CPU time of every PostgreSQL process on this machine (the postmaster, its background workers and
    the backends serving Cognate's pooled connections, which live as long as the connections)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        name, rest = stat.split("(", 1)[1].rsplit(")", 1)
        if name == "postgres":
            fields = rest.split()
            total += int(fields[11]) + int(fields[12])
    return total / TICKS


def psql(server_url, sql):
    return subprocess.run(["psql", server_url, "-qAt", "-c", sql], capture_output=True, text=True, check=True).stdout.strip()


def fresh_database(server_url, name):
    """An empty database `name` on the PostgreSQL server of `server_url` (dropped first if a run left it); its URL."""
    psql(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(server_url, f'CREATE DATABASE "{name}"')
    parts = urllib.parse.urlsplit(server_url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def seed(server, users, threads=8, start_index=0, pool=None):
    """A pool, an app client and `users` users with permanent passwords; answers pool, client, rate."""
    client = server.client()
    if pool is None:
        pool = client.create_user_pool(PoolName="bench")["UserPool"]["Id"]
        app = client.create_user_pool_client(
            UserPoolId=pool, ClientName="bench",
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH",
                               "ALLOW_ADMIN_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
    else:
        pool, app = pool

    def create(i):
        name = f"user{i:07d}"
        client.admin_create_user(UserPoolId=pool, Username=name, MessageAction="SUPPRESS", TemporaryPassword=PASSWORD,
                                 UserAttributes=[{"Name": "email", "Value": f"{name}@example.com"}])
        client.admin_set_user_password(UserPoolId=pool, Username=name, Password=PASSWORD, Permanent=True)

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(threads) as executor:
        list(executor.map(create, range(start_index, start_index + users)))
    rate = users / (time.perf_counter() - started)
    return pool, app, rate


def sign_in_tokens(server, app, count):
    client = server.client()
    access, refresh = [], []
    for i in range(count):
        result = client.initiate_auth(ClientId=app, AuthFlow="USER_PASSWORD_AUTH",
                                      AuthParameters={"USERNAME": f"user{i:07d}", "PASSWORD": PASSWORD})["AuthenticationResult"]
        access.append(result["AccessToken"])
        refresh.append(result["RefreshToken"])
    return access, refresh


CALLBACK = "http://localhost/callback"


def oauth_setup(server, pool):
    """A resource server with a machine-to-machine client (client_credentials, with a secret) and a web
    client for the authorization-code grant; answers what the token-endpoint scenarios need."""
    client = server.client()
    client.create_resource_server(UserPoolId=pool, Identifier="bench-api", Name="bench-api",
                                  Scopes=[{"ScopeName": "read", "ScopeDescription": "read"}])
    m2m = client.create_user_pool_client(
        UserPoolId=pool, ClientName="bench-m2m", GenerateSecret=True, AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=["bench-api/read"], AllowedOAuthFlowsUserPoolClient=True)["UserPoolClient"]
    web = client.create_user_pool_client(
        UserPoolId=pool, ClientName="bench-web", AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid"],
        AllowedOAuthFlowsUserPoolClient=True, CallbackURLs=[CALLBACK], SupportedIdentityProviders=["COGNITO"],
        ExplicitAuthFlows=["ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    basic = "Basic " + base64.b64encode(f"{m2m['ClientId']}:{m2m['ClientSecret']}".encode()).decode()
    return {"basic": basic, "web": web}


def mint_codes(server, web, count, threads=8):
    """Authorization codes for the web client: each thread signs in once on the managed login page, then
    asks /oauth2/authorize again and again, answered at once with a new code (single sign-on). Empty when
    the server has no managed login."""
    query = urllib.parse.urlencode({"response_type": "code", "client_id": web, "redirect_uri": CALLBACK, "scope": "openid"})

    def mint(n):
        session = requests.Session()
        page = session.get(server.url + "/oauth2/authorize?" + query, timeout=10)
        csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text)
        if page.status_code != 200 or not csrf:
            return []
        signed = session.post(server.url + "/login?" + query, allow_redirects=False, timeout=10,
                              data={"_csrf": csrf.group(1), "username": "user0000000", "password": PASSWORD})
        if signed.status_code != 302:
            return []
        codes = []
        for _ in range(n):
            again = session.get(server.url + "/oauth2/authorize?" + query, allow_redirects=False, timeout=10)
            code = urllib.parse.parse_qs(urllib.parse.urlparse(again.headers.get("Location", "")).query).get("code")
            if not code:
                return codes
            codes.append(code[0])
        return codes

    with concurrent.futures.ThreadPoolExecutor(threads) as executor:
        return [code for batch in executor.map(mint, [count // threads] * threads) for code in batch]


def write_lines(path, lines):
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def run_wrk(server, operation, body, items_file, duration, connections, threads=2, perf_file=None, oauth=None):
    """`oauth` runs the token endpoint's script instead: (mode, Authorization header or "-"). A server of several
    nodes gets one wrk per node at once, the connections split between them; rates and requests add up, and the
    latencies are the slowest node's."""
    urls = server.urls
    before = server.cpu_seconds()
    database_before = postgres_cpu_seconds() if server.database else 0
    perf = start_perf(server, perf_file)
    share_connections, share_threads = max(1, connections // len(urls)), max(1, threads // len(urls))
    commands = []
    for index, url in enumerate(urls):
        wrk = ["wrk", f"-t{share_threads}", f"-c{share_connections}", f"-d{duration}s", "--latency"]
        if operation is None:  # GET of a fixed path: the HTTP stack alone
            commands.append(wrk + [url + body])
        elif oauth:
            items = items_file
            if items_file and oauth[0] == "once" and len(urls) > 1:  # single-use lines: each node its own share
                with open(items_file) as f:
                    lines = f.read().split()
                items = write_lines(f"{items_file}.{index}", lines[index::len(urls)])
            commands.append(wrk + ["-s", os.path.join(HERE, "load", "oauth.lua"), url, "--", items or "-", body, oauth[0], oauth[1],
                                   str(share_threads)])
        else:
            commands.append(wrk + ["-s", os.path.join(HERE, "load", "cognito.lua"), url, "--", operation, items_file or "-", body,
                                   f"n{index}"])
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for command in commands]
    outputs = []
    for run, command in zip(runs, commands):
        output, error = run.communicate()
        if run.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed: {error}")
        outputs.append(output)
    cpu = server.cpu_seconds() - before
    database_cpu = postgres_cpu_seconds() - database_before if server.database else 0
    stop_perf(perf)

    def latency(output, label):
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    total = errors = 0
    rps = 0.0
    for output in outputs:
        total += int(re.search(r"(\d+) requests in", output).group(1))
        errors += int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output)) else 0
        if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
            errors += sum(int(g) for g in m.groups())
        rps += float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return {"rps": rps, "p50": max(latency(o, "50") for o in outputs), "p99": max(latency(o, "99") for o in outputs),
            "errors": errors, "cpu_ms": cpu * 1000 / max(total, 1), "database_cpu_ms": database_cpu * 1000 / max(total, 1),
            "rss": server.rss_mb(), "requests": total}


def start_perf(server, perf_file):
    """Development runs: a CPU profile of the server while a scenario runs (stop it with stop_perf)."""
    if not perf_file or not hasattr(server, "process"):
        return None
    return subprocess.Popen(["perf", "record", "-q", "-e", "cpu-clock", "-g", "-p", str(server.process.pid), "-o", perf_file],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop_perf(perf):
    if perf:
        perf.send_signal(2)
        perf.wait()


def run_srp(server, pool, app, users_file, duration, processes, perf_file=None):
    before = server.cpu_seconds()
    database_before = postgres_cpu_seconds() if server.database else 0
    perf = start_perf(server, perf_file)
    output = subprocess.run(
        [sys.executable, os.path.join(HERE, "srp_load.py"), "--url", ",".join(server.urls), "--pool", pool, "--client", app,
         "--users-file", users_file, "--password", PASSWORD, "--duration", str(duration), "--processes", str(processes)],
        capture_output=True, text=True, check=True).stdout
    result = json.loads(output.strip().splitlines()[-1])
    cpu = server.cpu_seconds() - before
    stop_perf(perf)
    result["cpu_ms"] = cpu * 1000 / max(result["requests"], 1)
    result["database_cpu_ms"] = ((postgres_cpu_seconds() - database_before) * 1000 / max(result["requests"], 1)
                                 if server.database else 0)
    result["rss"] = server.rss_mb()
    return result


def scenarios(pool, app):
    """(name, operation, body, items) for the wrk scenarios; items names a data file prepared per server."""
    return [
        # Not a Cognito call: Cognate's fixed health answer, the most any request can reach on this machine.
        (BASELINE, None, "/_cognate/health", None),
        ("DescribeUserPool", "DescribeUserPool", json.dumps({"UserPoolId": pool}), None),
        ("AdminGetUser (random user)", "AdminGetUser", json.dumps({"UserPoolId": pool, "Username": "{item}"}), "users"),
        ("GetUser (access token)", "GetUser", json.dumps({"AccessToken": "{item}"}), "access"),
        ("Sign-in, USER_PASSWORD_AUTH", "InitiateAuth", json.dumps({
            "ClientId": app, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "{item}", "PASSWORD": PASSWORD}}), "users"),
        ("REFRESH_TOKEN_AUTH", "InitiateAuth", json.dumps({
            "ClientId": app, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": {"REFRESH_TOKEN": "{item}"}}), "refresh"),
        ("ListUsers, prefix filter", "ListUsers", json.dumps({
            "UserPoolId": pool, "Filter": 'username ^= "{item}"', "Limit": 10}), "prefixes"),
        ("ListUsers, exact filter", "ListUsers", json.dumps({
            "UserPoolId": pool, "Filter": 'email = "{item}"', "Limit": 10}), "emails"),
        ("AdminCreateUser (new users)", "AdminCreateUser", json.dumps({
            "UserPoolId": pool, "Username": "{unique}", "MessageAction": "SUPPRESS", "TemporaryPassword": PASSWORD}), None),
        ("SignUp (new users)", "SignUp", json.dumps({"ClientId": app, "Username": "{unique}", "Password": PASSWORD}), None),
    ]


CLIENT_CREDENTIALS = "Token endpoint, client_credentials"
REFRESH_AT_TOKEN_ENDPOINT = "Token endpoint, refresh_token"
CODE_EXCHANGE = "Token endpoint, authorization_code"


def oauth_scenarios(app, oauth):
    """(name, form body, items, mode, Authorization) for the token endpoint's scenarios."""
    return [
        (CLIENT_CREDENTIALS, "grant_type=client_credentials&scope=bench-api%2Fread", None, "random", oauth["basic"]),
        (REFRESH_AT_TOKEN_ENDPOINT, f"grant_type=refresh_token&client_id={app}&refresh_token={{item}}", "refresh", "random", "-"),
        (CODE_EXCHANGE, f"grant_type=authorization_code&client_id={oauth['web']}&redirect_uri={urllib.parse.quote(CALLBACK, safe='')}&code={{item}}",
         "codes", "once", "-"),
    ]


def probe_oauth(server, body, items_file, auth):
    """Whether the server answers one such request with tokens (peers may not serve the token endpoint).
    It uses the file's last line, which a run with enough single-use codes never reaches."""
    item = ""
    if items_file:
        with open(items_file) as f:
            lines = f.read().split()
        item = lines[-1] if lines else ""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if auth != "-":
        headers["Authorization"] = auth
    try:
        answer = requests.post(server.url + "/oauth2/token", data=body.replace("{item}", item), headers=headers, timeout=10)
        return answer.status_code == 200 and "access_token" in answer.json()
    except (requests.RequestException, ValueError):
        return False


def data_files(workdir, name, users, access, refresh):
    sample = [f"user{i:07d}" for i in range(users)]
    return {
        "users": write_lines(os.path.join(workdir, f"{name}-users.txt"), sample),
        "access": write_lines(os.path.join(workdir, f"{name}-access.txt"), access),
        "refresh": write_lines(os.path.join(workdir, f"{name}-refresh.txt"), refresh),
        "prefixes": write_lines(os.path.join(workdir, f"{name}-prefixes.txt"), [u[:9] for u in sample]),
        "emails": write_lines(os.path.join(workdir, f"{name}-emails.txt"), [u + "@example.com" for u in sample]),
    }


def measure(server, users, args, workdir, skip=()):
    pool, app, seed_rate = seed(server, users, threads=args.seed_threads)
    access, refresh = sign_in_tokens(server, app, min(users, 200))
    files = data_files(workdir, server.name, users, access, refresh)
    rows = {}
    for name, operation, body, items in scenarios(pool, app):
        if name in skip or not selected(args, name):
            continue
        if operation is None and server.name != "cognate":
            continue
        perf_file = os.path.join(args.perf, re.sub(r"\W+", "-", name).strip("-") + ".data") if args.perf else None
        rows[name] = run_wrk(server, operation, body, files.get(items), args.duration, args.connections, perf_file=perf_file)
        print(f"  {server.name:8} {name:32} {rows[name]['rps']:10.0f}/s p99 {rows[name]['p99']:.2f} ms", flush=True)
    try:
        oauth = oauth_setup(server, pool)
    except Exception as error:  # a peer without resource servers or OAuth clients
        print(f"  {server.name:8} no OAuth clients: {error}", flush=True)
        oauth = None
    for name, body, items, mode, auth in oauth_scenarios(app, oauth or {"basic": "-", "web": ""}):
        if not selected(args, name):
            continue
        if name == CODE_EXCHANGE and oauth:
            # Single-use codes: enough for the whole run at well above the expected rate.
            files["codes"] = write_lines(os.path.join(workdir, f"{server.name}-codes.txt"), mint_codes(server, oauth["web"], args.codes))
        if not oauth or not probe_oauth(server, body, files.get(items), auth) or (items == "codes" and os.path.getsize(files["codes"]) < 2):
            rows[name] = {"unsupported": True}
            print(f"  {server.name:8} {name:32} not served", flush=True)
            continue
        perf_file = os.path.join(args.perf, re.sub(r"\W+", "-", name).strip("-") + ".data") if args.perf else None
        rows[name] = run_wrk(server, "oauth", body, files.get(items), args.duration, args.connections, perf_file=perf_file,
                             oauth=(mode, auth))
        print(f"  {server.name:8} {name:32} {rows[name]['rps']:10.0f}/s p99 {rows[name]['p99']:.2f} ms", flush=True)
    if not selected(args, "Full SRP sign-in"):
        return rows, seed_rate
    srp_users = write_lines(os.path.join(workdir, f"{server.name}-srp-users.txt"), [f"user{i:07d}" for i in range(min(users, 50))])
    perf_file = os.path.join(args.perf, "Full-SRP-sign-in.data") if args.perf else None
    rows["Full SRP sign-in"] = run_srp(server, pool, app, srp_users, args.duration, args.srp_processes, perf_file=perf_file)
    print(f"  {server.name:8} {'Full SRP sign-in':32} {rows['Full SRP sign-in']['rps']:10.0f}/s", flush=True)
    return rows, seed_rate


def selected(args, name):
    """--only keeps the scenarios whose name contains one of its comma-separated parts (for development runs)."""
    return not args.only or any(part.lower() in name.lower() for part in args.only.split(","))


def scale_run(cognate_command, sizes, args, workdir, backend, measured=lambda rows: None):
    """Cognate alone at growing pool sizes on one database (`backend`: "SQLite", or "PostgreSQL" with
    --postgres): seeding rate, database size per user, RSS and the read scenarios. The first 200 users are
    seeded through boto3 with permanent passwords (they sign in for GetUser); the rest are created by
    bulk_seed over raw HTTP with temporary passwords."""
    results = []
    if backend == "PostgreSQL":
        db = fresh_database(args.postgres, "cognate_bench_scale")
    else:
        db = os.path.join(workdir, "scale.sqlite")
    port = free_port()
    server = Server("cognate-scale", cognate_command(db, port), port, workdir)
    server.database = backend == "PostgreSQL"
    server.start()
    try:
        pool, app, _ = seed(server, 200, threads=args.seed_threads)
        access, refresh = sign_in_tokens(server, app, 200)
        seeded = 200
        for size in sizes:
            rate = bulk_create(server.url, pool, PASSWORD, seeded, size - seeded, processes=args.seed_processes)
            seeded = size
            files = data_files(workdir, f"scale{size}", size, access, refresh)
            if backend == "PostgreSQL":
                db_bytes = int(psql(db, "SELECT pg_database_size(current_database())"))
            else:
                db_bytes = sum(os.path.getsize(db + suffix) for suffix in ("", "-wal") if os.path.exists(db + suffix))
            row = {"backend": backend, "size": size, "seed_rate": rate, "bytes_per_user": db_bytes / size, "rss": server.rss_mb(),
                   "scenarios": {}}
            for name, operation, body, items in scenarios(pool, app):
                if name.startswith(("AdminGetUser", "GetUser", "ListUsers", "DescribeUserPool")) and selected(args, name):
                    perf_file = (os.path.join(args.perf, f"scale{size}-" + re.sub(r"\W+", "-", name).strip("-") + ".data")
                                 if args.perf else None)
                    row["scenarios"][name] = run_wrk(server, operation, body, files.get(items), args.duration, args.connections,
                                                     perf_file=perf_file)
            row["rss_after"] = server.rss_mb()
            results.append(row)
            measured(results)
            print(f"  scale {backend} {size}: seeded at {rate:.0f} users/s, {db_bytes / size:.0f} bytes/user, "
                  f"RSS {row['rss_after']:.1f} MB, " + ", ".join(f"{n} {s['rps']:.0f}/s" for n, s in row["scenarios"].items()), flush=True)
    finally:
        server.stop()
        if backend == "PostgreSQL":
            psql(args.postgres, 'DROP DATABASE IF EXISTS "cognate_bench_scale" WITH (FORCE)')
    return results


def import_run(cognate_command, users, args, workdir, backend):
    """A user import job of `users` lines on a fresh Cognate (`backend` as in scale_run): the upload to its pre-signed
    URL, then Start to Succeeded (users/s), peak RSS sampled meanwhile, and DescribeUserPool's latency while the
    import runs (the API keeps answering)."""
    import boto3
    if backend == "PostgreSQL":
        db = fresh_database(args.postgres, "cognate_bench_import")
    else:
        db = os.path.join(workdir, "import.sqlite")
    port = free_port()
    server = Server("cognate-import", cognate_command(db, port), port, workdir)
    server.database = backend == "PostgreSQL"
    server.start()
    try:
        c = boto3.client("cognito-idp", endpoint_url=server.url, region_name="us-east-1", aws_access_key_id="bench",
                         aws_secret_access_key="bench")
        pool = c.create_user_pool(PoolName="import", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
        header = c.get_csv_header(UserPoolId=pool)["CSVHeader"]
        at = {name: index for index, name in enumerate(header)}
        lines = [",".join(header)]
        for i in range(users):
            row = [""] * len(header)
            for name, value in (("cognito:username", f"imported{i:07d}"), ("cognito:mfa_enabled", "FALSE"),
                                ("email", f"imported{i}@example.com"), ("email_verified", "TRUE"), ("given_name", f"Given{i}")):
                row[at[name]] = value
            lines.append(",".join(row))
        body = ("\n".join(lines) + "\n").encode()
        job = c.create_user_import_job(UserPoolId=pool, JobName="bench", CloudWatchLogsRoleArn="arn:aws:iam::123456789012:role/Import")
        job = job["UserImportJob"]
        started = time.time()
        answer = requests.put(job["PreSignedUrl"], data=body, headers={"x-amz-server-side-encryption": "aws:kms"}, timeout=600)
        answer.raise_for_status()
        upload_s = time.time() - started
        started = time.time()
        c.start_user_import_job(UserPoolId=pool, JobId=job["JobId"])
        peak, latencies = server.rss_mb(), []
        while True:
            asked = time.time()
            c.describe_user_pool(UserPoolId=pool)
            latencies.append((time.time() - asked) * 1000)
            described = c.describe_user_import_job(UserPoolId=pool, JobId=job["JobId"])["UserImportJob"]
            peak = max(peak, server.rss_mb())
            if described["Status"] not in ("Pending", "InProgress"):
                break
            time.sleep(0.1)
        elapsed = time.time() - started
        assert described["Status"] == "Succeeded" and described["ImportedUsers"] == users, described
        latencies.sort()
        result = {"backend": backend, "users": users, "file_mb": len(body) / 1e6, "upload_s": upload_s, "rate": users / elapsed,
                  "seconds": elapsed, "rss_peak": peak, "api_p50": latencies[len(latencies) // 2],
                  "api_max": latencies[-1]}
        print(f"  import {backend} {users}: {result['rate']:.0f} users/s, peak RSS {peak:.1f} MB, DescribeUserPool meanwhile "
              f"p50 {result['api_p50']:.1f} ms, max {result['api_max']:.1f} ms", flush=True)
        return result
    finally:
        server.stop()
        if backend == "PostgreSQL":
            psql(args.postgres, 'DROP DATABASE IF EXISTS "cognate_bench_import" WITH (FORCE)')


JOURNAL_SCENARIOS = ["AdminCreateUser (new users)", "AdminUpdateUserAttributes (random user)", "SignUp (new users)"]


def journal_run(cognate_command, args, workdir, backend):
    """The recovery journal's cost: the write scenarios on a fresh Cognate with the journal off
    (--no-recovery-journal), then on a fresh one with it on (the default), in the same run; then the journal's
    size per change it recorded (on disk, and the before-images alone)."""
    result = {"backend": backend, "scenarios": {}}
    for journal in ("off", "on"):
        if backend == "PostgreSQL":
            db = fresh_database(args.postgres, "cognate_bench_journal")
        else:
            db = os.path.join(workdir, f"journal-{journal}.sqlite")
        port = free_port()
        extra = ["--no-recovery-journal"] if journal == "off" else []
        server = Server(f"cognate-journal-{journal}", cognate_command(db, port) + extra, port, workdir)
        server.database = backend == "PostgreSQL"
        server.start()
        try:
            pool, app, _ = seed(server, args.users, threads=args.seed_threads)
            users = write_lines(os.path.join(workdir, f"journal-{journal}-users.txt"), [f"user{i:07d}" for i in range(args.users)])
            bodies = {
                "AdminCreateUser (new users)": ("AdminCreateUser", json.dumps({
                    "UserPoolId": pool, "Username": "{unique}", "MessageAction": "SUPPRESS", "TemporaryPassword": PASSWORD}), None),
                "AdminUpdateUserAttributes (random user)": ("AdminUpdateUserAttributes", json.dumps({
                    "UserPoolId": pool, "Username": "{item}", "UserAttributes": [{"Name": "given_name", "Value": "{unique}"}]}), users),
                "SignUp (new users)": ("SignUp", json.dumps({"ClientId": app, "Username": "{unique}", "Password": PASSWORD}), None),
            }
            for name in JOURNAL_SCENARIOS:
                operation, body, items = bodies[name]
                row = run_wrk(server, operation, body, items, args.duration, args.connections)
                result["scenarios"].setdefault(name, {})[journal] = row
                print(f"  journal {journal:3} {backend:10} {name:40} {row['rps']:8.0f}/s p99 {row['p99']:.2f} ms", flush=True)
        finally:
            server.stop()
        if journal == "on":
            result.update(journal_size(db, backend, args))
        if backend == "PostgreSQL":
            psql(args.postgres, 'DROP DATABASE IF EXISTS "cognate_bench_journal" WITH (FORCE)')
    print(f"  journal {backend}: {result['entries']} entries, {result['disk_bytes'] / max(result['entries'], 1):.0f} bytes each on disk "
          f"({result['image_bytes'] / max(result['entries'], 1):.0f} of before-image)", flush=True)
    return result


def journal_size(db, backend, args):
    """The journal's entries, its bytes on disk (table and index) and the bytes of its before-images."""
    if backend == "PostgreSQL":
        entries, images = psql(db, "SELECT COUNT(*), COALESCE(SUM(LENGTH(image)), 0) FROM recovery_journal").split("|")
        disk = psql(db, "SELECT pg_total_relation_size('recovery_journal')")
        return {"entries": int(entries), "image_bytes": int(images), "disk_bytes": int(disk)}
    import sqlite3
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        entries, images = connection.execute("SELECT COUNT(*), COALESCE(SUM(LENGTH(image)), 0) FROM recovery_journal").fetchone()
        try:
            disk = connection.execute(
                "SELECT SUM(pgsize) FROM dbstat WHERE name IN ('recovery_journal', 'recovery_journal_by_pool')").fetchone()[0]
        except sqlite3.OperationalError:  # an SQLite without the dbstat table: the images and their keys alone
            disk = images + entries * 48
        return {"entries": entries, "image_bytes": images, "disk_bytes": disk}
    finally:
        connection.close()


# Each scenario's cryptographic floor: how many of each primitive a request needs at the least, priced by
# cognate-floor-bench in the same run (thread CPU ms, Cognate's own code). Scenarios without cryptography have
# no floor. A refresh token is random bytes, not a signature; SRP's proof is an HMAC (negligible).
FLOORS = {
    "GetUser (access token)": {"rs256_verify_ms": 1},
    "Sign-in, USER_PASSWORD_AUTH": {"password_check_ms": 1, "rs256_sign_ms": 2},
    "REFRESH_TOKEN_AUTH": {"rs256_sign_ms": 2},
    "AdminCreateUser (new users)": {"password_check_ms": 1},
    "SignUp (new users)": {"password_check_ms": 1},
    "Token endpoint, client_credentials": {"rs256_sign_ms": 1},
    "Token endpoint, refresh_token": {"rs256_sign_ms": 2},
    "Token endpoint, authorization_code": {"rs256_sign_ms": 2},
    "Full SRP sign-in": {"srp_server_ms": 1, "rs256_sign_ms": 2},
}
FLOOR_PRIMITIVES = {
    "rs256_sign_ms": "an RS256 signature (RSA-2048, OpenSSL through TokenSigner)",
    "rs256_verify_ms": "an RS256 check of a token",
    "password_check_ms": "a password's SRP verifier (SHA-256s and one 3072-bit g^x)",
    "srp_server_ms": "SRP's server side (B, then the session key: 3072-bit exponentiations)",
}


def floor_ms(name, floor):
    """The scenario's floor in ms, or None where it needs no cryptography or no floor was measured."""
    if not floor or name not in FLOORS:
        return None
    return sum(floor[primitive] * count for primitive, count in FLOORS[name].items())


def _within_floor(rows, name, factor):
    c = rows["cognate"][name]
    return c.get("floor_ms") is not None and c["cpu_ms"] <= factor * c["floor_ms"]


def _at_least_ministack(rows, name, factor):
    rate = _rate(rows, "ministack", name)
    return rate is None or rows["cognate"][name]["rps"] >= factor * rate


SIGN_IN_TARGET = ("≤ 1.3× its floor, ≥ 2× ministack", lambda rows, n: _within_floor(rows, n, 1.3) and _at_least_ministack(rows, n, 2))


# The targets of issues 15 and 31: (what, whether a row meets it given the rows of every server).
def _rate(rows, server, name):
    row = rows.get(server, {}).get(name)
    return row["rps"] if row and not row.get("unsupported") else None


def _best_peer(rows, name):
    rates = [r for peer in rows if peer != "cognate" for r in [_rate(rows, peer, name)] if r]
    return max(rates) if rates else None


def _at_least_peers(rows, name, factor):
    best = _best_peer(rows, name)
    return best is None or rows["cognate"][name]["rps"] >= factor * best


TARGETS = {
    "DescribeUserPool": ("≥ 10× the best peer", lambda rows, n: _at_least_peers(rows, n, 10)),
    "AdminGetUser (random user)": ("≥ 10× the best peer", lambda rows, n: _at_least_peers(rows, n, 10)),
    "GetUser (access token)": ("≥ 80% of AdminGetUser, ≥ 10× the best peer", lambda rows, n: _at_least_peers(rows, n, 10)
                               and rows["cognate"][n]["rps"] >= 0.8 * rows["cognate"].get("AdminGetUser (random user)", {"rps": 0})["rps"]),
    "ListUsers, prefix filter": ("≥ 10× the best peer", lambda rows, n: _at_least_peers(rows, n, 10)),
    "ListUsers, exact filter": ("≥ 10× the best peer", lambda rows, n: _at_least_peers(rows, n, 10)),
    "Sign-in, USER_PASSWORD_AUTH": SIGN_IN_TARGET,
    "REFRESH_TOKEN_AUTH": SIGN_IN_TARGET,
    CLIENT_CREDENTIALS: SIGN_IN_TARGET,
    REFRESH_AT_TOKEN_ENDPOINT: SIGN_IN_TARGET,
    CODE_EXCHANGE: SIGN_IN_TARGET,
    "AdminCreateUser (new users)": ("≥ 2,000/s, ≥ 1.5× the best peer", lambda rows, n: rows["cognate"][n]["rps"] >= 2000
                                    and _at_least_peers(rows, n, 1.5)),
    "Full SRP sign-in": ("≤ 3.5 ms of server CPU", lambda rows, n: rows["cognate"][n]["cpu_ms"] <= 3.5),
}

def report(args, rows, meta, scale, postgres=None, postgres_meta=None, floor=None, imports=(), journals=()):
    peers = [name for name in rows if name != "cognate"]
    versions = {"moto": f"moto[server] {args.moto_version}", "ministack": f"ministack {args.ministack_version}"}
    lines = [
        "# Benchmarks", "",
        "Generated by `Scripts/bench.sh` (Benchmarks/bench.py); do not edit by hand. Every server ran on loopback in the same run,",
        "seeded with the same data through the public API and driven with the same load, so the ratios hold on a noisy machine.", "",
        f"- Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
        f"load generator on the same machine."
        + (f" The hypervisor took {meta['_run']['steal_share']:.0%} of the CPU time the run used (steal in /proc/stat), so "
           "absolute rates are below what the same cores give alone; servers measured in the same run share that." if "_run" in meta else ""),
        f"- Load: wrk, {args.connections} connections, {args.duration} s per scenario; full SRP sign-ins from "
        f"{args.srp_processes} Python processes computing the client side with gmpy2.",
        f"- Pool: {args.users} users. Cognate: release build (the packaged binary), SQLite file"
        + (f" (and PostgreSQL {args.postgres_version}, below)" if postgres else "") + ". Peers: "
        + ", ".join(versions[p] for p in peers) + ".",
        "- Startup to first answer: " + ", ".join(f"{n} {meta[n]['startup_ms']:.0f} ms" for n in rows) + ". Idle RSS: "
        + ", ".join(f"{n} {meta[n]['idle_rss']:.1f} MB" for n in rows) + ". Seeding (AdminCreateUser + AdminSetUserPassword): "
        + ", ".join(f"{n} {meta[n]['seed_rate']:.0f} users/s" for n in rows) + ".", "",
    ]
    if floor:
        lines += ["## The cryptographic floor", "",
                  "What the cryptography a request cannot avoid costs on this machine, measured in this run with Cognate's "
                  "own code (Benchmarks/Sources/FloorBenchmark: thread CPU ms per operation, the best of 15 rounds). A "
                  "scenario's floor adds up what it needs (bench.py, FLOORS); \"× floor\" is its server CPU per request "
                  "divided by that.", "",
                  "| Primitive | CPU ms |", "| --- | ---: |"]
        lines += [f"| {what} | {floor[key]:.3f} |" for key, what in FLOOR_PRIMITIVES.items() if key in floor]
        lines.append("")
    lines += [
        "## Cognate", "",
        "| Scenario | req/s | p50 ms | p99 ms | errors | CPU ms/req | floor ms | × floor | RSS MB | target | met |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for name, c in rows["cognate"].items():
        c["floor_ms"] = floor_ms(name, floor)
        target = TARGETS.get(name)
        met = ""
        if target and target[1] and not c.get("unsupported"):
            met = "yes" if c["errors"] == 0 and target[1](rows, name) else "**no**"
        elif target:
            met = "see below"
        if c.get("unsupported"):
            lines.append(f"| {name} | not served | | | | | | | | {target[0] if target else ''} | |")
            continue
        floor_cells = (f"{c['floor_ms']:.2f} | {c['cpu_ms'] / c['floor_ms']:.2f}×" if c["floor_ms"] else "– | –")
        lines.append(f"| {name} | {c['rps']:.0f} | {c['p50']:.2f} | {c['p99']:.2f} | {c['errors']} | {c['cpu_ms']:.2f} | "
                     f"{floor_cells} | {c['rss']:.0f} | {target[0] if target else ''} | {met} |")
    lines += ["", "## Against the peers", "",
              "Requests per second, the server's CPU ms per request, and Cognate's rate divided by the peer's; "
              "the last column divides by the best peer's rate. \"not served\": the peer answered the scenario's probe "
              "request with an error, so it was not run.", "",
              "| Scenario | Cognate req/s | " + " | ".join(f"{p} req/s | {p} CPU ms/req | Cognate/{p}" for p in peers)
              + " | Cognate/best peer |",
              "| --- | ---: | " + " | ".join("---: | ---: | ---:" for _ in peers) + " | ---: |"]
    for name, c in rows["cognate"].items():
        if name == BASELINE or c.get("unsupported"):
            continue
        cells = []
        for p in peers:
            m = rows[p].get(name)
            if not m or m.get("unsupported"):
                cells.append("not served | – | –")
            else:
                ratio = f"{c['rps'] / m['rps']:.1f}×" if m["rps"] > 0 else "–"
                errors = f" ({m['errors']} errors)" if m["errors"] else ""
                cells.append(f"{m['rps']:.0f}{errors} | {m['cpu_ms']:.2f} | {ratio}")
        best = _best_peer(rows, name)
        against_best = f"{c['rps'] / best:.1f}×" if best else "–"
        lines.append(f"| {name} | {c['rps']:.0f} | " + " | ".join(cells) + f" | {against_best} |")
    if postgres:
        lines += postgres_report(args, rows["cognate"], meta["cognate"], postgres, postgres_meta)
    if scale:
        lines += ["", "## Cognate at scale", "",
                  "One pool grown to each size through the public API (AdminCreateUser over keep-alive HTTP from "
                  f"{args.seed_processes} processes × 4 connections, Benchmarks/bulk_seed.py); the read and ListUsers scenarios repeated "
                  "at each size, on each database. RSS is measured after the scenarios; a PostgreSQL database's size is "
                  "pg_database_size (tables, indexes and their free space), an SQLite database's its file and WAL.", "",
                  "| Users | Database | Seeding users/s | DB bytes/user | RSS MB | "
                  + " | ".join(f"{n} req/s (p50/p99 ms)" for n in scale[0]["scenarios"]) + " |",
                  "| ---: | --- | ---: | ---: | ---: | " + " | ".join("---:" for _ in scale[0]["scenarios"]) + " |"]
        for row in sorted(scale, key=lambda row: (row["size"], row["backend"] != "SQLite")):
            cells = " | ".join(f"{s['rps']:.0f} ({s['p50']:.2f}/{s['p99']:.2f})" for s in row["scenarios"].values())
            lines.append(f"| {row['size']:,} | {row['backend']} | {row['seed_rate']:.0f} | {row['bytes_per_user']:.0f} | "
                         f"{row['rss_after']:.0f} | {cells} |")
    if imports:
        # AdminCreateUser's rate on the same database: SQLite's scenario, or PostgreSQL's one node.
        creates = {"SQLite": rows["cognate"], "PostgreSQL": (postgres or {}).get("one node", {})}
        lines += ["", "## User import", "",
                  "A user import job (CreateUserImportJob) of the given number of lines on a fresh Cognate: the CSV uploaded to "
                  "its pre-signed URL, then StartUserImportJob to Succeeded, timed by polling DescribeUserImportJob; peak RSS "
                  "sampled meanwhile, and DescribeUserPool's latency while the import runs (one request at a time). "
                  "AdminCreateUser's rate is the scenario's above (new users, each with a temporary password, under load).", "",
                  "| Database | Users | File MB | Upload s | Import users/s | Import s | Peak RSS MB | DescribeUserPool meanwhile "
                  "p50/max ms | AdminCreateUser users/s |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for row in imports:
            create = creates.get(row["backend"], {}).get("AdminCreateUser (new users)", {}).get("rps")
            lines.append(f"| {row['backend']} | {row['users']:,} | {row['file_mb']:.1f} | {row['upload_s']:.2f} | {row['rate']:.0f} | "
                         f"{row['seconds']:.1f} | {row['rss_peak']:.0f} | {row['api_p50']:.1f}/{row['api_max']:.1f} | "
                         + (f"{create:.0f}" if create else "–") + " |")
    if journals:
        lines += ["", "## The recovery journal", "",
                  "The write scenarios on a fresh Cognate with the point-in-time recovery journal off (`--no-recovery-journal`), "
                  "then on (the default), one after the other in this run, each pool seeded with the same users; every write "
                  "records the changed record as it was before, in its own transaction (docs/RECOVERY.md). Bytes per change: "
                  "the journal's table and index on disk, and the before-images alone, divided by its entries after the run.", "",
                  "| Database | Scenario | Off req/s | On req/s | On/off | p99 off/on ms | CPU ms/req off/on |",
                  "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
        for row in journals:
            for name, runs in row["scenarios"].items():
                off, on = runs["off"], runs["on"]
                lines.append(f"| {row['backend']} | {name} | {off['rps']:.0f} | {on['rps']:.0f} | {on['rps'] / max(off['rps'], 1e-9):.2f}x | "
                             f"{off['p99']:.2f}/{on['p99']:.2f} | {off['cpu_ms']:.2f}/{on['cpu_ms']:.2f} |")
        lines += ["", "| Database | Journal entries | Bytes per change on disk | Of which the before-image |", "| --- | ---: | ---: | ---: |"]
        for row in journals:
            n = max(row["entries"], 1)
            lines.append(f"| {row['backend']} | {row['entries']:,} | {row['disk_bytes'] / n:.0f} | {row['image_bytes'] / n:.0f} |")
    lines += ["", "Notes: CPU ms/req is the server's own CPU time divided by the requests it answered; with the load",
              "generator on the same two cores it includes contention. The full SRP sign-in clients are Python processes",
              "computing three 3072-bit exponentiations per sign-in on the same cores.",
              "", "Reproduce: `Scripts/bench.sh` (see docs/DEVELOPMENT.md for its options).", ""]
    # The measured causes of each missed target, written by hand (Benchmarks/analysis.md).
    with open(os.path.join(HERE, "analysis.md")) as f:
        lines += ["", f.read().rstrip(), ""]
    return "\n".join(lines)


def started_and_measured(server, label, args, workdir):
    """Starts the server, measures every scenario, stops it; answers its rows and its startup, idle RSS and seeding rate."""
    server.start()
    try:
        idle = server.rss_mb()
        print(f"{label}: started in {server.startup_ms:.0f} ms, idle RSS {idle:.1f} MB", flush=True)
        rows, seed_rate = measure(server, args.users, args, workdir)
        return rows, {"startup_ms": server.startup_ms, "idle_rss": idle, "seed_rate": seed_rate}
    finally:
        server.stop()


POSTGRES_LAYOUTS = [("one node", 1), ("two nodes", 2)]


def postgres_report(args, sqlite, sqlite_meta, postgres, postgres_meta):
    """The section that sets Cognate on PostgreSQL (each layout of POSTGRES_LAYOUTS) beside Cognate on SQLite."""
    layouts = list(postgres)
    lines = ["", "## Cognate on PostgreSQL", "",
             f"The same scenarios with Cognate on PostgreSQL {args.postgres_version} (Debian's package with its default "
             "settings: each commit is flushed to disk before Cognate answers) over loopback TCP on the same two cores: "
             "one node, and two nodes on one database with the load split evenly between them (rates added; latencies "
             "are the slower node's). CPU ms/req is Cognate's processes + PostgreSQL's. On a shared database each node "
             "caches pools, app clients and domains and checks them in every request against the database's change "
             "count; users and refresh tokens are read from the database each time, by statements each connection "
             "prepares once that bring the change count in the same round trip (a request without such a read checks "
             "it in one small query).", "",
             "- Startup to first answer: SQLite " + f"{sqlite_meta['startup_ms']:.0f} ms, "
             + ", ".join(f"{layout} {postgres_meta[layout]['startup_ms']:.0f} ms" for layout in layouts)
             + " (including the migrations on a fresh database). Seeding (AdminCreateUser + AdminSetUserPassword): SQLite "
             + f"{sqlite_meta['seed_rate']:.0f} users/s, "
             + ", ".join(f"{layout} {postgres_meta[layout]['seed_rate']:.0f} users/s" for layout in layouts) + ".", "",
             "| Scenario | SQLite req/s | " + " | ".join(f"{layout}: req/s | p50/p99 ms | CPU ms/req | {layout}/SQLite" for layout in layouts) + " |",
             "| --- | ---: | " + " | ".join("---: | ---: | ---: | ---:" for _ in layouts) + " |"]
    for name, c in sqlite.items():
        if name == BASELINE or c.get("unsupported"):
            continue
        cells = []
        for layout in layouts:
            m = postgres[layout].get(name)
            if not m or m.get("unsupported"):
                cells.append("not served | – | – | –")
                continue
            errors = f" ({m['errors']} errors)" if m["errors"] else ""
            ratio = f"{m['rps'] / c['rps']:.2f}" if c["rps"] > 0 else "–"
            cells.append(f"{m['rps']:.0f}{errors} | {m['p50']:.2f}/{m['p99']:.2f} | {m['cpu_ms']:.2f} + {m['database_cpu_ms']:.2f} | {ratio}")
        lines.append(f"| {name} | {c['rps']:.0f} | " + " | ".join(cells) + " |")
    return lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cognate", required=True, help="the cognate binary (release build)")
    parser.add_argument("--moto-server", required=True)
    parser.add_argument("--moto-version", default="?")
    parser.add_argument("--ministack", default="", help="the ministack command (a peer with a Cognito service)")
    parser.add_argument("--ministack-version", default="?")
    parser.add_argument("--codes", type=int, default=24000, help="authorization codes minted for the code-exchange scenario")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--srp-processes", type=int, default=4)
    parser.add_argument("--seed-threads", type=int, default=8)
    parser.add_argument("--seed-processes", type=int, default=4, help="processes creating users for the scale runs")
    parser.add_argument("--scale", default="", help="comma-separated pool sizes for Cognate alone, e.g. 10000,100000")
    parser.add_argument("--postgres", default="", help="a PostgreSQL server's URL (Scripts/start-postgres.sh prints one): "
                        "Cognate is measured on it too, one node and two, and the scale runs repeated on it")
    parser.add_argument("--import-users", type=int, default=100_000, help="lines of the user import job timed on each database "
                        "(0: none)")
    parser.add_argument("--journal", type=int, default=1, help="1: measure the recovery journal's cost (write scenarios with it "
                        "off and on); 0: leave it out")
    parser.add_argument("--out", default="")
    parser.add_argument("--floor", default="", help="the JSON cognate-floor-bench printed in this run: each primitive's CPU ms")
    parser.add_argument("--report-only", action="store_true", help="with --checkpoint: the report from what it holds, "
                        "measuring nothing (a scale run cut short reports the sizes it finished)")
    parser.add_argument("--checkpoint", default="", help="a JSON file keeping each finished part of the run; a rerun with it "
                        "measures only the parts it lacks")
    parser.add_argument("--perf", default="", help="development runs: write a perf profile of each scenario to this folder")
    parser.add_argument("--servers", default="cognate,moto,ministack", help="development runs: measure only these servers")
    parser.add_argument("--only", default="", help="development runs: only scenarios whose name contains one of these")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="cognate-bench-")
    secrets_key = os.path.join(workdir, "secrets.key")  # every node of one PostgreSQL database shares it
    with open(secrets_key, "w") as f:
        f.write(base64.b64encode(os.urandom(32)).decode())

    def cognate_command(db, port):
        shared = ["--secrets-key-file", secrets_key] if db.startswith("postgres://") else []
        return [args.cognate, "--port", str(port), "--db", db, "--log-level", "error", "--no-test-endpoints"] + shared

    # A long run (the scale runs take most of an hour) keeps what it measured in --checkpoint; run again with
    # the same file, it measures only what is not there yet.
    saved = {"results": {}, "meta": {}, "postgres": {}, "postgres_meta": {}, "scale": {}}
    if args.checkpoint and os.path.exists(args.checkpoint):
        with open(args.checkpoint) as f:
            saved.update(json.load(f))

    def checkpoint():
        if args.checkpoint:
            with open(args.checkpoint, "w") as f:
                json.dump(saved, f)

    results, meta = saved["results"], saved["meta"]
    started_cpu = cpu_times()
    for name in [n for n in args.servers.split(",") if n]:
        if name in results or args.report_only:
            continue
        if name == "cognate":
            port = free_port()
            server = Server("cognate", cognate_command(os.path.join(workdir, "bench.sqlite"), port), port, workdir)
        elif name == "moto":
            port = free_port()
            server = Server("moto", [args.moto_server, "-p", str(port)], port, workdir)
        else:
            port = free_port()
            # ministack serves every service on GATEWAY_PORT; its Cognito keeps state in memory.
            server = Server("ministack", [args.ministack], port, workdir, env={"GATEWAY_PORT": str(port)})
        results[name], meta[name] = started_and_measured(server, name, args, workdir)
        checkpoint()
    postgres, postgres_meta = saved["postgres"], saved["postgres_meta"]
    args.postgres_version = psql(args.postgres, "SHOW server_version").split()[0] if args.postgres else ""
    for layout, count in (POSTGRES_LAYOUTS if args.postgres else ()):
        if layout in postgres or args.report_only:
            continue
        url = fresh_database(args.postgres, "cognate_bench")
        nodes = []
        ports = [free_port() for _ in range(count)]
        # One issuer for every node, as behind a load balancer: a token from one node is good on the other.
        public = ["--public-url", f"http://127.0.0.1:{ports[0]}"] if count > 1 else []
        for index, port in enumerate(ports):
            node = Server(f"cognate-pg{index + 1}", cognate_command(url, port) + public, port, workdir)
            node.database = True
            nodes.append(node)
        server = Nodes(f"cognate-pg-{count}", nodes) if count > 1 else nodes[0]
        try:
            postgres[layout], postgres_meta[layout] = started_and_measured(server, f"cognate on PostgreSQL, {layout}", args, workdir)
            checkpoint()
        finally:
            psql(args.postgres, 'DROP DATABASE IF EXISTS "cognate_bench" WITH (FORCE)')
    scale = []
    if args.scale:
        sizes = [int(s) for s in args.scale.split(",") if s]
        for backend in ["SQLite"] + (["PostgreSQL"] if args.postgres else []):
            done = saved["scale"].get(backend, [])
            if not args.report_only and [row["size"] for row in done] != sizes:

                def measured(rows, backend=backend):
                    saved["scale"][backend] = list(rows)
                    checkpoint()

                done = scale_run(cognate_command, sizes, args, workdir, backend, measured)
            scale += done
    imports = saved.setdefault("imports", [])
    if args.import_users and not args.report_only:
        for backend in ["SQLite"] + (["PostgreSQL"] if args.postgres else []):
            if not any(row["backend"] == backend and row["users"] == args.import_users for row in imports):
                imports.append(import_run(cognate_command, args.import_users, args, workdir, backend))
                checkpoint()
    journals = saved.setdefault("journals", [])
    if args.journal and not args.report_only:
        for backend in ["SQLite"] + (["PostgreSQL"] if args.postgres else []):
            if not any(row["backend"] == backend for row in journals):
                journals.append(journal_run(cognate_command, args, workdir, backend))
                checkpoint()
    if set(results) != {"cognate", "moto", "ministack"}:  # a development run: no report
        print(json.dumps({"results": results, "meta": meta, "postgres": postgres, "postgres_meta": postgres_meta, "scale": scale,
                          "imports": imports, "journals": journals},
                         indent=1))
        return
    if not args.report_only:
        ended_cpu = cpu_times()
        # Added up over the invocations of one checkpointed run.
        before = saved.get("run", {"busy": 0, "steal": 0})
        saved["run"] = {"busy": before["busy"] + ended_cpu["busy"] - started_cpu["busy"],
                        "steal": before["steal"] + ended_cpu["steal"] - started_cpu["steal"]}
        checkpoint()
    if saved.get("run", {}).get("busy"):
        meta = dict(meta, _run={"steal_share": saved["run"]["steal"] / saved["run"]["busy"]})
    floor = None
    if args.floor:
        with open(args.floor) as f:
            floor = json.load(f)
    text = report(args, results, meta, scale, postgres, postgres_meta, floor, imports, journals)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    print(text)
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
