"""Benchmarks Cognate against moto's server in the same run and writes a Markdown report.

Both servers run on loopback, are seeded with the same data through the public API (boto3), and are
driven with the same load: wrk (Benchmarks/load/cognito.lua) for single-request scenarios, and
Benchmarks/srp_load.py for full SRP sign-ins. For each scenario the report gives requests/s, p50 and p99
latency, errors, the server's CPU milliseconds per request (from /proc), its RSS, and the ratio
Cognate/moto. Scale runs seed Cognate alone with more users and repeat the read and ListUsers scenarios.
Run it through Scripts/bench.sh."""
import argparse
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
    def __init__(self, name, command, port, workdir):
        self.name, self.command, self.port, self.workdir = name, command, port, workdir
        self.url = f"http://127.0.0.1:{port}"

    def start(self):
        self.log = open(os.path.join(self.workdir, self.name + ".log"), "ab")
        started = time.perf_counter()
        self.process = subprocess.Popen(self.command, stdout=self.log, stderr=subprocess.STDOUT, cwd=self.workdir)
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


def write_lines(path, lines):
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def run_wrk(server, operation, body, items_file, duration, connections, threads=2, perf_file=None):
    before = server.cpu_seconds()
    perf = start_perf(server, perf_file)
    if operation is None:  # GET of a fixed path: the HTTP stack alone
        command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", server.url + body]
    else:
        command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "-s",
                   os.path.join(HERE, "load", "cognito.lua"), server.url, "--", operation, items_file or "-", body]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    cpu = server.cpu_seconds() - before
    stop_perf(perf)
    total = int(re.search(r"(\d+) requests in", output).group(1))
    errors = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output)) else 0
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        errors += sum(int(g) for g in m.groups())

    def latency(label):
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)), "p50": latency("50"),
            "p99": latency("99"), "errors": errors, "cpu_ms": cpu * 1000 / max(total, 1), "rss": server.rss_mb(),
            "requests": total}


