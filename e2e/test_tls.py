"""HTTPS: with --tls-cert and --tls-key Cognate serves TLS only; boto3, the token endpoint and the pages work
over it, issuers and the discovery document name https URLs, and the pages' cookies are Secure."""
import subprocess

import pytest
import requests

from conftest import Server


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    server = Server(str(folder / "tls.sqlite"), extra_args=["--tls-cert", str(cert), "--tls-key", str(key)])
    server.url = f"https://localhost:{server.port}"
    server.verify = str(cert)
    server.start()
    yield server
    server.stop()


def test_the_api_and_the_oauth_endpoints_over_https(tls_server):
    cognito = tls_server.client()
    pool = cognito.create_user_pool(PoolName="tls")["UserPool"]["Id"]
    config = requests.get(f"{tls_server.url}/{pool}/.well-known/openid-configuration", verify=tls_server.verify, timeout=5).json()
    assert config["issuer"] == f"https://127.0.0.1:{tls_server.port}/{pool}"
    assert config["token_endpoint"].startswith("https://")
    client = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="web", AllowedOAuthFlows=["code"], AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthScopes=["openid"], CallbackURLs=["https://app.example.com/cb"])["UserPoolClient"]["ClientId"]
    login = requests.get(f"{tls_server.url}/login", verify=tls_server.verify, timeout=5, params={
        "client_id": client, "response_type": "code", "redirect_uri": "https://app.example.com/cb"})
    assert login.status_code == 200 and "Secure" in login.headers["Set-Cookie"]
    # Plain HTTP is not answered.
    with pytest.raises(requests.RequestException):
        requests.get(f"http://127.0.0.1:{tls_server.port}/_cognate/health", timeout=3).json()


def test_tls_options_go_together(tmp_path):
    from conftest import BINARY
    out = subprocess.run([BINARY, "--tls-cert", "x.pem", "--db", str(tmp_path / "x.sqlite")], capture_output=True, text=True, timeout=30)
    assert out.returncode != 0 and "--tls-cert and --tls-key go together" in out.stderr
    out = subprocess.run([BINARY, "--tls-cert", str(tmp_path / "none.pem"), "--tls-key", str(tmp_path / "none.pem"), "--port", "0",
                          "--db", str(tmp_path / "y.sqlite")], capture_output=True, text=True, timeout=30)
    assert out.returncode != 0
