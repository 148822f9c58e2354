"""PreTokenGeneration V1_0, V2_0 and V3_0 deployed to ministack's Lambda: claims added, overridden and
suppressed, groups overridden, V2's access-token claims and scopes (checked by PyJWT against the pool's JWKS),
V3's client-credentials tokens, every trigger source Cognate issues tokens on, and the claims AWS keeps out
of the function's reach."""
import re
import urllib.parse
import uuid

import jwt
import pytest
import requests

from conftest import outbox
from lambdas import Functions, functions, lambda_endpoint, triggered  # noqa: F401 (fixtures)

PASSWORD = "Str0ng-Passw0rd!"


def verified(server, pool, token):
    issuer = f"{server.url}/{pool}"
    key = jwt.PyJWKClient(issuer + "/.well-known/jwks.json").get_signing_key_from_jwt(token)
    return jwt.decode(token, key.key, algorithms=["RS256"], issuer=issuer, options={"verify_aud": False})


def token_pool(cognito, version, arn, flows=("ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")):
    config = {"PreTokenGeneration": arn} if version == "V1_0" else {"PreTokenGenerationConfig": {"LambdaVersion": version, "LambdaArn": arn}}
    pool = cognito.create_user_pool(PoolName="tokens-" + uuid.uuid4().hex[:6], LambdaConfig=config,
                                    UserPoolTier="ESSENTIALS")["UserPool"]["Id"]
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app", ExplicitAuthFlows=list(flows))["UserPoolClient"]["ClientId"]
    return pool, client


def member(cognito, pool, name, group="staff", **attributes):
    attributes.setdefault("email", name + "@example.com")
    cognito.admin_create_user(UserPoolId=pool, Username=name, MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()])
    cognito.admin_set_user_password(UserPoolId=pool, Username=name, Password=PASSWORD, Permanent=True)
    try:
        cognito.create_group(UserPoolId=pool, GroupName=group, RoleArn="arn:aws:iam::000000000000:role/" + group, Precedence=1)
    except cognito.exceptions.GroupExistsException:
        pass
    cognito.admin_add_user_to_group(UserPoolId=pool, Username=name, GroupName=group)


def sign_in(cognito, client, name):
    return cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                                 AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD})["AuthenticationResult"]