def start_perf(server, perf_file):
    """Development runs: a CPU profile of the server while a scenario runs (stop it with stop_perf)."""
    if not perf_file:
        return None
    return subprocess.Popen(["perf", "record", "-q", "-e", "cpu-clock", "-g", "-p", str(server.process.pid), "-o", perf_file],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop_perf(perf):
    if perf:
        perf.send_signal(2)
        perf.wait()


def run_srp(server, pool, app, users_file, duration, processes, perf_file=None):
    before = server.cpu_seconds()
    perf = start_perf(server, perf_file)
    output = subprocess.run(
        [sys.executable, os.path.join(HERE, "srp_load.py"), "--url", server.url, "--pool", pool, "--client", app,
         "--users-file", users_file, "--password", PASSWORD, "--duration", str(duration), "--processes", str(processes)],
        capture_output=True, text=True, check=True).stdout
    result = json.loads(output.strip().splitlines()[-1])
    cpu = server.cpu_seconds() - before
    stop_perf(perf)
    result["cpu_ms"] = cpu * 1000 / max(result["requests"], 1)
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


def scale_run(cognate_command, sizes, args, workdir):
    """Cognate alone at growing pool sizes: seeding rate, database size per user, RSS and the read scenarios.
    The first 200 users are seeded through boto3 with permanent passwords (they sign in for GetUser);
    the rest are created by bulk_seed over raw HTTP with temporary passwords."""
    results = []
    db = os.path.join(workdir, "scale.sqlite")
    port = free_port()
    server = Server("cognate-scale", cognate_command(db, port), port, workdir).start()
    try:
        pool, app, _ = seed(server, 200, threads=args.seed_threads)
        access, refresh = sign_in_tokens(server, app, 200)
        seeded = 200
        for size in sizes:
            rate = bulk_create(server.url, pool, PASSWORD, seeded, size - seeded, processes=args.seed_processes)
            seeded = size
            files = data_files(workdir, f"scale{size}", size, access, refresh)
            db_bytes = sum(os.path.getsize(db + suffix) for suffix in ("", "-wal") if os.path.exists(db + suffix))
            row = {"size": size, "seed_rate": rate, "bytes_per_user": db_bytes / size, "rss": server.rss_mb(), "scenarios": {}}
            for name, operation, body, items in scenarios(pool, app):
                if name.startswith(("AdminGetUser", "GetUser", "ListUsers", "DescribeUserPool")) and selected(args, name):
                    perf_file = (os.path.join(args.perf, f"scale{size}-" + re.sub(r"\W+", "-", name).strip("-") + ".data")
                                 if args.perf else None)
                    row["scenarios"][name] = run_wrk(server, operation, body, files.get(items), args.duration, args.connections,
                                                     perf_file=perf_file)
            row["rss_after"] = server.rss_mb()
            results.append(row)
            print(f"  scale {size}: seeded at {rate:.0f} users/s, {db_bytes / size:.0f} bytes/user, RSS {row['rss_after']:.1f} MB, "
                  + ", ".join(f"{n} {s['rps']:.0f}/s" for n, s in row["scenarios"].items()), flush=True)
    finally:
        server.stop()
    return results


TARGETS = {
    "DescribeUserPool": 20000, "AdminGetUser (random user)": 20000, "GetUser (access token)": 20000,
    "Sign-in, USER_PASSWORD_AUTH": 800, "Full SRP sign-in": 300, "REFRESH_TOKEN_AUTH": 1500,
    "AdminCreateUser (new users)": 2000, "SignUp (new users)": 1000, "ListUsers, prefix filter": 3000,
    "ListUsers, exact filter": 3000,
}


def report(args, cognate, moto, cognate_meta, moto_meta, scale):
    lines = [
        "# Benchmarks", "",
        "Generated by `Scripts/bench.sh` (Benchmarks/bench.py); do not edit by hand. Both servers ran on loopback in the same run,",
        "seeded with the same data through the public API and driven with the same load, so the ratios hold on a noisy machine.", "",
        f"- Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
        f"load generator on the same machine.",
        f"- Load: wrk, {args.connections} connections, {args.duration} s per scenario; full SRP sign-ins from "
        f"{args.srp_processes} Python processes computing the client side with gmpy2.",
        f"- Pool: {args.users} users. Cognate: release build, SQLite file. moto: moto[server] {args.moto_version}.",
        f"- Startup to first answer: Cognate {cognate_meta['startup_ms']:.0f} ms, moto {moto_meta['startup_ms']:.0f} ms. "
        f"Idle RSS: Cognate {cognate_meta['idle_rss']:.1f} MB, moto {moto_meta['idle_rss']:.1f} MB. "
        f"Seeding (AdminCreateUser + AdminSetUserPassword): Cognate {cognate_meta['seed_rate']:.0f} users/s, "
        f"moto {moto_meta['seed_rate']:.0f} users/s.", "",
        "| Scenario | Cognate req/s | p50 ms | p99 ms | errors | CPU ms/req | RSS MB | moto req/s | p50 ms | p99 ms | errors | CPU ms/req | RSS MB | Cognate/moto | target | met |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, c in cognate.items():
        m = moto.get(name)
        target = TARGETS.get(name)
        met = "yes" if target and c["rps"] >= target and c["errors"] == 0 else ("**no**" if target else "")
        mcols = (f"{m['rps']:.0f} | {m['p50']:.2f} | {m['p99']:.2f} | {m['errors']} | {m['cpu_ms']:.2f} | {m['rss']:.0f}"
                 if m else "– | – | – | – | – | –")
        ratio = f"{c['rps'] / m['rps']:.1f}×" if m and m["rps"] > 0 else "–"
        lines.append(f"| {name} | {c['rps']:.0f} | {c['p50']:.2f} | {c['p99']:.2f} | {c['errors']} | {c['cpu_ms']:.2f} | "
                     f"{c['rss']:.0f} | {mcols} | {ratio} | {target or ''} | {met} |")
    if scale:
        lines += ["", "## Cognate at scale", "",
                  "One pool grown to each size through the public API (AdminCreateUser over keep-alive HTTP from "
                  f"{args.seed_processes} processes, Benchmarks/bulk_seed.py); the read and ListUsers scenarios repeated "
                  "at each size. RSS is measured after the scenarios.", "",
                  "| Users | Seeding users/s | DB bytes/user | RSS MB | " + " | ".join(f"{n} req/s (p50/p99 ms)" for n in scale[0]["scenarios"]) + " |",
                  "| ---: | ---: | ---: | ---: | " + " | ".join("---:" for _ in scale[0]["scenarios"]) + " |"]
        for row in scale:
            cells = " | ".join(f"{s['rps']:.0f} ({s['p50']:.2f}/{s['p99']:.2f})" for s in row["scenarios"].values())
            lines.append(f"| {row['size']:,} | {row['seed_rate']:.0f} | {row['bytes_per_user']:.0f} | {row['rss_after']:.0f} | {cells} |")
    lines += ["", "Notes: CPU ms/req is the server's own CPU time divided by the requests it answered; with the load",
              "generator on the same two cores it includes contention. The full SRP sign-in clients are Python processes",
              "computing three 3072-bit exponentiations per sign-in on the same cores.",
              "", "Reproduce: `Scripts/bench.sh` (see the README for its options).", ""]
    # The measured causes of each missed target, written by hand (Benchmarks/analysis.md).
    with open(os.path.join(HERE, "analysis.md")) as f:
        lines += ["", f.read().rstrip(), ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cognate", required=True, help="the cognate binary (release build)")
    parser.add_argument("--moto-server", required=True)
    parser.add_argument("--moto-version", default="?")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--srp-processes", type=int, default=4)
    parser.add_argument("--seed-threads", type=int, default=8)
    parser.add_argument("--seed-processes", type=int, default=4, help="processes creating users for the scale runs")
    parser.add_argument("--scale", default="", help="comma-separated pool sizes for Cognate alone, e.g. 10000,100000")
    parser.add_argument("--out", default="")
    parser.add_argument("--perf", default="", help="development runs: write a perf profile of each scenario to this folder")
    parser.add_argument("--servers", default="cognate,moto", help="development runs: measure only these servers")
    parser.add_argument("--only", default="", help="development runs: only scenarios whose name contains one of these")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="cognate-bench-")

    def cognate_command(db, port):
        return [args.cognate, "--port", str(port), "--db", db, "--log-level", "error", "--no-test-endpoints"]

    results, meta = {}, {}
    for name in [n for n in args.servers.split(",") if n]:
        if name == "cognate":
            port = free_port()
            server = Server("cognate", cognate_command(os.path.join(workdir, "bench.sqlite"), port), port, workdir)
        else:
            port = free_port()
            server = Server("moto", [args.moto_server, "-p", str(port)], port, workdir)
        server.start()
        try:
            idle = server.rss_mb()
            print(f"{name}: started in {server.startup_ms:.0f} ms, idle RSS {idle:.1f} MB", flush=True)
            rows, seed_rate = measure(server, args.users, args, workdir)
            results[name] = rows
            meta[name] = {"startup_ms": server.startup_ms, "idle_rss": idle, "seed_rate": seed_rate}
        finally:
            server.stop()
    scale = []
    if args.scale:
        sizes = [int(s) for s in args.scale.split(",") if s]
        scale = scale_run(cognate_command, sizes, args, workdir)
    if set(results) != {"cognate", "moto"}:  # a development run: no report
        print(json.dumps({"results": results, "meta": meta, "scale": scale}, indent=1))
        return
    text = report(args, results["cognate"], results["moto"], meta["cognate"], meta["moto"], scale)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    print(text)
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
