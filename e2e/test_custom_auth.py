"""CUSTOM_AUTH with DefineAuthChallenge, CreateAuthChallenge and VerifyAuthChallengeResponse deployed to
ministack's Lambda: a passwordless sign-in with a code the function makes and "sends", retries with a new
Session each round, failing after three wrong answers, CUSTOM_WITH_SRP (SRP_A, AWS's PASSWORD_VERIFIER
computed by pycognito, then a custom challenge), MFA after the password, and the client and pool checks."""
import uuid

import pytest
from pycognito.aws_srp import AWSSRP

from conftest import outbox
from lambdas import Functions, functions, lambda_endpoint, triggered  # noqa: F401 (fixtures)

PASSWORD = "Str0ng-Passw0rd!"

# One function for the three triggers, as AWS's passwordless sample has them: a code per round ("sent" by
# writing it to CODES), up to three tries; a flow begun with SRP_A verifies the password first; a verified
# second factor ends the flow.
CHALLENGES = '''
import json, os, secrets
def handler(event, context):
    with open(os.environ["EVENTS"], "a") as f:
        f.write(json.dumps(event) + "\\n")
    source = event["triggerSource"]
    request, response = event["request"], event["response"]
    session = request.get("session") or []
    if source == "DefineAuthChallenge_Authentication":
        last = session[-1] if session else None
        if len([r for r in session if r["challengeName"] == "CUSTOM_CHALLENGE" and not r["challengeResult"]]) >= 3:
            response.update(issueTokens=False, failAuthentication=True)
        elif last and last["challengeName"] in ("CUSTOM_CHALLENGE", "SMS_MFA") and last["challengeResult"]:
            response.update(issueTokens=True, failAuthentication=False)
        elif last and last["challengeName"] == "SRP_A":
            response.update(challengeName="PASSWORD_VERIFIER", issueTokens=False, failAuthentication=False)
        elif last and last["challengeName"] == "PASSWORD_VERIFIER" and os.environ.get("AFTER_PASSWORD") == "tokens":
            response.update(issueTokens=True, failAuthentication=False)
        else:
            response.update(challengeName="CUSTOM_CHALLENGE", issueTokens=False, failAuthentication=False)
    elif source == "CreateAuthChallenge_Authentication":
        code = "%06d" % secrets.randbelow(10 ** 6)
        with open(os.environ["CODES"], "a") as f:
            f.write(code + "\\n")
        response["publicChallengeParameters"] = {"email": request["userAttributes"].get("email", ""), "round": str(len(session))}
        response["privateChallengeParameters"] = {"answer": code}
        response["challengeMetadata"] = "CODE-%d" % len(session)
    elif source == "VerifyAuthChallengeResponse_Authentication":
        response["answerCorrect"] = request["challengeAnswer"] == request["privateChallengeParameters"]["answer"]
    return event
'''


def deploy(functions, tmp_path, **environment):
    codes = str(tmp_path / ("codes-" + uuid.uuid4().hex[:6]))
    arn, events = functions.deploy(source=CHALLENGES, CODES=codes, **environment)
    return arn, events, codes


def last_code(path):
    with open(path) as f:
        return f.read().split()[-1]


def custom_pool(cognito, arn, flows=("ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"), more_triggers=None, **pool_args):
    pool = cognito.create_user_pool(
        PoolName="custom-" + uuid.uuid4().hex[:6],
        LambdaConfig={"DefineAuthChallenge": arn, "CreateAuthChallenge": arn, "VerifyAuthChallengeResponse": arn,
                      "PostAuthentication": arn, **(more_triggers or {})}, **pool_args)["UserPool"]["Id"]
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app", ExplicitAuthFlows=list(flows))["UserPoolClient"]["ClientId"]
    return pool, client


def make_user(cognito, pool, name, **attributes):
    attributes.setdefault("email", name + "@example.com")
    cognito.admin_create_user(UserPoolId=pool, Username=name, MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()])
    cognito.admin_set_user_password(UserPoolId=pool, Username=name, Password=PASSWORD, Permanent=True)


