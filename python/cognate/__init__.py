"""Cognate for Python tests: start the Cognate binary, point clients at it, and read what it sent.

```python
import cognate

with cognate.Server() as server:          # in memory, on a free port
    idp = server.client()                 # a boto3 cognito-idp client for it
    ...
    code = server.last_code("alice@example.com")
```

`server.environment()` gives the variables that make unmodified code (`boto3.client("cognito-idp")`) talk
to the server. The pytest plugin (`cognate.plugin`) wraps all of this in fixtures.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sysconfig
import tempfile
import time
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence
from contextlib import contextmanager

import requests

from ._version import __version__

__all__ = ["Server", "CognateError", "find_binary", "__version__"]

_START_LINE = re.compile(r"serving the cognito-idp API on (https?)://(\S+):(\d+) ")


class CognateError(RuntimeError):
    """Cognate could not be found, could not start, or a test endpoint refused a request."""


def find_binary(binary: Optional[str] = None) -> str:
    """The Cognate binary: `binary` if given, else `COGNATE_BINARY`, else the one this package installed,
    else `cognate` on PATH."""
    named = binary or os.environ.get("COGNATE_BINARY")
    if named:
        # A binary that is named is the one meant: no other is taken in its place.
        if os.path.isfile(named) and os.access(named, os.X_OK):
            return named
        raise CognateError(f"the Cognate binary {named} does not exist or is not executable")
    for candidate in (os.path.join(sysconfig.get_path("scripts"), "cognate"), shutil.which("cognate")):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    raise CognateError("no Cognate binary found: install the cognate wheel, put `cognate` on PATH, or set COGNATE_BINARY")


def _arguments(options: Mapping[str, Any]) -> List[str]:
    """Keyword options as command-line ones: `public_url="x"` → `--public-url x`, `in_memory=True` →
    `--in-memory`, `test_endpoints=False` → `--no-test-endpoints`; None leaves an option out."""
    out: List[str] = []
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if value is None:
            continue
        if value is True:
            out.append(flag)
        elif value is False:
            out.append("--no-" + name.replace("_", "-"))
        else:
            out += [flag, str(value)]
    return out


class Server:
    """One Cognate process: started on a free port (in memory unless `db` is given), ready when `start()`
    returns, stopped by `stop()` or at the end of a `with` block.

    Any command-line option is a keyword (`public_url=`, `seed=`, `lambda_endpoint=`, …); `extra_args` adds
    raw ones. Starting never hangs: past `startup_timeout` seconds, or when the process exits, `start()`
    raises `CognateError` with the end of its log.
    """

    def __init__(self, binary: Optional[str] = None, *, db: Optional[str] = None, region: str = "us-east-1",
                 startup_timeout: float = 30.0, extra_args: Sequence[str] = (), keep_log: bool = False, **options: Any) -> None:
        self.binary = find_binary(binary)
        self.region = region
        self.startup_timeout = startup_timeout
        settings: Dict[str, Any] = {"host": "127.0.0.1", "port": 0, "region": region}
        if db is None:
            settings["in_memory"] = True
        else:
            settings["db"] = db
        settings.update(options)
        self.arguments = [self.binary, *_arguments(settings), *extra_args]
        self.process: Optional[subprocess.Popen] = None
        self.endpoint = ""
        # The process's output goes to a file (a pipe nobody reads would fill and stop it); removed at stop
        # unless `keep_log`.
        self._log = tempfile.NamedTemporaryFile(prefix="cognate-", suffix=".log", delete=False)
        self.log_path = self._log.name
        self.keep_log = keep_log
        self._session = requests.Session()

    # Starting and stopping

    def start(self) -> "Server":
        if self.process is not None:
            return self
        if self._log.closed:
            self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(self.arguments, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + self.startup_timeout
        while True:
            match = _START_LINE.search(self.log())
            if match:
                scheme, host, port = match.groups()
                self.endpoint = f"{scheme}://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
                break
            if self.process.poll() is not None:
                status, output = self.process.returncode, self.log()[-2000:]
                self.stop()
                raise CognateError(f"Cognate exited with status {status} before serving:\n{output}")
            if time.monotonic() > deadline:
                output = self.log()[-2000:]
                self.stop()
                raise CognateError(f"Cognate did not start within {self.startup_timeout:.0f} s:\n{output}")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None
        self._session.close()
        self._session = requests.Session()
        self._log.close()
        if not self.keep_log:
            try:
                os.unlink(self.log_path)
            except FileNotFoundError:
                pass

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def log(self) -> str:
        """What the process has written so far (the start line, warnings, the access log at `log_level="debug"`);
        after `stop()`, only with `keep_log=True`."""
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    # Clients

    def environment(self) -> Dict[str, str]:
        """The variables under which unmodified code (`boto3.client("cognito-idp")`, the AWS CLI) talks to this
        server: botocore's service-specific endpoint, the region, and credentials (any value works locally;
        ones already set are kept)."""
        return {
            "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": self.endpoint,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            "AWS_ACCESS_KEY_ID": os.environ.get("AWS_ACCESS_KEY_ID", "cognate-local"),
            "AWS_SECRET_ACCESS_KEY": os.environ.get("AWS_SECRET_ACCESS_KEY", "cognate-local"),
        }

    @contextmanager
    def environ(self) -> Iterator[Dict[str, str]]:
        """Sets `environment()` in `os.environ` for the duration of the block, then puts back what was there."""
        values = self.environment()
        saved = {name: os.environ.get(name) for name in values}
        os.environ.update(values)
        try:
            yield values
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    def client(self, service: str = "cognito-idp", **kwargs: Any) -> Any:
        """A boto3 client for this server (boto3 must be installed: `pip install cognate[boto3]`)."""
        try:
            import boto3
        except ImportError as error:  # pragma: no cover - depends on the environment
            raise CognateError("Server.client needs boto3: pip install boto3") from error
        settings = {"endpoint_url": self.endpoint, "region_name": self.region, "aws_access_key_id": os.environ.get("AWS_ACCESS_KEY_ID", "cognate-local"),
                    "aws_secret_access_key": os.environ.get("AWS_SECRET_ACCESS_KEY", "cognate-local")}
        settings.update(kwargs)
        return boto3.client(service, **settings)

    # The test endpoints

    def _url(self, path: str) -> str:
        if not self.endpoint:
            raise CognateError("the server is not started")
        return self.endpoint + path

    def _checked(self, answer: requests.Response) -> Any:
        if answer.status_code != 200:
            raise CognateError(f"{answer.request.method} {answer.url}: {answer.status_code} {answer.text[:300]}")
        return answer.json()

    def outbox(self, recipient: Optional[str] = None, pool_id: Optional[str] = None) -> List[Dict[str, Any]]:
        """The messages Cognate sent (and did not deliver), oldest first: each with `recipient`, `medium`
        (EMAIL or SMS), `purpose`, `subject`, `body`, `code`, `username`, `poolId`, `sentAt`."""
        params = {name: value for name, value in (("recipient", recipient), ("poolId", pool_id)) if value is not None}
        return self._checked(self._session.get(self._url("/_cognate/outbox"), params=params, timeout=10))["messages"]

    def last_code(self, recipient: str) -> str:
        """The code in the newest message to `recipient` (an email address or a phone number)."""
        for message in reversed(self.outbox(recipient)):
            if message.get("code"):
                return message["code"]
        raise CognateError(f"no message with a code was sent to {recipient}")

    def advance_clock(self, seconds: float) -> Dict[str, Any]:
        """Moves the server's clock forward (codes, temporary passwords and tokens expire as time passes)."""
        return self._checked(self._session.post(self._url("/_cognate/clock"), json={"advanceSeconds": seconds}, timeout=10))

    def reset_clock(self) -> Dict[str, Any]:
        """Puts the server's clock back to the wall clock."""
        return self._checked(self._session.post(self._url("/_cognate/clock"), json={"offsetSeconds": 0}, timeout=10))

    def reset(self) -> None:
        """Wipes every pool, user and message, as a fresh server has none."""
        self._checked(self._session.post(self._url("/_cognate/reset"), timeout=30))
