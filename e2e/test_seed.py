"""Seed files (--seed, COGNATE_SEED): pools with pinned IDs and their clients, groups, resource servers,
domains and users, created at start through the API's own operations; applying the same file again changes
nothing; a bad file stops the start naming the file, line and entry."""
import json
import os
import re
import subprocess
import textwrap

import pyotp
import pytest
from botocore.exceptions import ClientError

from conftest import BINARY, Server

SEED = textwrap.dedent("""\
    pools:
      - Id: us-east-1_Seeded1
        PoolName: seeded
        Policies:
          PasswordPolicy: {MinimumLength: 10, RequireSymbols: false}
        MfaConfig: {MfaConfiguration: OPTIONAL, SoftwareTokenMfaConfiguration: {Enabled: true}}
        UserPoolTags: {team: identity}
        Clients:
          - ClientName: web
            ClientId: seededwebclient1
            ExplicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
          - ClientName: backend
            ClientId: seededbackend1
            ClientSecret: a_fixed_secret_for_tests_0123456789
            AllowedOAuthFlows: [client_credentials]
            AllowedOAuthFlowsUserPoolClient: true
            AllowedOAuthScopes: [orders/read]
        ResourceServers:
          - Identifier: orders
            Name: Orders
            Scopes: [{ScopeName: read, ScopeDescription: Read orders}]
        Groups:
          - {GroupName: admins, Precedence: 1}
        Domains:
          - Domain: seeded-auth
        Users:
          - Username: alice
            Password: Passw0rd1234
            Attributes: {email: alice@example.com, email_verified: "true"}
            Groups: [admins]
          - Username: bob
            Password: Temp0rary1234
            Permanent: false
          - Username: carol
            Password: Passw0rd1234
            Enabled: false
          - Username: tina
            Password: Passw0rd1234
            Mfa: {SoftwareTokenSecret: JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP, Preferred: SOFTWARE_TOKEN_MFA}
    """)


@pytest.fixture
def seeded(tmp_path):
    seed = tmp_path / "seed.yaml"
    seed.write_text(SEED)
    server = Server(str(tmp_path / "seeded.sqlite"), extra_args=["--seed", str(seed), "--log-level", "notice"]).start()
    yield server, seed
    server.stop()


def sign_in(cognito, username, password="Passw0rd1234"):
    return cognito.initiate_auth(ClientId="seededwebclient1", AuthFlow="USER_PASSWORD_AUTH",
                                 AuthParameters={"USERNAME": username, "PASSWORD": password})


def test_a_seed_makes_what_it_names(seeded):
    server, _ = seeded
    cognito = server.client()
    pool = cognito.describe_user_pool(UserPoolId="us-east-1_Seeded1")["UserPool"]
    assert pool["Name"] == "seeded" and pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 10 and pool["Domain"] == "seeded-auth"
    assert cognito.list_tags_for_resource(ResourceArn=pool["Arn"])["Tags"] == {"team": "identity"}  # the pinning tags are gone
    backend = cognito.describe_user_pool_client(UserPoolId="us-east-1_Seeded1", ClientId="seededbackend1")["UserPoolClient"]
    assert backend["ClientSecret"] == "a_fixed_secret_for_tests_0123456789"
    assert [g["GroupName"] for g in cognito.admin_list_groups_for_user(UserPoolId="us-east-1_Seeded1", Username="alice")["Groups"]] == ["admins"]
    assert sign_in(cognito, "alice")["AuthenticationResult"]["AccessToken"]
    assert sign_in(cognito, "bob", "Temp0rary1234")["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    with pytest.raises(ClientError) as e:
        sign_in(cognito, "carol")
    assert e.value.response["Error"]["Message"] == "User is disabled."
    challenge = sign_in(cognito, "tina")
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    tokens = cognito.respond_to_auth_challenge(
        ClientId="seededwebclient1", ChallengeName="SOFTWARE_TOKEN_MFA", Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "tina", "SOFTWARE_TOKEN_MFA_CODE": pyotp.TOTP("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP").now()})
    assert tokens["AuthenticationResult"]["AccessToken"]


def test_applying_it_again_changes_nothing(seeded):
    server, seed = seeded
    cognito = server.client()
    before = cognito.describe_user_pool(UserPoolId="us-east-1_Seeded1")["UserPool"]
    users = cognito.list_users(UserPoolId="us-east-1_Seeded1")["Users"]
    server.stop()
    server.start()
    assert cognito.describe_user_pool(UserPoolId="us-east-1_Seeded1")["UserPool"]["LastModifiedDate"] == before["LastModifiedDate"]
    assert cognito.list_users(UserPoolId="us-east-1_Seeded1")["Users"] == users
    assert "nothing was missing" in open(server.log_path).read()


def test_a_json_seed_from_the_environment(tmp_path):
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"pools": [{"Id": "us-east-1_Json1", "PoolName": "json", "Users": [{"Username": "u", "Password": "Str0ng-Passw0rd!"}]}]}))
    port_server = Server(str(tmp_path / "json.sqlite"))
    os.environ["COGNATE_SEED"] = str(seed)
    try:
        port_server.start()
        assert port_server.client().admin_get_user(UserPoolId="us-east-1_Json1", Username="u")["UserStatus"] == "CONFIRMED"
    finally:
        del os.environ["COGNATE_SEED"]
        port_server.stop()