def answer(cognito, client, name, session, value, **extra):
    return cognito.respond_to_auth_challenge(ClientId=client, ChallengeName="CUSTOM_CHALLENGE", Session=session,
                                             ChallengeResponses={"USERNAME": name, "ANSWER": value}, **extra)


def test_passwordless_sign_in_with_a_code_and_a_retry(triggered, functions, tmp_path):
    cognito = triggered.client()
    arn, events, codes = deploy(functions, tmp_path)
    pool, client = custom_pool(cognito, arn)
    make_user(cognito, pool, "nina")
    first = cognito.initiate_auth(ClientId=client, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "nina"},
                                  ClientMetadata={"from": "initiate"})
    assert first["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert first["ChallengeParameters"] == {"email": "nina@example.com", "round": "0", "USERNAME": "nina"}
    # A wrong answer is one round; the function asks again, with a new Session.
    second = answer(cognito, client, "nina", first["Session"], "000000" if last_code(codes) != "000000" else "111111",
                    ClientMetadata={"from": "respond"})
    assert second["ChallengeName"] == "CUSTOM_CHALLENGE" and second["Session"] != first["Session"]
    assert second["ChallengeParameters"]["round"] == "1"
    # The used Session is gone.
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        answer(cognito, client, "nina", first["Session"], last_code(codes))
    done = answer(cognito, client, "nina", second["Session"], last_code(codes), ClientMetadata={"from": "respond"})
    tokens = done["AuthenticationResult"]
    assert tokens["AccessToken"] and tokens["IdToken"] and tokens["RefreshToken"]
    assert cognito.get_user(AccessToken=tokens["AccessToken"])["Username"] == "nina"

    seen = Functions.events(events)
    assert [e["triggerSource"] for e in seen] == [
        "DefineAuthChallenge_Authentication", "CreateAuthChallenge_Authentication",
        "VerifyAuthChallengeResponse_Authentication", "DefineAuthChallenge_Authentication", "CreateAuthChallenge_Authentication",
        "VerifyAuthChallengeResponse_Authentication", "DefineAuthChallenge_Authentication", "PostAuthentication_Authentication"]
    define0, create0, verify0, define1, create1, _, define2, post = seen
    # AWS's events: an empty session to begin with, one result per round carrying Create's metadata.
    assert define0["request"]["session"] == [] and create0["request"]["session"] == []
    assert define0["request"]["userAttributes"]["email"] == "nina@example.com"
    assert "clientMetadata" not in define0["request"]  # InitiateAuth's ClientMetadata does not reach them
    assert define0["response"] == {"challengeName": None, "issueTokens": None, "failAuthentication": None}
    assert create0["request"]["challengeName"] == "CUSTOM_CHALLENGE"
    assert create0["response"] == {"publicChallengeParameters": None, "privateChallengeParameters": None, "challengeMetadata": None}
    assert verify0["request"]["privateChallengeParameters"]["answer"] != verify0["request"]["challengeAnswer"]
    assert verify0["request"]["clientMetadata"] == {"from": "respond"} and verify0["response"] == {"answerCorrect": None}
    assert define1["request"]["session"] == [{"challengeName": "CUSTOM_CHALLENGE", "challengeResult": False, "challengeMetadata": "CODE-0"}]
    assert create1["request"]["session"] == define1["request"]["session"]
    assert define2["request"]["session"][-1] == {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": True, "challengeMetadata": "CODE-1"}
    assert define2["request"]["clientMetadata"] == {"from": "respond"}
    assert post["request"]["clientMetadata"] == {"from": "respond"}  # RespondToAuthChallenge's reaches PostAuthentication


def test_three_wrong_answers_fail_the_sign_in(triggered, functions, tmp_path):
    cognito = triggered.client()
    arn, _, codes = deploy(functions, tmp_path)
    pool, client = custom_pool(cognito, arn)
    make_user(cognito, pool, "omar")
    session = cognito.admin_initiate_auth(UserPoolId=pool, ClientId=client, AuthFlow="CUSTOM_AUTH",
                                          AuthParameters={"USERNAME": "omar"})["Session"]
    for _ in range(2):
        session = answer(cognito, client, "omar", session, "wrong")["Session"]
    with pytest.raises(cognito.exceptions.NotAuthorizedException) as refused:
        answer(cognito, client, "omar", session, "wrong")
    assert refused.value.response["Error"]["Message"] == "Incorrect username or password."


def test_custom_auth_with_srp_first(triggered, functions, tmp_path):
    cognito = triggered.client()
    arn, events, codes = deploy(functions, tmp_path)
    pool, client = custom_pool(cognito, arn)
    make_user(cognito, pool, "pia")
    srp = AWSSRP(username="pia", password=PASSWORD, pool_id=pool, client_id=client, client=cognito)
    params = srp.get_auth_params()
    params["CHALLENGE_NAME"] = "SRP_A"
    started = cognito.initiate_auth(ClientId=client, AuthFlow="CUSTOM_AUTH", AuthParameters=params)
    # The built-in password step, with the parameters of USER_SRP_AUTH (Amplify's CUSTOM_WITH_SRP reads them).
    assert started["ChallengeName"] == "PASSWORD_VERIFIER"
    assert {"USER_ID_FOR_SRP", "SALT", "SRP_B", "SECRET_BLOCK"} <= set(started["ChallengeParameters"])
    claim = srp.process_challenge(started["ChallengeParameters"], params)
    # Within custom auth the step has a Session, as every other step of the flow.
    custom = cognito.respond_to_auth_challenge(ClientId=client, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=claim,
                                               Session=started["Session"])
    assert custom["ChallengeName"] == "CUSTOM_CHALLENGE"
    done = answer(cognito, client, "pia", custom["Session"], last_code(codes))
    assert done["AuthenticationResult"]["AccessToken"]
    defines = [e for e in Functions.events(events) if e["triggerSource"] == "DefineAuthChallenge_Authentication"]
    assert [[r["challengeName"] for r in d["request"]["session"]] for d in defines] == [
        ["SRP_A"], ["SRP_A", "PASSWORD_VERIFIER"], ["SRP_A", "PASSWORD_VERIFIER", "CUSTOM_CHALLENGE"]]
    assert defines[1]["request"]["session"][1] == {"challengeName": "PASSWORD_VERIFIER", "challengeResult": True, "challengeMetadata": None}
    # A wrong password inside custom auth is refused as in USER_SRP_AUTH.
    wrong = AWSSRP(username="pia", password="Wr0ng-Passw0rd!", pool_id=pool, client_id=client, client=cognito)
    params = wrong.get_auth_params()
    params["CHALLENGE_NAME"] = "SRP_A"
    started = cognito.initiate_auth(ClientId=client, AuthFlow="CUSTOM_AUTH", AuthParameters=params)
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.respond_to_auth_challenge(ClientId=client, ChallengeName="PASSWORD_VERIFIER", Session=started["Session"],
                                          ChallengeResponses=wrong.process_challenge(started["ChallengeParameters"], params))


def test_mfa_after_the_password_of_a_custom_sign_in(triggered, functions, tmp_path):
    cognito = triggered.client()
    arn, events, _ = deploy(functions, tmp_path)
    pool, client = custom_pool(cognito, arn, more_triggers={"CustomMessage": arn}, MfaConfiguration="ON", SmsAuthenticationMessage="Code {####}", AutoVerifiedAttributes=["phone_number"],
                               SmsConfiguration={"SnsCallerArn": "arn:aws:iam::000000000000:role/sns"})
    make_user(cognito, pool, "quin", phone_number="+15555550123")
    srp = AWSSRP(username="quin", password=PASSWORD, pool_id=pool, client_id=client, client=cognito)
    params = dict(srp.get_auth_params(), CHALLENGE_NAME="SRP_A")
    started = cognito.initiate_auth(ClientId=client, AuthFlow="CUSTOM_AUTH", AuthParameters=params)
    mfa = cognito.respond_to_auth_challenge(ClientId=client, ChallengeName="PASSWORD_VERIFIER", Session=started["Session"],
                                            ChallengeResponses=srp.process_challenge(started["ChallengeParameters"], params),
                                            ClientMetadata={"step": "password"})
    assert mfa["ChallengeName"] == "SMS_MFA"
    # The code's CustomMessage gets the ClientMetadata of the call that asked for it.
    message = [e for e in Functions.events(events) if e["triggerSource"] == "CustomMessage_Authentication"][-1]
    assert message["request"]["clientMetadata"] == {"step": "password"}
    code = outbox(triggered, poolId=pool)[-1]["code"]
    done = cognito.respond_to_auth_challenge(ClientId=client, ChallengeName="SMS_MFA", Session=mfa["Session"],
                                             ChallengeResponses={"USERNAME": "quin", "SMS_MFA_CODE": code})
    assert done["AuthenticationResult"]["IdToken"]
    last_define = [e for e in Functions.events(events) if e["triggerSource"] == "DefineAuthChallenge_Authentication"][-1]
    assert [r["challengeName"] for r in last_define["request"]["session"]] == ["SRP_A", "PASSWORD_VERIFIER", "SMS_MFA"]


def test_clients_and_pools_that_do_not_allow_custom_auth(triggered, functions, tmp_path):
    cognito = triggered.client()
    arn, _, _ = deploy(functions, tmp_path)
    pool, client = custom_pool(cognito, arn, flows=("ALLOW_USER_PASSWORD_AUTH",))
    make_user(cognito, pool, "rui")
    with pytest.raises(cognito.exceptions.InvalidParameterException) as refused:
        cognito.initiate_auth(ClientId=client, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "rui"})
    assert refused.value.response["Error"]["Message"] == "CUSTOM_AUTH flow not enabled for this client"
    bare = cognito.create_user_pool(PoolName="bare-" + uuid.uuid4().hex[:6])["UserPool"]["Id"]
    bare_client = cognito.create_user_pool_client(UserPoolId=bare, ClientName="app")["UserPoolClient"]["ClientId"]
    make_user(cognito, bare, "rui")
    with pytest.raises(cognito.exceptions.InvalidParameterException) as refused:
        cognito.initiate_auth(ClientId=bare_client, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "rui"})
    assert refused.value.response["Error"]["Message"] == "Custom auth lambda trigger is not configured for the user pool."