def test_v1_edits_the_id_token_and_the_groups(triggered, functions):
    cognito = triggered.client()
    edits = {"claimsOverrideDetails": {"claimsToAddOrOverride": {"tier": "gold", "email": "hidden@example.com"},
                                       "claimsToSuppress": ["email", "family_name"],
                                       "groupOverrideDetails": {"groupsToOverride": ["vip"], "iamRolesToOverride": ["arn:aws:iam::1:role/vip"],
                                                                "preferredRole": "arn:aws:iam::1:role/vip"}}}
    arn, events = functions.deploy({"TokenGeneration_Authentication": {"response": edits}})
    pool, client = token_pool(cognito, "V1_0", arn)
    member(cognito, pool, "ada", family_name="Lovelace")
    tokens = sign_in(cognito, client, "ada")
    id_claims = verified(triggered, pool, tokens["IdToken"])
    access = verified(triggered, pool, tokens["AccessToken"])
    assert id_claims["tier"] == "gold" and "email" not in id_claims and "family_name" not in id_claims  # suppression wins
    assert id_claims["cognito:groups"] == ["vip"] and access["cognito:groups"] == ["vip"]
    assert id_claims["cognito:roles"] == ["arn:aws:iam::1:role/vip"] and id_claims["cognito:preferred_role"] == "arn:aws:iam::1:role/vip"
    assert "tier" not in access  # V1_0 does not touch the access token
    (event,) = Functions.events(events)
    assert event["version"] == "1" and event["triggerSource"] == "TokenGeneration_Authentication"
    assert event["userName"] == "ada" and event["callerContext"]["clientId"] == client
    assert event["request"]["groupConfiguration"] == {"groupsToOverride": ["staff"], "iamRolesToOverride": ["arn:aws:iam::000000000000:role/staff"],
                                                      "preferredRole": "arn:aws:iam::000000000000:role/staff"}
    assert event["request"]["userAttributes"]["email"] == "ada@example.com" and "scopes" not in event["request"]
    assert "clientMetadata" not in event["request"]  # InitiateAuth does not pass it
    assert event["response"] == {"claimsOverrideDetails": None}
    # Without the function's edits, the token carries the user's own groups and roles.
    assert verified(triggered, pool, cognito.initiate_auth(
        ClientId=client, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
        ["AuthenticationResult"]["IdToken"])["cognito:roles"] == ["arn:aws:iam::000000000000:role/staff"]
    assert Functions.events(events)[-1]["triggerSource"] == "TokenGeneration_RefreshTokens"


def test_v2_customizes_access_tokens_and_scopes(triggered, functions):
    cognito = triggered.client()
    edits = {"claimsAndScopeOverrideDetails": {
        "idTokenGeneration": {"claimsToAddOrOverride": {"favorite_number": 2}},
        "accessTokenGeneration": {"claimsToAddOrOverride": {"tenant": {"id": 7, "tags": ["a", "b"]}, "ratio": 0.5, "mixed": [1, "x"]},
                                  "claimsToSuppress": ["username"],
                                  "scopesToAdd": ["orders/read", "orders/write"], "scopesToSuppress": ["aws.cognito.signin.user.admin"]},
        "groupOverrideDetails": {"groupsToOverride": []}}}
    arn, events = functions.deploy({"TokenGeneration_Authentication": {"response": edits},
                                    "TokenGeneration_RefreshTokens": {"response": edits}})
    pool, client = token_pool(cognito, "V2_0", arn)
    member(cognito, pool, "bo")
    tokens = sign_in(cognito, client, "bo")
    access = verified(triggered, pool, tokens["AccessToken"])
    assert access["scope"] == "orders/read orders/write"
    assert access["tenant"] == {"id": 7, "tags": ["a", "b"]} and access["ratio"] == 0.5 and access["mixed"] == [1, "x"]
    assert "username" not in access and "cognito:groups" not in access  # an empty override removes the groups
    id_claims = verified(triggered, pool, tokens["IdToken"])
    assert id_claims["favorite_number"] == 2 and "cognito:groups" not in id_claims
    (event,) = Functions.events(events)
    assert event["version"] == "2" and event["request"]["scopes"] == ["aws.cognito.signin.user.admin"]
    assert event["response"] == {"claimsAndScopeOverrideDetails": None}
    # GetTokensFromRefreshToken: the refresh source, with its ClientMetadata.
    refreshed = cognito.get_tokens_from_refresh_token(RefreshToken=tokens["RefreshToken"], ClientId=client,
                                                      ClientMetadata={"reason": "refresh"})["AuthenticationResult"]
    assert verified(triggered, pool, refreshed["AccessToken"])["scope"] == "orders/read orders/write"
    last = Functions.events(events)[-1]
    assert last["triggerSource"] == "TokenGeneration_RefreshTokens" and last["request"]["clientMetadata"] == {"reason": "refresh"}
    # The self-service API still takes the token only with aws.cognito.signin.user.admin, which was suppressed.
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.get_user(AccessToken=tokens["AccessToken"])


def test_new_password_and_respond_sources(triggered, functions):
    cognito = triggered.client()
    arn, events = functions.deploy()
    pool, client = token_pool(cognito, "V2_0", arn)
    cognito.admin_create_user(UserPoolId=pool, Username="cy", TemporaryPassword="Temp-Passw0rd!", MessageAction="SUPPRESS")
    challenge = cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                                      AuthParameters={"USERNAME": "cy", "PASSWORD": "Temp-Passw0rd!"})
    cognito.respond_to_auth_challenge(ClientId=client, ChallengeName="NEW_PASSWORD_REQUIRED", Session=challenge["Session"],
                                      ChallengeResponses={"USERNAME": "cy", "NEW_PASSWORD": PASSWORD}, ClientMetadata={"step": "new"})
    (event,) = Functions.events(events)
    assert event["triggerSource"] == "TokenGeneration_NewPasswordChallenge" and event["request"]["clientMetadata"] == {"step": "new"}


def test_claims_aws_keeps_from_the_function_are_refused(triggered, functions):
    cognito = triggered.client()
    for version, response in [
        ("V1_0", {"claimsOverrideDetails": {"claimsToAddOrOverride": {"sub": "someone-else"}}}),
        ("V1_0", {"claimsOverrideDetails": {"claimsToSuppress": ["exp"]}}),
        ("V1_0", {"claimsOverrideDetails": {"claimsToAddOrOverride": {"list": ["a"]}}}),  # V1_0 takes no lists
        ("V2_0", {"claimsAndScopeOverrideDetails": {"accessTokenGeneration": {"claimsToAddOrOverride": {"token_use": "id"}}}}),
        ("V2_0", {"claimsAndScopeOverrideDetails": {"accessTokenGeneration": {"scopesToAdd": ["two words"]}}}),
        ("V2_0", {"claimsAndScopeOverrideDetails": "everything"}),
    ]:
        arn, _ = functions.deploy({"TokenGeneration_Authentication": {"response": response}})
        pool, client = token_pool(cognito, version, arn)
        member(cognito, pool, "di")
        with pytest.raises(cognito.exceptions.InvalidLambdaResponseException) as refused:
            sign_in(cognito, client, "di")
        assert refused.value.response["Error"]["Message"] == "Unrecognizable lambda output"
    arn, _ = functions.deploy({"TokenGeneration_Authentication": {"raise": "error_invalidCredentials"}})
    pool, client = token_pool(cognito, "V2_0", arn)
    member(cognito, pool, "di")
    with pytest.raises(cognito.exceptions.UserLambdaValidationException) as refused:
        sign_in(cognito, client, "di")
    assert refused.value.response["Error"]["Message"] == "PreTokenGeneration failed with error error_invalidCredentials."


