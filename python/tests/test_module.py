"""The cognate module itself: options, finding the binary, starting and stopping, failing clearly."""
import os
import subprocess
import time

import pytest
import requests

import cognate
from cognate import CognateError, Server, _arguments


def test_keyword_options_become_command_line_options():
    assert _arguments({"public_url": "http://x:1", "in_memory": True, "test_endpoints": False, "seed": None, "port": 0}) == [
        "--public-url", "http://x:1", "--in-memory", "--no-test-endpoints", "--port", "0"]


def test_a_missing_binary_is_named():
    with pytest.raises(CognateError, match="does not exist or is not executable"):
        Server("/nonexistent/cognate")


def test_a_server_starts_on_a_free_port_and_stops(tmp_path):
    with Server(db=str(tmp_path / "c.sqlite")) as server:
        assert server.endpoint.startswith("http://127.0.0.1:") and not server.endpoint.endswith(":0")
        assert requests.get(server.endpoint + "/_cognate/health", timeout=5).ok
        process = server.process
    assert process.poll() is not None
    assert (tmp_path / "c.sqlite").exists()


def test_a_start_that_fails_says_why_without_hanging():
    started = time.monotonic()
    with pytest.raises(CognateError, match="exited with status 64"):
        Server(log_level="loud").start()
    assert time.monotonic() - started < 10


def test_the_environment_points_unmodified_code_at_the_server():
    with Server() as server:
        values = server.environment()
        assert values["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"] == server.endpoint
        before = os.environ.get("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER")
        with server.environ():
            assert os.environ["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"] == server.endpoint
        assert os.environ.get("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER") == before


def test_the_version_is_the_binarys():
    binary = cognate.find_binary()
    shown = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10).stdout
    if cognate.__version__ != "0.0.0+source":  # the wheel's: the version of the binary it carries
        assert shown.startswith(f"cognate {cognate.__version__} ")


def test_the_log_is_removed_at_stop_unless_kept():
    with Server() as server:
        path = server.log_path
        assert "serving the cognito-idp API" in server.log()
    assert not os.path.exists(path)
    with Server(keep_log=True) as kept:
        pass
    assert "Cognate stopped" in kept.log()
    os.unlink(kept.log_path)
