"""The pytest plugin (entry point `pytest11`), loaded when the cognate package is installed.

Fixtures:

- `cognate_server`: one Cognate server for the test session (one per worker under pytest-xdist).
- `cognate`: that server, reset before each test, with `environment()` set in `os.environ` for the test, so
  code that builds its own `boto3.client("cognito-idp")` talks to it. In a module marked
  `@pytest.mark.cognate_seed("seed.yaml")` (or `pytestmark = pytest.mark.cognate_seed(...)`), each test gets a
  fresh server started with that seed file instead.
- `cognito_idp`: a boto3 cognito-idp client for `cognate`.
- `cognate_pool`: a factory that makes a pool, an app client and confirmed users in one call.

Options: `--cognate-binary PATH` (else COGNATE_BINARY, the installed binary, or `cognate` on PATH) and
`--cognate-option ARG` (repeatable: any command-line option of the server, such as
`--cognate-option=--lambda-endpoint=http://localhost:4566`).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence

import pytest

from . import CognateError, Server


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("cognate", "Cognate (a Cognito user pools server for tests)")
    group.addoption("--cognate-binary", default=None, help="the Cognate binary (default: COGNATE_BINARY, the installed one, or cognate on PATH)")
    group.addoption("--cognate-option", action="append", default=[], metavar="ARG",
                    help="a command-line option for the Cognate server, such as --cognate-option=--lambda-endpoint=http://localhost:4566")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "cognate_seed(path): each test of the module gets a fresh Cognate server started with this seed file")


def _start(config: pytest.Config, extra: Sequence[str] = ()) -> Server:
    try:
        return Server(config.getoption("--cognate-binary"), extra_args=[*config.getoption("--cognate-option"), *extra]).start()
    except CognateError as error:
        pytest.fail(f"Cognate could not start: {error}", pytrace=False)
        raise  # pragma: no cover - pytest.fail raises


@pytest.fixture(scope="session")
def cognate_server(pytestconfig: pytest.Config) -> Iterator[Server]:
    """One Cognate server for the session (each pytest-xdist worker has its own session, so its own server)."""
    server = _start(pytestconfig)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def cognate(request: pytest.FixtureRequest, pytestconfig: pytest.Config) -> Iterator[Server]:
    """The session's server, reset before the test, with its environment set for the test's duration; in a
    module marked `cognate_seed`, a fresh server started with the seed instead."""
    marker = request.node.get_closest_marker("cognate_seed")
    if marker is not None:
        if not marker.args:
            pytest.fail("cognate_seed needs the seed file's path", pytrace=False)
        seed = os.path.join(os.path.dirname(str(request.node.fspath)), str(marker.args[0]))
        server = _start(pytestconfig, ["--seed", seed])
        try:
            with server.environ():
                yield server
        finally:
            server.stop()
        return
    shared: Server = request.getfixturevalue("cognate_server")
    shared.reset()
    shared.reset_clock()
    with shared.environ():
        yield shared


@pytest.fixture
def cognito_idp(cognate: Server) -> Any:
    """A boto3 cognito-idp client for the test's server."""
    return cognate.client()


@dataclass
class Pool:
    """What `cognate_pool` made: the pool, its app client and the users' names and passwords."""

    id: str
    client_id: str
    client_secret: Optional[str] = None
    users: Dict[str, str] = field(default_factory=dict)


@pytest.fixture
def cognate_pool(cognito_idp: Any) -> Callable[..., Pool]:
    """`cognate_pool(users=[{"Username": "alice", "Password": "...", "Attributes": {"email": "a@example.com"}}])`
    makes a pool, an app client and confirmed users, in the seed files' shape: `pool` takes CreateUserPool's
    members, `client` CreateUserPoolClient's (by default the password, SRP and refresh flows), and each user
    `Username`, `Password` (permanent) and `Attributes`."""

    def make(users: Sequence[Mapping[str, Any]] = (), pool: Optional[Mapping[str, Any]] = None,
             client: Optional[Mapping[str, Any]] = None) -> Pool:
        pool_settings = {"PoolName": "test-pool", **(pool or {})}
        pool_id = cognito_idp.create_user_pool(**pool_settings)["UserPool"]["Id"]
        client_settings = {"ClientName": "test-client",
                           "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"], **(client or {})}
        made = cognito_idp.create_user_pool_client(UserPoolId=pool_id, **client_settings)["UserPoolClient"]
        result = Pool(id=pool_id, client_id=made["ClientId"], client_secret=made.get("ClientSecret"))
        for user in users:
            name = user["Username"]
            attributes: List[Dict[str, str]] = [{"Name": k, "Value": str(v)} for k, v in (user.get("Attributes") or {}).items()]
            cognito_idp.admin_create_user(UserPoolId=pool_id, Username=name, UserAttributes=attributes, MessageAction="SUPPRESS")
            if user.get("Password"):
                cognito_idp.admin_set_user_password(UserPoolId=pool_id, Username=name, Password=user["Password"], Permanent=True)
                result.users[name] = user["Password"]
        return result

    return make
