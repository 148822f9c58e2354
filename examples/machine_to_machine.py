"""A machine-to-machine client: a resource server with a custom scope, a confidential app client, and an
access token for it from /oauth2/token (client_credentials) and from GetClientToken, as with Cognito.

    python examples/machine_to_machine.py

Runs against the Cognate at $COGNATE_URL (default http://127.0.0.1:9229) and checks both tokens against the
pool's JWKS. Needs: pip install boto3 requests PyJWT[crypto]."""
import os

import boto3
import jwt
import requests

COGNATE = os.environ.get("COGNATE_URL", "http://127.0.0.1:9229")


def main():
    cognito = boto3.client("cognito-idp", endpoint_url=COGNATE, region_name="us-east-1",
                           aws_access_key_id="local", aws_secret_access_key="local")
    pool = cognito.create_user_pool(PoolName="m2m-demo")["UserPool"]["Id"]
    cognito.create_resource_server(UserPoolId=pool, Identifier="orders", Name="Orders",
                                   Scopes=[{"ScopeName": "read", "ScopeDescription": "Read orders"}])
    worker = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="worker", GenerateSecret=True, AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthScopes=["orders/read"])["UserPoolClient"]
    issuer = f"{COGNATE}/{pool}"
    discovery = requests.get(issuer + "/.well-known/openid-configuration", timeout=10).json()
    answer = requests.post(discovery["token_endpoint"], data={"grant_type": "client_credentials", "scope": "orders/read"},
                           auth=(worker["ClientId"], worker["ClientSecret"]), timeout=10).json()
    jwks = jwt.PyJWKClient(discovery["jwks_uri"])

    def check(token):
        return jwt.decode(token, jwks.get_signing_key_from_jwt(token).key, algorithms=["RS256"], issuer=issuer)
    claims = check(answer["access_token"])
    print("token endpoint:", claims["client_id"], claims["scope"], "expires in", answer["expires_in"])
    # The same through the API, for a client whose only flow is ALLOW_CLIENT_TOKEN_AUTH.
    api = cognito.create_user_pool_client(UserPoolId=pool, ClientName="api-worker", GenerateSecret=True,
                                          ExplicitAuthFlows=["ALLOW_CLIENT_TOKEN_AUTH"], AllowedOAuthScopes=["orders/read"])["UserPoolClient"]
    result = cognito.get_client_token(ClientId=api["ClientId"], Secret=api["ClientSecret"])["ClientAuthenticationResult"]
    print("GetClientToken:", check(result["AccessToken"])["scope"], result["TokenType"])


if __name__ == "__main__":
    main()
