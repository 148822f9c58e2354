"""Lambda triggers through the real Lambda Invoke API: ministack's Lambda service runs the Python handlers
these tests deploy with boto3, and Cognate (started with --lambda-endpoint) invokes them as Cognito would.
A small fake Invoke server stands in for what a real endpoint cannot easily produce: slow answers,
malformed bodies, refusals. Covered so far: PreSignUp (SignUp, AdminCreateUser), PostConfirmation
(ConfirmSignUp, AdminConfirmSignUp, ConfirmForgotPassword, and SignUp when PreSignUp auto-confirms),
PreAuthentication and PostAuthentication (password and SRP sign-ins, the managed login page), and
CustomMessage (SignUp, ForgotPassword, AdminCreateUser)."""
import json
import os
import time
import uuid

import pytest
import requests

from conftest import REGION, Server, outbox

PASSWORD = "Str0ng-Passw0rd!"
from lambdas import FakeLambda, Functions, functions, lambda_endpoint, triggered  # noqa: F401 (fixtures)


def pool_with(cognito, **lambda_config):
    pool = cognito.create_user_pool(PoolName="triggers-" + uuid.uuid4().hex[:6], AutoVerifiedAttributes=["email"],
                                    LambdaConfig=lambda_config)["UserPool"]["Id"]
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app",
                                             ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    return pool, client


def test_pre_sign_up_auto_confirms_and_verifies(triggered, functions):
    cognito = triggered.client()
    arn, events = functions.deploy({"PreSignUp_SignUp": {"response": {"autoConfirmUser": True, "autoVerifyEmail": True}}})
    pool, client = pool_with(cognito, PreSignUp=arn, PostConfirmation=arn)
    answer = cognito.sign_up(ClientId=client, Username="alice", Password=PASSWORD,
                             UserAttributes=[{"Name": "email", "Value": "alice@example.com"}],
                             ValidationData=[{"Name": "invite", "Value": "X1"}], ClientMetadata={"source": "test"})
    assert answer["UserConfirmed"] is True and "CodeDeliveryDetails" not in answer
    user = cognito.admin_get_user(UserPoolId=pool, Username="alice")
    assert user["UserStatus"] == "CONFIRMED"
    assert {"Name": "email_verified", "Value": "true"} in user["UserAttributes"]
    assert outbox(triggered, poolId=pool) == []
    pre, post = Functions.events(events)
    # AWS's event: the envelope, the request with validationData and clientMetadata, the response pre-filled.
    assert pre["version"] == "1" and pre["triggerSource"] == "PreSignUp_SignUp" and pre["region"] == REGION
    assert pre["userPoolId"] == pool and pre["userName"] == "alice"
    assert pre["callerContext"] == {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client}
    assert pre["request"] == {"userAttributes": {"email": "alice@example.com"}, "validationData": {"invite": "X1"},
                              "clientMetadata": {"source": "test"}}
    assert pre["response"] == {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False}
    # Confirmed by PreSignUp: PostConfirmation runs as after ConfirmSignUp, with the stored attributes.
    assert post["triggerSource"] == "PostConfirmation_ConfirmSignUp"
    attributes = post["request"]["userAttributes"]
    sub = next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")
    assert attributes == {"sub": sub, "email": "alice@example.com", "email_verified": "true", "cognito:user_status": "CONFIRMED"}
    assert post["request"]["clientMetadata"] == {"source": "test"}
    # The user signs in at once.
    assert cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                                 AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD})["AuthenticationResult"]["AccessToken"]


def test_pre_sign_up_refuses_and_nothing_is_created(triggered, functions):
    cognito = triggered.client()
    arn, _ = functions.deploy({"PreSignUp_SignUp": {"raise": "Registration from this domain is not allowed."}})
    pool, client = pool_with(cognito, PreSignUp=arn)
    with pytest.raises(cognito.exceptions.UserLambdaValidationException) as refused:
        cognito.sign_up(ClientId=client, Username="mallory", Password=PASSWORD, UserAttributes=[{"Name": "email", "Value": "m@evil.example"}])
    # AWS appends its own full stop, even after the function's.
    assert refused.value.response["Error"]["Message"] == "PreSignUp failed with error Registration from this domain is not allowed.."
    with pytest.raises(cognito.exceptions.UserNotFoundException):
        cognito.admin_get_user(UserPoolId=pool, Username="mallory")