def test_a_define_answer_that_names_no_step(triggered, functions, tmp_path):
    cognito = triggered.client()
    arn, _ = functions.deploy({"DefineAuthChallenge_Authentication": {"response": {"challengeName": "NO_SUCH_STEP"}}})
    pool, client = custom_pool(cognito, arn)
    make_user(cognito, pool, "sol")
    with pytest.raises(cognito.exceptions.InvalidLambdaResponseException) as refused:
        cognito.initiate_auth(ClientId=client, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "sol"})
    assert refused.value.response["Error"]["Message"] == "Unrecognizable lambda output"
    arn, _ = functions.deploy({"CreateAuthChallenge_Authentication": {"raise": "no mailer"},
                               "DefineAuthChallenge_Authentication": {"response": {"challengeName": "CUSTOM_CHALLENGE"}}})
    cognito.update_user_pool(UserPoolId=pool, LambdaConfig={"DefineAuthChallenge": arn, "CreateAuthChallenge": arn,
                                                            "VerifyAuthChallengeResponse": arn})
    with pytest.raises(cognito.exceptions.UserLambdaValidationException) as refused:
        cognito.initiate_auth(ClientId=client, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "sol"})
    assert refused.value.response["Error"]["Message"] == "CreateAuthChallenge failed with error no mailer."