@pytest.mark.parametrize("text, expected", [
    ("pools:\n  - Id: us-east-1_Bad1\n    PoolName: bad\n    Clients:\n      - ClientName: web\n", ":4: pools[0].Clients[0]: ClientName and ClientId are required"),
    ("pools:\n  - PoolName: noid\n", ":2: pools[0]: Id is required"),
    ("pool:\n  - Id: x\n", ":1: pool: is not a seed key"),
    ("pools:\n  - Id: us-east-1_Bad2\n    PoolName: bad\n    Clients:\n      - ClientName: web\n        ClientId: badclient1\n"
     "        ExplicitAuthFlows: [ALLOW_NOTHING]\n", ":5: pools[0].Clients[0]: CreateUserPoolClient: InvalidParameterException: 1 validation error"),
    ("pools:\n  - Id: us-east-1_Bad3\n    PoolName: bad\n    Users:\n      - Username: u\n        Pasword: x\n",
     ":5: pools[0].Users[0]: Pasword is not a user field"),
    ("pools: [\n  {Id: x,\n", "is not valid YAML or JSON"),
    # A misspelt key stops the start with its line, wherever it is.
    ("pools:\n  - Id: us-east-1_Bad4\n    PoolName: bad\n    Userz:\n      - Username: u\n",
     ":4: pools[0]: Userz is not a key here"),
    ("pools:\n  - Id: us-east-1_Bad5\n    PoolName: bad\n    Groups:\n      - GroupName: g\n        Precedance: 1\n",
     ":6: pools[0].Groups[0]: Precedance is not a key here (CreateGroup has no such member)"),
    ("pools:\n  - Id: us-east-1_Bad6\n    PoolName: bad\n    MfaConfig: {MfaConfiguraton: OFF}\n",
     ":4: pools[0].MfaConfig: MfaConfiguraton is not a key here"),
])
def test_a_bad_seed_names_the_file_line_and_entry(tmp_path, text, expected):
    seed = tmp_path / "bad.yaml"
    seed.write_text(text)
    done = subprocess.run([BINARY, "--in-memory", "--port", "0", "--seed", str(seed)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 1, done.stderr
    assert str(seed) + expected.split(":", 2)[0] in done.stderr or expected in done.stderr, done.stderr
    assert expected.lstrip(":0123456789") in done.stderr, done.stderr
    assert "crashed" not in done.stderr


def test_export_and_round_trip(seeded, tmp_path):
    server, _ = seeded
    done = subprocess.run([BINARY, *server.db_args, "--export-seed", "us-east-1_Seeded1"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    exported = done.stdout
    assert exported.startswith("# The pool us-east-1_Seeded1 as a seed file") and "\npools:" in exported
    assert "ClientSecret: a_fixed_secret_for_tests_0123456789" in exported
    assert "# Passwords are not exported" in exported  # what re-applying it gives users is said in the file
    assert "SoftwareTokenSecret: JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" in exported
    assert not re.search(r"^\s*Password:", exported, re.M)  # Cognate keeps only verifiers
    # The export seeds a fresh server with the same pool, which exports the same file again.
    again = tmp_path / "again"
    again.mkdir()
    bob = re.search(r"^(\s*)- Username: bob$", exported, re.M)
    indent = bob.group(1) + "  "
    (again / "seed.yaml").write_text(exported[:bob.end()] + f"\n{indent}Password: Temp0rary1234\n{indent}Permanent: false" + exported[bob.end():])
    copy = Server(str(again / "copy.sqlite"), extra_args=["--seed", str(again / "seed.yaml")]).start()
    try:
        cognito = copy.client()
        assert cognito.describe_user_pool_client(UserPoolId="us-east-1_Seeded1", ClientId="seededwebclient1")["UserPoolClient"]["ClientName"] == "web"
        assert {u["Username"] for u in cognito.list_users(UserPoolId="us-east-1_Seeded1")["Users"]} == {"alice", "bob", "carol", "tina"}
    finally:
        copy.stop()
    second = subprocess.run([BINARY, *copy.db_args, "--export-seed", "us-east-1_Seeded1"], capture_output=True, text=True, timeout=30)
    assert second.returncode == 0, second.stderr
    strip = lambda text: [line for line in text.splitlines() if "ClientSecret" not in line or "backend" in line]
    assert strip(second.stdout) == strip(exported)
    missing = subprocess.run([BINARY, *server.db_args, "--export-seed", "us-east-1_Nothing"], capture_output=True, text=True, timeout=30)
    assert missing.returncode == 1 and "cannot export us-east-1_Nothing" in missing.stderr


def test_an_export_can_give_every_user_a_temporary_password(seeded, tmp_path):
    server, _ = seeded
    done = subprocess.run([BINARY, *server.db_args, "--export-seed", "us-east-1_Seeded1", "--export-password", "Temp0rary-Passw0rd!"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert "# Every user has the temporary password" in done.stdout
    assert len(re.findall(r"^\s*Password: Temp0rary-Passw0rd!$", done.stdout, re.M)) == 4
    (tmp_path / "seed.yaml").write_text(done.stdout)
    copy = Server(str(tmp_path / "copy.sqlite"), extra_args=["--seed", str(tmp_path / "seed.yaml")]).start()
    try:
        cognito = copy.client()
        assert cognito.admin_get_user(UserPoolId="us-east-1_Seeded1", Username="alice")["UserStatus"] == "FORCE_CHANGE_PASSWORD"
        started = cognito.initiate_auth(ClientId="seededwebclient1", AuthFlow="USER_PASSWORD_AUTH",
                                        AuthParameters={"USERNAME": "alice", "PASSWORD": "Temp0rary-Passw0rd!"})
        assert started["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    finally:
        copy.stop()
    alone = subprocess.run([BINARY, "--export-password", "x"], capture_output=True, text=True, timeout=30)
    assert alone.returncode == 64 and "--export-password goes with --export-seed" in alone.stderr