def test_pre_sign_up_on_admin_create_user(triggered, functions):
    cognito = triggered.client()
    arn, events = functions.deploy({"PreSignUp_AdminCreateUser": {"response": {"autoConfirmUser": True}}})
    pool, _ = pool_with(cognito, PreSignUp=arn)
    cognito.admin_create_user(UserPoolId=pool, Username="bob", MessageAction="SUPPRESS", ClientMetadata={"by": "admin"},
                              UserAttributes=[{"Name": "email", "Value": "bob@example.com"}])
    (event,) = Functions.events(events)
    assert event["triggerSource"] == "PreSignUp_AdminCreateUser"
    assert event["callerContext"]["clientId"] == "CLIENT_ID_NOT_APPLICABLE"
    assert event["request"]["clientMetadata"] == {"by": "admin"}
    # AWS ignores PreSignUp's confirmation for AdminCreateUser.
    assert cognito.admin_get_user(UserPoolId=pool, Username="bob")["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    refusing, _ = functions.deploy({"PreSignUp_AdminCreateUser": {"raise": "no admins today"}})
    pool2, _ = pool_with(cognito, PreSignUp=refusing)
    with pytest.raises(cognito.exceptions.UserLambdaValidationException) as refused:
        cognito.admin_create_user(UserPoolId=pool2, Username="carol", MessageAction="SUPPRESS")
    assert refused.value.response["Error"]["Message"] == "PreSignUp failed with error no admins today."


def test_post_confirmation_after_each_confirmation(triggered, functions):
    cognito = triggered.client()
    arn, events = functions.deploy()
    pool, client = pool_with(cognito, PostConfirmation=arn)
    cognito.sign_up(ClientId=client, Username="dave", Password=PASSWORD, UserAttributes=[{"Name": "email", "Value": "dave@example.com"}])
    assert Functions.events(events) == []  # not confirmed yet
    code = outbox(triggered, poolId=pool, recipient="dave@example.com")[-1]["code"]
    cognito.confirm_sign_up(ClientId=client, Username="dave", ConfirmationCode=code, ClientMetadata={"step": "confirm"})
    (confirmed,) = Functions.events(events)
    assert confirmed["triggerSource"] == "PostConfirmation_ConfirmSignUp" and confirmed["callerContext"]["clientId"] == client
    assert confirmed["request"]["userAttributes"]["email_verified"] == "true"
    assert confirmed["request"]["clientMetadata"] == {"step": "confirm"}
    assert confirmed["response"] == {}
    # AdminConfirmSignUp: no client.
    cognito.sign_up(ClientId=client, Username="erin", Password=PASSWORD, UserAttributes=[{"Name": "email", "Value": "erin@example.com"}])
    cognito.admin_confirm_sign_up(UserPoolId=pool, Username="erin")
    admin = Functions.events(events)[-1]
    assert admin["triggerSource"] == "PostConfirmation_ConfirmSignUp" and admin["callerContext"]["clientId"] == "CLIENT_ID_NOT_APPLICABLE"
    # ConfirmForgotPassword.
    cognito.forgot_password(ClientId=client, Username="dave")
    reset = outbox(triggered, poolId=pool, recipient="dave@example.com")[-1]["code"]
    cognito.confirm_forgot_password(ClientId=client, Username="dave", ConfirmationCode=reset, Password="An0ther-Passw0rd!")
    assert Functions.events(events)[-1]["triggerSource"] == "PostConfirmation_ConfirmForgotPassword"


def test_a_failing_post_confirmation_is_the_callers_error_and_the_confirmation_stands(triggered, functions):
    cognito = triggered.client()
    arn, _ = functions.deploy({"PostConfirmation_ConfirmSignUp": {"raise": "welcome mail failed"}})
    pool, client = pool_with(cognito, PostConfirmation=arn)
    cognito.sign_up(ClientId=client, Username="frank", Password=PASSWORD, UserAttributes=[{"Name": "email", "Value": "frank@example.com"}])
    code = outbox(triggered, poolId=pool, recipient="frank@example.com")[-1]["code"]
    with pytest.raises(cognito.exceptions.UserLambdaValidationException) as failed:
        cognito.confirm_sign_up(ClientId=client, Username="frank", ConfirmationCode=code)
    assert failed.value.response["Error"]["Message"] == "PostConfirmation failed with error welcome mail failed."
    assert cognito.admin_get_user(UserPoolId=pool, Username="frank")["UserStatus"] == "CONFIRMED"


def test_answers_that_are_not_the_event(triggered, functions):
    cognito = triggered.client()
    for answer in ("ok", {"response": {"autoConfirmUser": "yes"}}, [1, 2], {"response": 7}):
        arn, _ = functions.deploy({"PreSignUp_SignUp": {"answer": answer}})
        pool, client = pool_with(cognito, PreSignUp=arn)
        with pytest.raises(cognito.exceptions.InvalidLambdaResponseException) as bad:
            cognito.sign_up(ClientId=client, Username="gina", Password=PASSWORD)
        assert bad.value.response["Error"]["Message"] == "Unrecognizable lambda output"
        with pytest.raises(cognito.exceptions.UserNotFoundException):
            cognito.admin_get_user(UserPoolId=pool, Username="gina")


def test_a_function_lambda_does_not_know(triggered):
    cognito = triggered.client()
    pool, client = pool_with(cognito, PreSignUp="arn:aws:lambda:us-east-1:000000000000:function:never-deployed")
    with pytest.raises(cognito.exceptions.UnexpectedLambdaException) as failed:
        cognito.sign_up(ClientId=client, Username="hal", Password=PASSWORD)
    assert failed.value.response["Error"]["Message"] == "PreSignUp invocation failed due to error ResourceNotFoundException."


@pytest.fixture(scope="module")
def fake_lambda():
    fake = FakeLambda()
    yield fake
    fake.close()


SIGNING_KEY, SIGNING_SECRET = "AKIDLAMBDACALLER", "lambda/caller+secret"


@pytest.fixture(scope="module")
def faked(tmp_path_factory, fake_lambda):
    saved = {name: os.environ.get(name) for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")}
    os.environ.update(AWS_ACCESS_KEY_ID=SIGNING_KEY, AWS_SECRET_ACCESS_KEY=SIGNING_SECRET)
    os.environ.pop("AWS_SESSION_TOKEN", None)
    try:
        server = Server(str(tmp_path_factory.mktemp("fake-lambda") / "fake.sqlite"),
                        extra_args=["--lambda-endpoint", fake_lambda.url, "--lambda-timeout", "1", "--lambda-attempts", "2"]).start()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    yield server
    server.stop()


ARN = "arn:aws:lambda:eu-west-1:123456789012:function:pre-sign-up:live"


def test_invocations_are_signed_lambda_requests(faked, fake_lambda):
    cognito = faked.client()
    pool, client = pool_with(cognito, PreSignUp=ARN)
    fake_lambda.requests.clear()
    fake_lambda.reply = lambda path, headers, body: (200, {}, body)
    cognito.sign_up(ClientId=client, Username="ivan", Password=PASSWORD)
    (path, headers, body), = fake_lambda.requests
    assert path == "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A123456789012%3Afunction%3Apre-sign-up%3Alive/invocations"
    assert headers["x-amz-invocation-type"] == "RequestResponse"
    assert headers["authorization"].startswith(f"AWS4-HMAC-SHA256 Credential={SIGNING_KEY}/")
    assert "/eu-west-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=" in headers["authorization"]
    assert json.loads(body)["triggerSource"] == "PreSignUp_SignUp"
    # The signature is the one botocore computes for the same request (canonical URI encoded twice).
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    request = AWSRequest(method="POST", url=fake_lambda.url + path, data=body,
                         headers={"Host": headers["host"], "X-Amz-Date": headers["x-amz-date"]})
    request.context["timestamp"] = headers["x-amz-date"]
    auth = SigV4Auth(Credentials(SIGNING_KEY, SIGNING_SECRET), "lambda", "eu-west-1")
    expected = auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request)
    assert headers["authorization"].endswith("Signature=" + expected)


def test_slow_refused_and_broken_endpoints(faked, fake_lambda):
    cognito = faked.client()
    pool, client = pool_with(cognito, PreSignUp=ARN)

    def slow(path, headers, body):
        time.sleep(1.5)
        return 200, {}, body
    fake_lambda.requests.clear()
    fake_lambda.reply = slow
    started = time.time()
    with pytest.raises(cognito.exceptions.UnexpectedLambdaException) as timed_out:
        cognito.sign_up(ClientId=client, Username="judy", Password=PASSWORD)
    assert timed_out.value.response["Error"]["Message"] == "PreSignUp invocation failed due to error Socket timeout while invoking Lambda function."
    assert len(fake_lambda.requests) == 2 and time.time() - started < 6  # two attempts of a second each
    # Lambda's own refusal, with its error code.
    fake_lambda.reply = lambda path, headers, body: (429, {"x-amzn-ErrorType": "TooManyRequestsException"}, b'{"message":"Rate exceeded"}')
    with pytest.raises(cognito.exceptions.UnexpectedLambdaException) as throttled:
        cognito.sign_up(ClientId=client, Username="judy", Password=PASSWORD)
    assert throttled.value.response["Error"]["Message"] == "PreSignUp invocation failed due to error TooManyRequestsException."
    fake_lambda.reply = lambda path, headers, body: (403, {"x-amzn-ErrorType": "AccessDeniedException:http://internal.amazon.com/"}, b"{}")
    with pytest.raises(cognito.exceptions.UnexpectedLambdaException) as denied:
        cognito.sign_up(ClientId=client, Username="judy", Password=PASSWORD)
    assert denied.value.response["Error"]["Message"] == "PreSignUp invocation failed due to error AccessDeniedException."
    # A function error, as Lambda reports one.
    fake_lambda.reply = lambda path, headers, body: (200, {"X-Amz-Function-Error": "Unhandled"},
                                                     b'{"errorMessage":"boom","errorType":"ValueError","stackTrace":[]}')
    with pytest.raises(cognito.exceptions.UserLambdaValidationException) as raised:
        cognito.sign_up(ClientId=client, Username="judy", Password=PASSWORD)
    assert raised.value.response["Error"]["Message"] == "PreSignUp failed with error boom."
    # Not JSON, deeply nested, or cut off: never a crash.
    for answer in (b"\xff\xfe not json", b"[" * 100_000, b'{"response": {"autoConfirmUser": tr'):
        fake_lambda.reply = lambda path, headers, body, answer=answer: (200, {}, answer)
        with pytest.raises(cognito.exceptions.InvalidLambdaResponseException):
            cognito.sign_up(ClientId=client, Username="judy", Password=PASSWORD)
    # A connection closed without an answer.
    def hang_up(path, headers, body):
        raise ConnectionError
    fake_lambda.reply = hang_up
    with pytest.raises(cognito.exceptions.UnexpectedLambdaException):
        cognito.sign_up(ClientId=client, Username="judy", Password=PASSWORD)
    with pytest.raises(cognito.exceptions.UserNotFoundException):
        cognito.admin_get_user(UserPoolId=pool, Username="judy")
    assert requests.get(faked.url + "/_cognate/health", timeout=5).ok


def test_pre_and_post_authentication_on_password_and_srp_sign_ins(triggered, functions):
    from pycognito.aws_srp import AWSSRP
    cognito = triggered.client()
    arn, events = functions.deploy()
    pool, client = pool_with(cognito, PreAuthentication=arn, PostAuthentication=arn)
    cognito.update_user_pool_client(UserPoolId=pool, ClientId=client, PreventUserExistenceErrors="ENABLED",
                                    ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    cognito.admin_create_user(UserPoolId=pool, Username="kate", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": "kate@example.com"}])
    cognito.admin_set_user_password(UserPoolId=pool, Username="kate", Password=PASSWORD, Permanent=True)
    tokens = cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH", ClientMetadata={"app": "web"},
                                   AuthParameters={"USERNAME": "kate", "PASSWORD": PASSWORD})["AuthenticationResult"]
    assert tokens["AccessToken"]
    pre, post = Functions.events(events)
    assert pre["triggerSource"] == "PreAuthentication_Authentication" and pre["callerContext"]["clientId"] == client
    # InitiateAuth's ClientMetadata reaches PreAuthentication as validationData; a client that hides
    # which users exist is told whether the user was found.
    assert pre["request"]["validationData"] == {"app": "web"} and pre["request"]["userNotFound"] is False
    assert pre["request"]["userAttributes"]["email"] == "kate@example.com"
    assert pre["request"]["userAttributes"]["cognito:user_status"] == "CONFIRMED"
    assert post["triggerSource"] == "PostAuthentication_Authentication" and post["request"]["newDeviceUsed"] is False
    assert "clientMetadata" not in post["request"]  # InitiateAuth does not pass it to PostAuthentication
    # SRP: PreAuthentication at InitiateAuth, PostAuthentication once the password claim is verified.
    srp = AWSSRP(username="kate", password=PASSWORD, pool_id=pool, client_id=client, client=cognito)
    assert srp.authenticate_user()["AuthenticationResult"]["IdToken"]
    assert [e["triggerSource"] for e in Functions.events(events)[2:]] == ["PreAuthentication_Authentication", "PostAuthentication_Authentication"]
    # A name nobody has: userNotFound, then the usual refusal.
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "nobody", "PASSWORD": PASSWORD})
    assert Functions.events(events)[-1]["request"]["userNotFound"] is True


