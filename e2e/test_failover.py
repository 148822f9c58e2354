"""A failover to a promoted streaming standby loses no acknowledged write when the standby is synchronous.
The test makes its own pair of PostgreSQL servers from Debian's binaries (a primary with
`synchronous_standby_names`, and a standby from `pg_basebackup` streaming from it), puts a small TCP proxy in
front as the address Cognate knows (as a virtual IP or a proxy does in production), writes under load, kills
the primary with an immediate shutdown, promotes the standby, points the proxy at it, and checks that every
write Cognate acknowledged is there."""
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid

import pytest

from conftest import Server, free_port


def binaries():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    assert found, "Debian's PostgreSQL is not installed (Scripts/start-postgres.sh installs it)"
    return os.path.dirname(found[-1])


def as_postgres(*command, daemon=False):
    """Runs a command as the postgres user. `daemon`: it leaves a server running, which would hold captured
    output pipes open, so its output goes nowhere."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else ["sudo", "-u", "postgres"]
    if daemon:
        return subprocess.run([*prefix, *command], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=60)
    return subprocess.run([*prefix, *command], capture_output=True, text=True, check=True, timeout=60)


class Proxy:
    """Forwards TCP connections to a backend port that can be switched; switching drops the open ones."""

    def __init__(self, backend):
        self.backend = backend
        self.port = free_port()
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.open = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.backend), timeout=2)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            # shutdown first: a close alone leaves the connection open while the other thread still reads it.
            for s in (source, target):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                try:
                    s.close()
                except OSError:
                    pass

    def switch(self, backend):
        self.backend = backend
        with self.lock:
            for s in self.open:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self.open = []

    def close(self):
        self.listener.close()
        self.switch(self.backend)


@pytest.fixture
def replicated():
    bin_dir = binaries()
    base = tempfile.mkdtemp(prefix="cognate-failover-")
    os.chmod(base, 0o777)
    primary, standby = os.path.join(base, "primary"), os.path.join(base, "standby")
    p1, p2 = free_port(), free_port()
    pg_ctl = os.path.join(bin_dir, "pg_ctl")
    started = []
    try:
        as_postgres(os.path.join(bin_dir, "initdb"), "-D", primary, "-U", "postgres", "--auth=trust")
        with open(os.path.join(primary, "postgresql.auto.conf"), "a") as f:
            f.write(f"port = {p1}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{base}'\n"
                    "synchronous_commit = on\nwal_level = replica\n")
        with open(os.path.join(primary, "pg_hba.conf"), "a") as f:
            f.write("host replication postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 trust\n")
        as_postgres(pg_ctl, "-D", primary, "-l", os.path.join(base, "primary.log"), "-w", "start", daemon=True)
        started.append(primary)
        for statement in ("CREATE ROLE cognate LOGIN PASSWORD 'cognate'", "CREATE DATABASE cognate OWNER cognate"):
            as_postgres(os.path.join(bin_dir, "psql"), "-h", "127.0.0.1", "-p", str(p1), "-U", "postgres", "-qc", statement)
        as_postgres(os.path.join(bin_dir, "pg_basebackup"), "-h", "127.0.0.1", "-p", str(p1), "-U", "postgres", "-D", standby, "-R", "--checkpoint=fast")
        with open(os.path.join(standby, "postgresql.auto.conf"), "a") as f:
            f.write(f"port = {p2}\ncluster_name = 'standby1'\nsynchronous_standby_names = ''\n")
        as_postgres(pg_ctl, "-D", standby, "-l", os.path.join(base, "standby.log"), "-w", "start", daemon=True)
        started.append(standby)
        # Only now that the standby streams: every commit on the primary waits for it from here on.
        psql = [os.path.join(bin_dir, "psql"), "-h", "127.0.0.1", "-p", str(p1), "-U", "postgres", "-qAtc"]
        as_postgres(*psql, "ALTER SYSTEM SET synchronous_standby_names = 'standby1'")
        as_postgres(*psql, "SELECT pg_reload_conf()")
        # Wait until the primary counts the standby as synchronous.
        deadline = time.time() + 20
        while True:
            state = as_postgres(os.path.join(bin_dir, "psql"), "-h", "127.0.0.1", "-p", str(p1), "-U", "postgres", "-qAtc",
                                "SELECT sync_state FROM pg_stat_replication").stdout.strip()
            if state == "sync":
                break
            assert time.time() < deadline, f"the standby did not become synchronous ({state!r})"
            time.sleep(0.2)
        yield {"bin": bin_dir, "base": base, "primary": primary, "standby": standby, "p1": p1, "p2": p2, "pg_ctl": pg_ctl}
    finally:
        for data in started:
            try:
                as_postgres(pg_ctl, "-D", data, "-m", "immediate", "stop", daemon=True)
            except subprocess.CalledProcessError:
                pass  # already stopped
        shutil.rmtree(base, ignore_errors=True)


def test_failover_to_a_synchronous_standby_loses_no_acknowledged_write(replicated, tmp_path):
    proxy = Proxy(replicated["p1"])
    url = f"postgres://cognate:cognate@127.0.0.1:{proxy.port}/cognate?sslmode=disable"
    node = Server(str(tmp_path / "failover"), extra_args=["--public-url", "http://cognate.test"], database_url=url).start()
    try:
        c = node.client()
        pool = c.create_user_pool(PoolName="failover-" + uuid.uuid4().hex[:6])["UserPool"]["Id"]
        acknowledged, failures, stop, slowest = [], [], threading.Event(), [0.0]
        def load():
            i = 0
            while not stop.is_set():
                began = time.time()
                try:
                    c.admin_create_user(UserPoolId=pool, Username=f"f{i}", MessageAction="SUPPRESS")
                    acknowledged.append(f"f{i}")
                    slowest[0] = max(slowest[0], time.time() - began)
                except Exception as error:  # during the failover requests fail; only the answered ones count
                    failures.append(f"{type(error).__name__} after {time.time() - began:.1f} s")
                    time.sleep(0.05)
                i += 1
        worker = threading.Thread(target=load)
        worker.start()
        time.sleep(1.5)
        before = len(acknowledged)
        # The primary dies without a checkpoint; the standby is promoted and takes its address.
        as_postgres(replicated["pg_ctl"], "-D", replicated["primary"], "-m", "immediate", "stop")
        as_postgres(replicated["pg_ctl"], "-D", replicated["standby"], "-w", "promote", daemon=True)
        proxy.switch(replicated["p2"])
        switched = time.time()
        # The node reconnects by itself: writes are acknowledged again once its pool reaches the new primary.
        while len(acknowledged) <= before + 5 and time.time() - switched < 90:
            time.sleep(0.1)
        recovery = time.time() - switched
        stop.set()
        worker.join()
        print(f"failover: {before} writes before, {len(acknowledged) - before} after, writes again {recovery:.1f} s after the switch; "
              f"{len(failures)} refused meanwhile ({failures[:5]}); slowest acknowledged {slowest[0]:.1f} s")
        assert before > 0 and len(acknowledged) > before + 5, (before, len(acknowledged))
        # Within a second, or — when a connection was cut without being closed, so that one transaction waits
        # for an answer that never comes — after Cognate's 30-second answer timeout, never longer.
        assert recovery < 40, f"writes resumed only {recovery:.1f} s after the failover"
        stored = set()
        for page in c.get_paginator("list_users").paginate(UserPoolId=pool):
            stored |= {u["Username"] for u in page["Users"]}
        assert set(acknowledged) <= stored, sorted(set(acknowledged) - stored)[:10]
    finally:
        node.stop()
        proxy.close()
