"""Lambda functions for the trigger tests: ministack's Lambda service, which runs Python handlers in local
processes, and deployment of handlers with boto3's Lambda client."""
import http.server
import io
import json
import os
import signal
import subprocess
import threading
import time
import uuid
import zipfile

import boto3
import pytest
import requests
from botocore.config import Config

from conftest import REGION, ROOT, Server, free_port

MINISTACK = os.environ.get("COGNATE_MINISTACK", os.path.join(ROOT, ".venv-ministack", "bin", "ministack"))

# A handler that records every event it gets (one JSON line per call) and answers as the test asks:
# BEHAVIOUR is a JSON object {"<triggerSource>": {"raise": "...", "response": {...}, "answer": <any>}}.
HANDLER = '''
import json, os
def handler(event, context):
    with open(os.environ["EVENTS"], "a") as f:
        f.write(json.dumps(event) + "\\n")
    behaviour = json.loads(os.environ.get("BEHAVIOUR", "{}")).get(event["triggerSource"], {})
    if "raise" in behaviour:
        raise Exception(behaviour["raise"])
    if "answer" in behaviour:
        return behaviour["answer"]
    event["response"].update(behaviour.get("response", {}))
    return event
'''


@pytest.fixture(scope="module")
def lambda_endpoint(tmp_path_factory):
    """ministack on a free port: its Lambda service runs Python handlers in local processes."""
    folder = tmp_path_factory.mktemp("ministack")
    port = free_port()
    log = open(folder / "ministack.log", "ab")
    process = subprocess.Popen([MINISTACK], env=dict(os.environ, GATEWAY_PORT=str(port)), cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            requests.get(url + "/_ministack/health", timeout=0.5)
            break
        except requests.RequestException:
            if process.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"ministack did not start; see {folder / 'ministack.log'}")
            time.sleep(0.1)
    yield url
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture(scope="module")
def triggered(tmp_path_factory, lambda_endpoint):
    server = Server(str(tmp_path_factory.mktemp("triggers") / "triggers.sqlite"),
                    extra_args=["--lambda-endpoint", lambda_endpoint, "--lambda-timeout", "3", "--lambda-attempts", "2"]).start()
    yield server
    server.stop()


class Functions:
    """Deploys recording handlers to ministack's Lambda and reads what they were sent."""

    def __init__(self, endpoint, folder):
        self.client = boto3.client("lambda", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="AKIDTEST",
                                   aws_secret_access_key="secret", config=Config(retries={"max_attempts": 1}))
        self.folder = folder

    def deploy(self, behaviour=None, source=None, **environment):
        """Deploys `source` (the recording HANDLER by default) and answers its ARN and the file its events go to."""
        name = "trigger-" + uuid.uuid4().hex[:10]
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as z:
            z.writestr("handler.py", source or HANDLER)
        events = str(self.folder / (name + ".jsonl"))
        arn = self.client.create_function(
            FunctionName=name, Runtime="python3.11", Role="arn:aws:iam::000000000000:role/trigger", Handler="handler.handler",
            Code={"ZipFile": archive.getvalue()}, Timeout=10,
            Environment={"Variables": {"EVENTS": events, "BEHAVIOUR": json.dumps(behaviour or {}), **environment}})["FunctionArn"]
        return arn, events

    @staticmethod
    def events(path):
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]


@pytest.fixture
def functions(lambda_endpoint, tmp_path):
    return Functions(lambda_endpoint, tmp_path)


class FakeLambda:
    """An Invoke endpoint under the test's control: answers with `reply(path, headers, body)`'s
    (status, headers, body), and remembers each request."""

    def __init__(self):
        self.requests = []
        self.reply = lambda path, headers, body: (200, {}, body)
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                fake.requests.append((self.path, {name.lower(): value for name, value in self.headers.items()}, body))
                try:
                    status, headers, answer = fake.reply(self.path, self.headers, body)
                except Exception:
                    return  # the connection closes without an answer
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