def test_failing_authentication_triggers_refuse_the_sign_in(triggered, functions):
    cognito = triggered.client()
    refusing, _ = functions.deploy({"PreAuthentication_Authentication": {"raise": "Sign-in is closed for maintenance."}})
    failing, _ = functions.deploy({"PostAuthentication_Authentication": {"raise": "audit log unavailable"}})
    for config, message in (({"PreAuthentication": refusing}, "PreAuthentication failed with error Sign-in is closed for maintenance.."),
                            ({"PostAuthentication": failing}, "PostAuthentication failed with error audit log unavailable.")):
        pool, client = pool_with(cognito, **config)
        cognito.admin_create_user(UserPoolId=pool, Username="leo", MessageAction="SUPPRESS")
        cognito.admin_set_user_password(UserPoolId=pool, Username="leo", Password=PASSWORD, Permanent=True)
        with pytest.raises(cognito.exceptions.UserLambdaValidationException) as refused:
            cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "leo", "PASSWORD": PASSWORD})
        assert refused.value.response["Error"]["Message"] == message


def test_pre_authentication_on_the_managed_login_page(triggered, functions):
    import re
    import urllib.parse
    cognito = triggered.client()
    refusing, events = functions.deploy({"PreAuthentication_Authentication": {"raise": "Not from this network."}})
    pool, _ = pool_with(cognito, PreAuthentication=refusing)
    web = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="web", AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid"], AllowedOAuthFlowsUserPoolClient=True,
        CallbackURLs=["http://localhost/callback"], SupportedIdentityProviders=["COGNITO"])["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="mia", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool, Username="mia", Password=PASSWORD, Permanent=True)
    query = urllib.parse.urlencode({"response_type": "code", "client_id": web, "redirect_uri": "http://localhost/callback", "scope": "openid"})
    session = requests.Session()
    page = session.get(triggered.url + "/login?" + query, timeout=10)
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
    answer = session.post(triggered.url + "/login?" + query, data={"_csrf": csrf, "username": "mia", "password": PASSWORD},
                          allow_redirects=False, timeout=10)
    assert answer.status_code == 200 and "PreAuthentication failed with error Not from this network.." in answer.text
    assert Functions.events(events)[0]["callerContext"]["clientId"] == web


def test_custom_message_replaces_the_templates(triggered, functions):
    cognito = triggered.client()
    arn, events = functions.deploy({
        "CustomMessage_SignUp": {"response": {"emailSubject": "Welcome aboard", "emailMessage": "<b>Your code: {####}</b>"}},
        "CustomMessage_ForgotPassword": {"response": {"emailMessage": "Reset with {####}."}},
        "CustomMessage_AdminCreateUser": {"response": {"emailMessage": "Hello {username}, your password is {####}", "emailSubject": "Invited"}},
    })
    pool, client = pool_with(cognito, CustomMessage=arn)
    cognito.sign_up(ClientId=client, Username="nina", Password=PASSWORD, ClientMetadata={"lang": "en"},
                    UserAttributes=[{"Name": "email", "Value": "nina@example.com"}])
    (sent,) = outbox(triggered, poolId=pool, recipient="nina@example.com")
    assert sent["subject"] == "Welcome aboard" and sent["body"] == f"<b>Your code: {sent['code']}</b>"
    (event,) = Functions.events(events)
    assert event["triggerSource"] == "CustomMessage_SignUp" and event["callerContext"]["clientId"] == client
    assert event["request"]["codeParameter"] == "{####}" and event["request"]["usernameParameter"] is None
    assert event["request"]["clientMetadata"] == {"lang": "en"}
    assert event["response"] == {"smsMessage": None, "emailMessage": None, "emailSubject": None}
    # A field the function leaves null keeps the pool's template (here the subject).
    cognito.admin_confirm_sign_up(UserPoolId=pool, Username="nina")
    cognito.admin_update_user_attributes(UserPoolId=pool, Username="nina", UserAttributes=[{"Name": "email_verified", "Value": "true"}])
    cognito.forgot_password(ClientId=client, Username="nina")
    reset = outbox(triggered, poolId=pool, recipient="nina@example.com")[-1]
    assert reset["body"] == f"Reset with {reset['code']}." and reset["subject"] == "Your verification code"
    assert Functions.events(events)[-1]["triggerSource"] == "CustomMessage_ForgotPassword"
    # The invitation: both placeholders filled, with the username parameter in the event.
    cognito.admin_create_user(UserPoolId=pool, Username="oscar", DesiredDeliveryMediums=["EMAIL"],
                              UserAttributes=[{"Name": "email", "Value": "oscar@example.com"}])
    (invited,) = outbox(triggered, poolId=pool, recipient="oscar@example.com")
    assert invited["subject"] == "Invited" and invited["body"] == f"Hello oscar, your password is {invited['code']}"
    invitation = Functions.events(events)[-1]
    assert invitation["triggerSource"] == "CustomMessage_AdminCreateUser" and invitation["request"]["usernameParameter"] == "{username}"
    assert invitation["callerContext"]["clientId"] == "CLIENT_ID_NOT_APPLICABLE"


def test_custom_messages_aws_refuses(triggered, functions):
    cognito = triggered.client()
    no_code, _ = functions.deploy({"CustomMessage_SignUp": {"response": {"emailMessage": "Welcome!"}}})
    no_username, _ = functions.deploy({"CustomMessage_AdminCreateUser": {"response": {"emailMessage": "Your password is {####}"}}})
    raising, _ = functions.deploy({"CustomMessage_SignUp": {"raise": "Pending for approval."}})
    pool, client = pool_with(cognito, CustomMessage=no_code)
    with pytest.raises(cognito.exceptions.InvalidLambdaResponseException):
        cognito.sign_up(ClientId=client, Username="pat", Password=PASSWORD, UserAttributes=[{"Name": "email", "Value": "pat@example.com"}])
    pool, _ = pool_with(cognito, CustomMessage=no_username)
    with pytest.raises(cognito.exceptions.InvalidLambdaResponseException):
        cognito.admin_create_user(UserPoolId=pool, Username="quinn", DesiredDeliveryMediums=["EMAIL"],
                                  UserAttributes=[{"Name": "email", "Value": "quinn@example.com"}])
    pool, client = pool_with(cognito, CustomMessage=raising)
    with pytest.raises(cognito.exceptions.UserLambdaValidationException) as refused:
        cognito.sign_up(ClientId=client, Username="rita", Password=PASSWORD, UserAttributes=[{"Name": "email", "Value": "rita@example.com"}])
    assert refused.value.response["Error"]["Message"] == "CustomMessage failed with error Pending for approval.."
    assert outbox(triggered, poolId=pool) == []


def test_pre_sign_up_verified_alias_moves_to_the_new_user(triggered, functions):
    cognito = triggered.client()
    arn, _ = functions.deploy({"PreSignUp_SignUp": {"response": {"autoConfirmUser": True, "autoVerifyEmail": True}}})
    pool = cognito.create_user_pool(PoolName="alias-" + uuid.uuid4().hex[:6], AliasAttributes=["email"],
                                    LambdaConfig={"PreSignUp": arn})["UserPool"]["Id"]
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app",
                                             ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="first", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": "same@example.com"}, {"Name": "email_verified", "Value": "true"}])
    cognito.sign_up(ClientId=client, Username="second", Password=PASSWORD, UserAttributes=[{"Name": "email", "Value": "same@example.com"}])
    first = {a["Name"]: a["Value"] for a in cognito.admin_get_user(UserPoolId=pool, Username="first")["UserAttributes"]}
    assert first["email_verified"] == "false"
    signed = cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": "same@example.com", "PASSWORD": PASSWORD})["AuthenticationResult"]
    assert cognito.get_user(AccessToken=signed["AccessToken"])["Username"] == "second"
    # Verifying an address the user does not have is an error, and nobody is created.
    arn, _ = functions.deploy({"PreSignUp_SignUp": {"response": {"autoVerifyPhone": True}}})
    cognito.update_user_pool(UserPoolId=pool, LambdaConfig={"PreSignUp": arn})
    with pytest.raises(cognito.exceptions.InvalidParameterException):
        cognito.sign_up(ClientId=client, Username="third", Password=PASSWORD, UserAttributes=[{"Name": "email", "Value": "t@example.com"}])
    with pytest.raises(cognito.exceptions.UserNotFoundException):
        cognito.admin_get_user(UserPoolId=pool, Username="third")