def machine_client(cognito, pool):
    cognito.create_resource_server(UserPoolId=pool, Identifier="orders", Name="Orders", Scopes=[{"ScopeName": "read", "ScopeDescription": "r"}])
    return cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="machine", GenerateSecret=True, AllowedOAuthFlows=["client_credentials"], AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthScopes=["orders/read"])["UserPoolClient"]


def test_v3_customizes_client_credentials_tokens_and_v2_does_not(triggered, functions):
    cognito = triggered.client()
    edits = {"claimsAndScopeOverrideDetails": {"accessTokenGeneration": {"claimsToAddOrOverride": {"partner": "acme"},
                                                                         "scopesToAdd": ["orders/audit"]}}}
    arn, events = functions.deploy({"TokenGeneration_ClientCredentials": {"response": edits}})
    pool, _ = token_pool(cognito, "V3_0", arn)
    machine = machine_client(cognito, pool)
    token = requests.post(triggered.url + "/oauth2/token", data={"grant_type": "client_credentials"},
                          auth=(machine["ClientId"], machine["ClientSecret"]), timeout=10).json()["access_token"]
    claims = verified(triggered, pool, token)
    assert claims["partner"] == "acme" and claims["scope"] == "orders/read orders/audit" and claims["sub"] == machine["ClientId"]
    (event,) = Functions.events(events)
    assert event["version"] == "3" and event["triggerSource"] == "TokenGeneration_ClientCredentials"
    assert event["request"]["scopes"] == ["orders/read"] and event["request"]["userAttributes"] == {}
    assert event["callerContext"]["clientId"] == machine["ClientId"]
    # V2_0 applies to users' tokens only.
    arn, events = functions.deploy({"TokenGeneration_ClientCredentials": {"response": edits}})
    pool, _ = token_pool(cognito, "V2_0", arn)
    machine = machine_client(cognito, pool)
    token = requests.post(triggered.url + "/oauth2/token", data={"grant_type": "client_credentials"},
                          auth=(machine["ClientId"], machine["ClientSecret"]), timeout=10).json()["access_token"]
    assert "partner" not in verified(triggered, pool, token) and Functions.events(events) == []


def test_hosted_auth_source_and_a_refusal_at_the_token_endpoint(triggered, functions):
    cognito = triggered.client()
    arn, events = functions.deploy({"TokenGeneration_HostedAuth": {"response": {"claimsOverrideDetails": {"claimsToAddOrOverride": {"via": "page"}}}}})
    pool, _ = token_pool(cognito, "V1_0", arn)
    web = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="web", AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid"], AllowedOAuthFlowsUserPoolClient=True,
        CallbackURLs=["http://localhost/callback"], SupportedIdentityProviders=["COGNITO"])["UserPoolClient"]["ClientId"]
    member(cognito, pool, "eve")

    def code_flow():
        query = urllib.parse.urlencode({"response_type": "code", "client_id": web, "redirect_uri": "http://localhost/callback", "scope": "openid"})
        session = requests.Session()
        page = session.get(triggered.url + "/login?" + query, timeout=10)
        csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
        answer = session.post(triggered.url + "/login?" + query, data={"_csrf": csrf, "username": "eve", "password": PASSWORD},
                              allow_redirects=False, timeout=10)
        code = urllib.parse.parse_qs(urllib.parse.urlparse(answer.headers["Location"]).query)["code"][0]
        return requests.post(triggered.url + "/oauth2/token", data={"grant_type": "authorization_code", "client_id": web, "code": code,
                                                                     "redirect_uri": "http://localhost/callback"}, timeout=10)
    answer = code_flow()
    assert answer.status_code == 200, answer.text
    assert verified(triggered, pool, answer.json()["id_token"])["via"] == "page"
    assert [e["triggerSource"] for e in Functions.events(events)] == ["TokenGeneration_HostedAuth"]
    # A failing function refuses the exchange with a 400 that says why, never a 500.
    failing, _ = functions.deploy({"TokenGeneration_HostedAuth": {"raise": "no tokens today"}})
    cognito.update_user_pool(UserPoolId=pool, LambdaConfig={"PreTokenGeneration": failing})
    answer = code_flow()
    assert answer.status_code == 400
    assert answer.json() == {"error": "invalid_request", "error_description": "PreTokenGeneration failed with error no tokens today."}
    assert outbox(triggered, poolId=pool) == []
