"""Threat protection (issue 32): the feature plan that gates it, risk configurations, log delivery
configurations and users' auth events, as boto3 and the AWS CLI see them."""
import base64
import hashlib
import hmac
import html
import json
import os
import re
import urllib.parse

import jwt
import pytest
import requests
from pycognito.aws_srp import AWSSRP
from selenium.webdriver.support.ui import WebDriverWait

from test_cli import aws, cli  # noqa: F401 (fixture)
from conftest import outbox, refused
from test_managed_login_browser import app_site, browser, web  # noqa: F401 (fixtures)

PLUS_ON = {"UserPoolTier": "PLUS", "UserPoolAddOns": {"AdvancedSecurityMode": "AUDIT"}}
SES = "arn:aws:ses:us-east-1:123456789012:identity/security@example.com"


def test_threat_protection_needs_the_plus_plan(cognito, pools):
    for tier in ("LITE", "ESSENTIALS", None):
        extra = {"UserPoolTier": tier} if tier else {}
        code, message = refused(cognito.create_user_pool, PoolName="p", UserPoolAddOns={"AdvancedSecurityMode": "ENFORCED"}, **extra)
        assert code == "FeatureUnavailableInTierException"
        assert message == f"The following features need to be disabled for the {tier or 'ESSENTIALS'} pricing tier configured: Threat Protection"
    pool = pools(UserPoolTier="PLUS", UserPoolAddOns={"AdvancedSecurityMode": "ENFORCED"})
    described = cognito.describe_user_pool(UserPoolId=pool)["UserPool"]
    assert described["UserPoolAddOns"] == {"AdvancedSecurityMode": "ENFORCED"} and described["UserPoolTier"] == "PLUS"
    # Moving down a plan with it still on is refused; with it off, allowed.
    code, _ = refused(cognito.update_user_pool, UserPoolId=pool, UserPoolTier="ESSENTIALS",
                      UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"})
    assert code == "FeatureUnavailableInTierException"
    code, _ = refused(cognito.update_user_pool, UserPoolId=pool, UserPoolTier="ESSENTIALS",
                      UserPoolAddOns={"AdvancedSecurityMode": "OFF", "AdvancedSecurityAdditionalFlows": {"CustomAuthMode": "AUDIT"}})
    assert code == "FeatureUnavailableInTierException"
    cognito.update_user_pool(UserPoolId=pool, UserPoolTier="ESSENTIALS", UserPoolAddOns={"AdvancedSecurityMode": "OFF"})
    # OFF is allowed on any plan.
    pools(UserPoolTier="LITE", UserPoolAddOns={"AdvancedSecurityMode": "OFF"})


def test_the_operations_need_threat_protection_on(cognito, pools):
    pool = pools(UserPoolTier="PLUS")
    cognito.admin_create_user(UserPoolId=pool, Username="alice")
    message = "This is an add on feature. Please update AdvancedSecurityMode for your user pool to access this API."
    for call, kwargs in [
        (cognito.describe_risk_configuration, {}),
        (cognito.set_risk_configuration, {}),
        (cognito.admin_list_user_auth_events, {"Username": "alice"}),
        (cognito.admin_update_auth_event_feedback, {"Username": "alice", "EventId": "e1", "FeedbackValue": "Valid"}),
        (cognito.update_auth_event_feedback, {"Username": "alice", "EventId": "e1", "FeedbackToken": "t", "FeedbackValue": "Valid"}),
    ]:
        assert refused(call, UserPoolId=pool, **kwargs) == ("UserPoolAddOnNotEnabledException", message)
    code, _ = refused(cognito.describe_risk_configuration, UserPoolId="us-east-1_Nothing1")
    assert code == "ResourceNotFoundException"


def test_risk_configuration_of_the_pool_and_a_client(cognito, pools):
    pool = pools(**PLUS_ON)
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app")["UserPoolClient"]["ClientId"]
    other = cognito.create_user_pool_client(UserPoolId=pool, ClientName="other")["UserPoolClient"]["ClientId"]
    # Nothing set: the pool's ID alone.
    assert cognito.describe_risk_configuration(UserPoolId=pool)["RiskConfiguration"] == {"UserPoolId": pool}
    pool_level = {
        "CompromisedCredentialsRiskConfiguration": {"EventFilter": ["SIGN_IN", "SIGN_UP"], "Actions": {"EventAction": "BLOCK"}},
        "AccountTakeoverRiskConfiguration": {
            "NotifyConfiguration": {"From": "Security <security@example.com>", "SourceArn": SES,
                                    "BlockEmail": {"Subject": "Blocked", "TextBody": "We blocked a sign-in from {ip-address}."}},
            "Actions": {"LowAction": {"Notify": False, "EventAction": "NO_ACTION"},
                        "MediumAction": {"Notify": True, "EventAction": "MFA_IF_CONFIGURED"},
                        "HighAction": {"Notify": True, "EventAction": "BLOCK"}},
        },
        "RiskExceptionConfiguration": {"BlockedIPRangeList": ["192.0.2.0/24", "2001:db8::/32"], "SkippedIPRangeList": ["198.51.100.7/32"]},
    }
    answer = cognito.set_risk_configuration(UserPoolId=pool, **pool_level)["RiskConfiguration"]
    # As AWS's captured answers: no LastModifiedDate.
    assert answer["UserPoolId"] == pool and "ClientId" not in answer and "LastModifiedDate" not in answer
    assert {k: answer[k] for k in pool_level} == pool_level
    described = cognito.describe_risk_configuration(UserPoolId=pool)["RiskConfiguration"]
    assert {k: described[k] for k in pool_level} == pool_level
    # A client without its own follows the pool's: the pool's configuration is what applies.
    assert cognito.describe_risk_configuration(UserPoolId=pool, ClientId=client)["RiskConfiguration"] == described
    client_level = {"RiskExceptionConfiguration": {"SkippedIPRangeList": ["10.0.0.0/8"]}}
    answer = cognito.set_risk_configuration(UserPoolId=pool, ClientId=client, **client_level)["RiskConfiguration"]
    assert answer["ClientId"] == client and answer["RiskExceptionConfiguration"] == client_level["RiskExceptionConfiguration"]
    # The client's replaces the pool's whole, for that client only.
    got = cognito.describe_risk_configuration(UserPoolId=pool, ClientId=client)["RiskConfiguration"]
    assert got["ClientId"] == client and "CompromisedCredentialsRiskConfiguration" not in got
    assert cognito.describe_risk_configuration(UserPoolId=pool, ClientId=other)["RiskConfiguration"] == described
    # The pool's and the client's ID alone: the client follows the pool again.
    assert cognito.set_risk_configuration(UserPoolId=pool, ClientId=client)["RiskConfiguration"] == {"UserPoolId": pool, "ClientId": client}
    assert cognito.describe_risk_configuration(UserPoolId=pool, ClientId=client)["RiskConfiguration"] == described
    # The pool's ID alone: back to the defaults.
    assert cognito.set_risk_configuration(UserPoolId=pool)["RiskConfiguration"] == {"UserPoolId": pool}
    assert cognito.describe_risk_configuration(UserPoolId=pool)["RiskConfiguration"] == {"UserPoolId": pool}
    # A deleted client's configuration goes with it.
    cognito.set_risk_configuration(UserPoolId=pool, ClientId=other, **client_level)
    cognito.delete_user_pool_client(UserPoolId=pool, ClientId=other)
    code, _ = refused(cognito.describe_risk_configuration, UserPoolId=pool, ClientId=other)
    assert code == "ResourceNotFoundException"


@pytest.mark.parametrize("change, needle", [
    ({"RiskExceptionConfiguration": {"BlockedIPRangeList": ["192.0.2.1"]}}, "CIDR"),
    ({"RiskExceptionConfiguration": {"BlockedIPRangeList": ["192.0.2.0/33"]}}, "CIDR"),
    ({"RiskExceptionConfiguration": {"SkippedIPRangeList": ["not-an-ip/8"]}}, "CIDR"),
    ({"RiskExceptionConfiguration": {"BlockedIPRangeList": [f"10.0.{i // 256}.{i % 256}/32" for i in range(201)]}}, "200"),
    ({"AccountTakeoverRiskConfiguration": {"NotifyConfiguration": {"SourceArn": "arn:aws:sns:us-east-1:123456789012:topic"},
                                           "Actions": {}}}, "SES"),
    ({"AccountTakeoverRiskConfiguration": {"NotifyConfiguration": {"SourceArn": SES, "From": "nobody"}, "Actions": {}}}, "From"),
    ({"AccountTakeoverRiskConfiguration": {"Actions": {"HighAction": {"Notify": True, "EventAction": "PANIC"}}}}, "eventAction"),
    ({"CompromisedCredentialsRiskConfiguration": {"EventFilter": ["SIGN_IN", "SIGN_IN"], "Actions": {"EventAction": "BLOCK"}}}, "EventFilter"),
])
def test_a_risk_configuration_aws_would_refuse(cognito, pools, change, needle):
    pool = pools(**PLUS_ON)
    code, message = refused(cognito.set_risk_configuration, UserPoolId=pool, **change)
    assert code == "InvalidParameterException" and needle in message
    assert cognito.describe_risk_configuration(UserPoolId=pool)["RiskConfiguration"] == {"UserPoolId": pool}


def cli_json(server, *args):
    out = aws(server, *args)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout or "{}")


def test_risk_configuration_with_the_aws_cli(server, cli, pools):
    pool = pools(**PLUS_ON)
    run = lambda *args: cli_json(server, *args)  # noqa: E731
    answer = run("set-risk-configuration", "--user-pool-id", pool,
                 "--compromised-credentials-risk-configuration", "EventFilter=SIGN_IN,Actions={EventAction=BLOCK}",
                 "--risk-exception-configuration", "BlockedIPRangeList=192.0.2.0/24")
    assert answer["RiskConfiguration"]["CompromisedCredentialsRiskConfiguration"]["Actions"] == {"EventAction": "BLOCK"}
    got = run("describe-risk-configuration", "--user-pool-id", pool)
    assert got["RiskConfiguration"]["RiskExceptionConfiguration"] == {"BlockedIPRangeList": ["192.0.2.0/24"]}


def test_log_delivery_configuration(cognito, pools):
    notifications = {"LogLevel": "ERROR", "EventSource": "userNotification",
                     "CloudWatchLogsConfiguration": {"LogGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:/cognito/notices"}}
    activity = {"LogLevel": "INFO", "EventSource": "userAuthEvents",
                "S3Configuration": {"BucketArn": "arn:aws:s3:::cognito-activity"}}
    essentials = pools()
    assert cognito.get_log_delivery_configuration(UserPoolId=essentials)["LogDeliveryConfiguration"] == {
        "UserPoolId": essentials, "LogConfigurations": []}
    # Notification errors to CloudWatch Logs: any plan.
    answer = cognito.set_log_delivery_configuration(UserPoolId=essentials, LogConfigurations=[notifications])
    assert answer["LogDeliveryConfiguration"] == {"UserPoolId": essentials, "LogConfigurations": [notifications]}
    assert cognito.get_log_delivery_configuration(UserPoolId=essentials)["LogDeliveryConfiguration"]["LogConfigurations"] == [notifications]
    # User activity and S3 or Firehose: Plus.
    code, _ = refused(cognito.set_log_delivery_configuration, UserPoolId=essentials, LogConfigurations=[notifications, activity])
    assert code == "FeatureUnavailableInTierException"
    plus = pools(**PLUS_ON)
    firehose = {"LogLevel": "INFO", "EventSource": "userAuthEvents",
                "FirehoseConfiguration": {"StreamArn": "arn:aws:firehose:us-east-1:123456789012:deliverystream/activity"}}
    for second in (activity, firehose):
        answer = cognito.set_log_delivery_configuration(UserPoolId=plus, LogConfigurations=[notifications, second])
        assert answer["LogDeliveryConfiguration"]["LogConfigurations"] == [notifications, second]
    # An empty list turns export off.
    cognito.set_log_delivery_configuration(UserPoolId=plus, LogConfigurations=[])
    assert cognito.get_log_delivery_configuration(UserPoolId=plus)["LogDeliveryConfiguration"]["LogConfigurations"] == []
    bad = [
        [dict(notifications, LogLevel="INFO")],
        [{"LogLevel": "ERROR", "EventSource": "userNotification", "S3Configuration": {"BucketArn": "arn:aws:s3:::b-ucket"}}],
        [dict(activity, LogLevel="ERROR")],
        [dict(activity, CloudWatchLogsConfiguration=notifications["CloudWatchLogsConfiguration"])],
        [notifications, notifications],
        [dict(notifications, CloudWatchLogsConfiguration={"LogGroupArn": "arn:aws:sqs:us-east-1:123456789012:queue"})],
        [dict(activity, S3Configuration={"BucketArn": "arn:aws:s3:::Not_A_Bucket"})],
        [{"LogLevel": "ERROR", "EventSource": "userNotification"}],
    ]
    for configurations in bad:
        code, _ = refused(cognito.set_log_delivery_configuration, UserPoolId=plus, LogConfigurations=configurations)
        assert code == "InvalidParameterException", configurations
    code, _ = refused(cognito.set_log_delivery_configuration, UserPoolId=plus, LogConfigurations=[notifications] * 3)
    assert code == "InvalidParameterException"
    assert cognito.get_log_delivery_configuration(UserPoolId=plus)["LogDeliveryConfiguration"]["LogConfigurations"] == []


# Sign-ins under threat protection ------------------------------------------------------------------------

PASSWORD = "Str0ng-Passw0rd!"


def risky_pool(cognito, pools, mode="ENFORCED", **kwargs):
    pool = pools(UserPoolTier="PLUS", UserPoolAddOns={"AdvancedSecurityMode": mode}, **kwargs)
    client = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH",
                                                               "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    return pool, client


def make_user(cognito, pool, name="alice", password=PASSWORD, **attributes):
    cognito.admin_create_user(UserPoolId=pool, Username=name, MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()])
    cognito.admin_set_user_password(UserPoolId=pool, Username=name, Password=password, Permanent=True)


def sign_in(cognito, client, name="alice", password=PASSWORD):
    return cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": name, "PASSWORD": password})


def set_risk(server, pool, level, name="alice"):
    answer = requests.post(server.url + "/_cognate/risk", json={"userPoolId": pool, "username": name, "riskLevel": level}, timeout=5)
    assert answer.status_code == 200, answer.text


def events(cognito, pool, name="alice", **kwargs):
    return cognito.admin_list_user_auth_events(UserPoolId=pool, Username=name, **kwargs)["AuthEvents"]


def test_sign_ins_are_recorded_newest_first_and_name_their_event_in_the_tokens(server, cognito, pools):
    pool, client = risky_pool(cognito, pools, mode="AUDIT")
    make_user(cognito, pool)
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        sign_in(cognito, client, password="Wr0ng-Passw0rd!")
    tokens = sign_in(cognito, client)["AuthenticationResult"]
    listed = events(cognito, pool)
    assert [(e["EventType"], e["EventResponse"]) for e in listed] == [("SignIn", "Pass"), ("SignIn", "Fail")]
    passed, failed = listed
    assert passed["ChallengeResponses"] == [{"ChallengeName": "Password", "ChallengeResponse": "Success"}]
    assert failed["ChallengeResponses"] == [{"ChallengeName": "Password", "ChallengeResponse": "Failure"}]
    assert passed["EventRisk"] == {"RiskDecision": "NoRisk", "CompromisedCredentialsDetected": False}
    assert passed["EventContextData"]["IpAddress"] == "127.0.0.1" and passed["EventContextData"]["DeviceName"]
    claims = jwt.decode(tokens["AccessToken"], options={"verify_signature": False})
    assert claims["event_id"] == passed["EventId"]
    assert jwt.decode(tokens["IdToken"], options={"verify_signature": False})["event_id"] == passed["EventId"]
    # SRP is evaluated too (pycognito drives it).
    AWSSRP(username="alice", password=PASSWORD, pool_id=pool, client_id=client, client=cognito).authenticate_user()
    assert len(events(cognito, pool)) == 3
    # Paging: one at a time, newest first, with AWS's token form.
    first = cognito.admin_list_user_auth_events(UserPoolId=pool, Username="alice", MaxResults=1)
    assert first["AuthEvents"][0]["EventId"] == events(cognito, pool)[0]["EventId"]
    assert first["NextToken"].startswith(first["AuthEvents"][0]["EventId"] + "#")
    rest = cognito.admin_list_user_auth_events(UserPoolId=pool, Username="alice", MaxResults=5, NextToken=first["NextToken"])
    assert [e["EventId"] for e in rest["AuthEvents"]] == [passed["EventId"], failed["EventId"]] and "NextToken" not in rest
    code, _ = refused(cognito.admin_list_user_auth_events, UserPoolId=pool, Username="alice", NextToken="nothing#2024")
    assert code == "InvalidParameterException"
    # A pool with threat protection off records nothing, and its users' events cannot be listed.
    plain = pools(UserPoolTier="PLUS")
    plain_client = cognito.create_user_pool_client(UserPoolId=plain, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])
    make_user(cognito, plain)
    sign_in(cognito, plain_client["UserPoolClient"]["ClientId"])
    code, _ = refused(cognito.admin_list_user_auth_events, UserPoolId=plain, Username="alice")
    assert code == "UserPoolAddOnNotEnabledException"
    # Turned on later, the pool shows no events from the time it was off.
    cognito.update_user_pool(UserPoolId=plain, UserPoolTier="PLUS", UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"})
    assert events(cognito, plain) == []


def test_audit_records_risk_and_changes_nothing(server, cognito, pools):
    pool, client = risky_pool(cognito, pools, mode="AUDIT")
    cognito.set_risk_configuration(UserPoolId=pool, AccountTakeoverRiskConfiguration={"Actions": {
        "HighAction": {"Notify": False, "EventAction": "BLOCK"}}},
        RiskExceptionConfiguration={"BlockedIPRangeList": ["127.0.0.0/8"]})
    make_user(cognito, pool)
    set_risk(server, pool, "High")
    assert "AuthenticationResult" in sign_in(cognito, client)
    assert events(cognito, pool)[0]["EventRisk"] == {"RiskDecision": "NoRisk", "RiskLevel": "High", "CompromisedCredentialsDetected": False}


@pytest.mark.parametrize("action, expect", [
    ("BLOCK", "blocked"), ("NO_ACTION", "tokens"), ("MFA_IF_CONFIGURED", "tokens"), ("MFA_REQUIRED", "blocked")])
def test_enforced_actions_for_a_user_without_a_second_factor(server, cognito, pools, action, expect):
    pool, client = risky_pool(cognito, pools)
    cognito.set_risk_configuration(UserPoolId=pool, AccountTakeoverRiskConfiguration={"Actions": {
        "MediumAction": {"Notify": False, "EventAction": action}}})
    make_user(cognito, pool)
    set_risk(server, pool, "Medium")
    if expect == "blocked":
        assert refused(sign_in, cognito=cognito, client=client) == (
            "NotAuthorizedException", "Unable to login because of security reasons.")
        assert events(cognito, pool)[0]["EventRisk"]["RiskDecision"] == "Block"
    else:
        assert "AuthenticationResult" in sign_in(cognito, client)
    # The risk was for one sign-in: the next one is judged by the model (same address and device: no risk).
    assert "AuthenticationResult" in sign_in(cognito, client)


def test_step_up_to_a_second_factor(server, cognito, pools):
    pool, client = risky_pool(cognito, pools, AutoVerifiedAttributes=["email"], EmailConfiguration={
        "EmailSendingAccount": "DEVELOPER", "SourceArn": SES, "From": "security@example.com"})
    cognito.set_user_pool_mfa_config(UserPoolId=pool, MfaConfiguration="OPTIONAL",
                                     EmailMfaConfiguration={"Message": "Code {####}", "Subject": "Code"})
    cognito.set_risk_configuration(UserPoolId=pool, AccountTakeoverRiskConfiguration={"Actions": {
        "HighAction": {"Notify": False, "EventAction": "MFA_REQUIRED"}}})
    make_user(cognito, pool, email="alice@example.com", email_verified="true")
    set_risk(server, pool, "High")
    challenge = sign_in(cognito, client)
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    event = events(cognito, pool)[0]
    assert (event["EventResponse"], event["EventRisk"]["RiskDecision"], event["EventRisk"]["RiskLevel"]) == (
        "InProgress", "AccountTakeover", "High")
    code = outbox(server, poolId=pool)[-1]["code"]
    done = cognito.respond_to_auth_challenge(ClientId=client, ChallengeName="EMAIL_OTP", Session=challenge["Session"],
                                             ChallengeResponses={"USERNAME": "alice", "EMAIL_OTP_CODE": code})
    assert "AuthenticationResult" in done
    event = events(cognito, pool)[0]
    assert event["EventResponse"] == "Pass"
    assert event["ChallengeResponses"] == [{"ChallengeName": "Password", "ChallengeResponse": "Success"},
                                           {"ChallengeName": "Mfa", "ChallengeResponse": "Success"}]
    claims = jwt.decode(done["AuthenticationResult"]["AccessToken"], options={"verify_signature": False})
    assert claims["event_id"] == event["EventId"]


def test_ip_lists_apply_in_enforced_mode(server, cognito, pools):
    pool, client = risky_pool(cognito, pools)
    make_user(cognito, pool)
    tokens = sign_in(cognito, client)["AuthenticationResult"]
    cognito.set_risk_configuration(UserPoolId=pool, RiskExceptionConfiguration={"BlockedIPRangeList": ["127.0.0.0/8", "::1/128"]})
    assert refused(sign_in, cognito=cognito, client=client) == ("NotAuthorizedException", "Request not allowed due to security reasons.")
    assert events(cognito, pool)[0]["EventRisk"]["RiskDecision"] == "Block"
    # A client that hides which users exist answers a name nobody has the same way there.
    hiding = cognito.create_user_pool_client(UserPoolId=pool, ClientName="hiding", PreventUserExistenceErrors="ENABLED",
                                             ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
    for name in ("alice", "nobody-" + pool[-6:]):
        assert refused(sign_in, cognito=cognito, client=hiding, name=name, password="Any-Passw0rd!") == (
            "NotAuthorizedException", "Request not allowed due to security reasons.")
    # Token refresh is not affected.
    refreshed = cognito.initiate_auth(ClientId=client, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
    assert "AccessToken" in refreshed["AuthenticationResult"]
    # An always-allow address skips adaptive authentication.
    cognito.set_risk_configuration(UserPoolId=pool, RiskExceptionConfiguration={"SkippedIPRangeList": ["127.0.0.1/32"]},
                                   AccountTakeoverRiskConfiguration={"Actions": {"HighAction": {"Notify": False, "EventAction": "BLOCK"}}})
    set_risk(server, pool, "High")
    assert "AuthenticationResult" in sign_in(cognito, client)
    assert "RiskLevel" not in events(cognito, pool)[0]["EventRisk"]


def test_a_compromised_password_is_blocked_and_the_user_must_reset(server, cognito, pools):
    pool, client = risky_pool(cognito, pools)
    cognito.update_user_pool(UserPoolId=pool, UserPoolTier="PLUS", UserPoolAddOns={"AdvancedSecurityMode": "ENFORCED"},
                             Policies={"PasswordPolicy": {"MinimumLength": 8, "RequireUppercase": False, "RequireLowercase": False,
                                                          "RequireNumbers": False, "RequireSymbols": False}})
    cognito.set_risk_configuration(UserPoolId=pool, CompromisedCredentialsRiskConfiguration={
        "EventFilter": ["SIGN_IN"], "Actions": {"EventAction": "BLOCK"}})
    make_user(cognito, pool, password="password1")
    # SRP never shows the password: it is not checked.
    AWSSRP(username="alice", password="password1", pool_id=pool, client_id=client, client=cognito).authenticate_user()
    code, _ = refused(sign_in, cognito=cognito, client=client, password="password1")
    assert code == "PasswordResetRequiredException"
    assert cognito.admin_get_user(UserPoolId=pool, Username="alice")["UserStatus"] == "RESET_REQUIRED"
    event = events(cognito, pool)[0]
    assert event["EventRisk"] == {"RiskDecision": "Block", "CompromisedCredentialsDetected": True}
    # A strong password is not in the list.
    make_user(cognito, pool, name="bob")
    assert "AuthenticationResult" in sign_in(cognito, client, name="bob")
    assert events(cognito, pool, name="bob")[0]["EventRisk"]["CompromisedCredentialsDetected"] is False


def test_feedback_marks_the_event_and_the_address(server, cognito, pools):
    pool, client = risky_pool(cognito, pools, mode="AUDIT")
    make_user(cognito, pool)
    sign_in(cognito, client)
    sign_in(cognito, client)
    latest = events(cognito, pool)[0]
    assert "RiskLevel" not in latest["EventRisk"]
    cognito.admin_update_auth_event_feedback(UserPoolId=pool, Username="alice", EventId=latest["EventId"], FeedbackValue="Invalid")
    marked = events(cognito, pool)[0]
    assert marked["EventFeedback"]["FeedbackValue"] == "Invalid" and marked["EventFeedback"]["Provider"] == "Admin"
    # The address an Invalid sign-in came from makes the next one High.
    sign_in(cognito, client)
    assert events(cognito, pool)[0]["EventRisk"]["RiskLevel"] == "High"
    code, message = refused(cognito.admin_update_auth_event_feedback, UserPoolId=pool, Username="alice", EventId="unknown-event",
                            FeedbackValue="Valid")
    assert (code, message) == ("ResourceNotFoundException", "Auth event not found.")
    # Without the email's token, the user's own operation is refused.
    code, _ = refused(cognito.update_auth_event_feedback, UserPoolId=pool, Username="alice", EventId=latest["EventId"],
                      FeedbackToken="made-up", FeedbackValue="Valid")
    assert code == "NotAuthorizedException"
    # The events go with the user.
    cognito.admin_delete_user(UserPoolId=pool, Username="alice")
    make_user(cognito, pool)
    assert events(cognito, pool) == []


def test_events_with_the_aws_cli(server, cli, cognito, pools):
    pool, client = risky_pool(cognito, pools, mode="AUDIT")
    make_user(cognito, pool)
    sign_in(cognito, client)
    listed = cli_json(server, "admin-list-user-auth-events", "--user-pool-id", pool, "--username", "alice", "--max-results", "1")
    event = listed["AuthEvents"][0]
    assert event["EventType"] == "SignIn" and event["EventResponse"] == "Pass"
    cli_json(server, "admin-update-auth-event-feedback", "--user-pool-id", pool, "--username", "alice", "--event-id", event["EventId"],
             "--feedback-value", "Valid")
    assert events(cognito, pool)[0]["EventFeedback"]["FeedbackValue"] == "Valid"


def test_the_risk_endpoint_refuses_what_it_cannot_set(server, cognito, pools):
    pool, _ = risky_pool(cognito, pools)
    make_user(cognito, pool)
    assert requests.post(server.url + "/_cognate/risk", json={"userPoolId": pool, "username": "alice", "riskLevel": "Extreme"},
                         timeout=5).status_code == 400
    assert requests.post(server.url + "/_cognate/risk", json={"userPoolId": pool, "username": "nobody", "riskLevel": "High"},
                         timeout=5).status_code == 404
    assert requests.post(server.url + "/_cognate/risk", data="{", timeout=5).status_code == 400


def test_sign_up_reset_change_and_resent_codes_are_events(server, cognito, pools):
    pool, client = risky_pool(cognito, pools, mode="AUDIT", AutoVerifiedAttributes=["email"])
    cognito.sign_up(ClientId=client, Username="carol", Password=PASSWORD, UserAttributes=[{"Name": "email", "Value": "carol@example.com"}])
    cognito.resend_confirmation_code(ClientId=client, Username="carol")
    code = outbox(server, recipient="carol@example.com")[-1]["code"]
    cognito.confirm_sign_up(ClientId=client, Username="carol", ConfirmationCode=code)
    cognito.forgot_password(ClientId=client, Username="carol")
    code = outbox(server, recipient="carol@example.com")[-1]["code"]
    with pytest.raises(cognito.exceptions.CodeMismatchException):
        cognito.confirm_forgot_password(ClientId=client, Username="carol", ConfirmationCode="000000" if code != "000000" else "111111",
                                        Password="An0ther-Passw0rd!")
    cognito.confirm_forgot_password(ClientId=client, Username="carol", ConfirmationCode=code, Password="An0ther-Passw0rd!")
    access = sign_in(cognito, client, name="carol", password="An0ther-Passw0rd!")["AuthenticationResult"]["AccessToken"]
    cognito.change_password(AccessToken=access, PreviousPassword="An0ther-Passw0rd!", ProposedPassword="Th1rd-Passw0rd!")
    listed = [(e["EventType"], e["EventResponse"]) for e in reversed(events(cognito, pool, name="carol"))]
    assert listed == [("SignUp", "InProgress"), ("ResendCode", "Pass"), ("ForgotPassword", "Pass"), ("ForgotPassword", "Fail"),
                      ("ForgotPassword", "Pass"), ("SignIn", "Pass"), ("PasswordChange", "Pass")]


def test_compromised_passwords_at_sign_up_and_in_changes(server, cognito, pools, tmp_path):
    pool, client = risky_pool(cognito, pools, AutoVerifiedAttributes=["email"])
    cognito.update_user_pool(UserPoolId=pool, UserPoolTier="PLUS", UserPoolAddOns={"AdvancedSecurityMode": "ENFORCED"},
                             AutoVerifiedAttributes=["email"],
                             Policies={"PasswordPolicy": {"MinimumLength": 8, "RequireUppercase": False, "RequireLowercase": False,
                                                          "RequireNumbers": False, "RequireSymbols": False}})
    cognito.set_risk_configuration(UserPoolId=pool, CompromisedCredentialsRiskConfiguration={
        "EventFilter": ["SIGN_UP", "PASSWORD_CHANGE"], "Actions": {"EventAction": "BLOCK"}})
    code, message = refused(cognito.sign_up, ClientId=client, Username="dave", Password="iloveyou")
    assert code == "InvalidPasswordException" and "compromised" in message
    code, _ = refused(cognito.admin_get_user, UserPoolId=pool, Username="dave")
    assert code == "UserNotFoundException"
    make_user(cognito, pool, name="erin", email="erin@example.com", email_verified="true")
    access = sign_in(cognito, client, name="erin")["AuthenticationResult"]["AccessToken"]
    code, _ = refused(cognito.change_password, AccessToken=access, PreviousPassword=PASSWORD, ProposedPassword="sunshine")
    assert code == "InvalidPasswordException"
    event = events(cognito, pool, name="erin")[0]
    assert (event["EventType"], event["EventResponse"], event["EventRisk"]["RiskDecision"],
            event["EventRisk"]["CompromisedCredentialsDetected"]) == ("PasswordChange", "Fail", "Block", True)
    cognito.forgot_password(ClientId=client, Username="erin")
    reset = outbox(server, recipient="erin@example.com")[-1]["code"]
    code, _ = refused(cognito.confirm_forgot_password, ClientId=client, Username="erin", ConfirmationCode=reset, Password="princess")
    assert code == "InvalidPasswordException"
    # Sign-in is not in the filter: a compromised password signs in (and is recorded as found).
    make_user(cognito, pool, name="fay", password="password1")
    assert "AuthenticationResult" in sign_in(cognito, client, name="fay", password="password1")
    assert events(cognito, pool, name="fay")[0]["EventRisk"]["CompromisedCredentialsDetected"] is True


def test_the_operators_list_of_compromised_passwords(tmp_path):
    from conftest import Server
    words = tmp_path / "leaked.txt"
    words.write_text("# leaked from example.com\nCorrect-Horse-9\n" + hashlib.sha1(b"Battery-Staple-7").hexdigest().upper() + ":42\n")
    s = Server(str(tmp_path / "db.sqlite"), extra_args=["--compromised-passwords", str(words)]).start()
    try:
        c = s.client()
        pool = c.create_user_pool(PoolName="leaks", UserPoolTier="PLUS", UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"})["UserPool"]["Id"]
        client = c.create_user_pool_client(UserPoolId=pool, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])
        for name, password, found in [("a", "Correct-Horse-9", True), ("b", "Battery-Staple-7", True), ("c", "Unlisted-Passw0rd!", False)]:
            make_user(c, pool, name=name, password=password)
            sign_in(c, client["UserPoolClient"]["ClientId"], name=name, password=password)
            assert events(c, pool, name=name)[0]["EventRisk"]["CompromisedCredentialsDetected"] is found
    finally:
        s.stop()
    missing = Server(str(tmp_path / "db2.sqlite"), extra_args=["--compromised-passwords", str(tmp_path / "nothing.txt")])
    with pytest.raises(RuntimeError):
        missing.start()
    assert "cannot read the compromised-password list" in open(missing.log_path).read()


def test_the_address_claimed_by_context_data(server, cognito, pools):
    pool, _ = risky_pool(cognito, pools)
    secret_client = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="server-app", GenerateSecret=True, EnablePropagateAdditionalUserContextData=True,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"])["UserPoolClient"]
    public_client = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="public-app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
    cognito.set_risk_configuration(UserPoolId=pool, RiskExceptionConfiguration={"BlockedIPRangeList": ["203.0.113.0/24"]})
    make_user(cognito, pool)
    cid, secret = secret_client["ClientId"], secret_client["ClientSecret"]
    digest = base64.b64encode(hmac.new(secret.encode(), ("alice" + cid).encode(), hashlib.sha256).digest()).decode()
    params = {"USERNAME": "alice", "PASSWORD": PASSWORD, "SECRET_HASH": digest}
    # UserContextData counts for a client with a secret that propagates it.
    assert refused(cognito.initiate_auth, ClientId=cid, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=params,
                   UserContextData={"IpAddress": "203.0.113.5"})[0] == "NotAuthorizedException"
    assert events(cognito, pool)[0]["EventContextData"]["IpAddress"] == "203.0.113.5"
    ok = cognito.initiate_auth(ClientId=cid, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=params, UserContextData={"IpAddress": "192.0.2.9"})
    assert "AuthenticationResult" in ok and events(cognito, pool)[0]["EventContextData"]["IpAddress"] == "192.0.2.9"
    code, message = refused(cognito.initiate_auth, ClientId=cid, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=params,
                            UserContextData={"IpAddress": "not-an-address"})
    assert (code, message) == ("InvalidParameterException", "IpAddress is not a valid IPv4 or IPv6 address.")
    # A public client's claim is not taken: the request's own address is evaluated.
    assert "AuthenticationResult" in cognito.initiate_auth(
        ClientId=public_client, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
        UserContextData={"IpAddress": "203.0.113.5"})
    assert events(cognito, pool)[0]["EventContextData"]["IpAddress"] == "127.0.0.1"
    # An administrator's ContextData always counts.
    context = {"IpAddress": "203.0.113.77", "ServerName": "app.example.com", "ServerPath": "/login", "HttpHeaders": []}
    assert refused(cognito.admin_initiate_auth, UserPoolId=pool, ClientId=cid, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                   AuthParameters=params, ContextData=context)[0] == "NotAuthorizedException"
    assert events(cognito, pool)[0]["EventContextData"]["IpAddress"] == "203.0.113.77"
    # Sign-up from a blocked address is refused too.
    code, message = refused(cognito.sign_up, ClientId=cid, Username="zed", Password=PASSWORD, SecretHash=base64.b64encode(
        hmac.new(secret.encode(), ("zed" + cid).encode(), hashlib.sha256).digest()).decode(), UserContextData={"IpAddress": "203.0.113.1"})
    assert (code, message) == ("NotAuthorizedException", "Request not allowed due to security reasons.")


def test_a_notice_with_one_click_feedback(server, cognito, pools):
    pool, client = risky_pool(cognito, pools)
    cognito.create_user_pool_domain(UserPoolId=pool, Domain="notice-" + pool.split("_")[1].lower())
    cognito.set_risk_configuration(UserPoolId=pool, AccountTakeoverRiskConfiguration={
        "NotifyConfiguration": {"From": "security@example.com", "SourceArn": SES,
                                "BlockEmail": {"Subject": "Blocked sign-in for {username}",
                                               "TextBody": "From {ip-address} at {login-time}. Yours? {one-click-link-valid} Not yours? {one-click-link-invalid}"}},
        "Actions": {"HighAction": {"Notify": True, "EventAction": "BLOCK"}, "LowAction": {"Notify": True, "EventAction": "NO_ACTION"}}})
    make_user(cognito, pool, email="alice@example.com", email_verified="true")
    set_risk(server, pool, "High")
    refused(sign_in, cognito=cognito, client=client)
    notice = [m for m in outbox(server, poolId=pool) if m["purpose"] == "risk-notification"][-1]
    assert notice["recipient"] == "alice@example.com" and notice["subject"] == "Blocked sign-in for alice"
    assert "From 127.0.0.1 at " in notice["body"]
    valid, invalid = re.findall(r"http\S+/feedback\?\S+", notice["body"])
    assert "feedback_value=Valid" in valid and "feedback_value=Invalid" in invalid
    event = events(cognito, pool)[0]
    assert event["EventRisk"]["RiskDecision"] == "Block"
    # The link opens a page that asks for a confirming click; following it changes nothing by itself.
    session = requests.Session()
    page = session.get(invalid, timeout=5)
    assert page.status_code == 200 and "this sign-in was not me" in page.text
    assert "EventFeedback" not in events(cognito, pool)[0]
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    form = {k: html.unescape(v) for k, v in form.items()}
    # Without the page's CSRF cookie the POST is refused.
    assert requests.post(server.url + "/feedback", data=form, timeout=5).status_code == 403
    done = session.post(server.url + "/feedback", data=form, timeout=5)
    assert done.status_code == 200 and "not yours" in done.text
    feedback = events(cognito, pool)[0]["EventFeedback"]
    assert (feedback["FeedbackValue"], feedback["Provider"]) == ("Invalid", "User")
    # The token works once per event through the API too, and only for its own event.
    cognito.update_auth_event_feedback(UserPoolId=pool, Username="alice", EventId=event["EventId"], FeedbackToken=notice["code"],
                                       FeedbackValue="Valid")
    assert events(cognito, pool)[0]["EventFeedback"]["FeedbackValue"] == "Valid"
    set_risk(server, pool, "Low")
    assert "AuthenticationResult" in sign_in(cognito, client)
    other = events(cognito, pool)[0]
    code, _ = refused(cognito.update_auth_event_feedback, UserPoolId=pool, Username="alice", EventId=other["EventId"],
                      FeedbackToken=notice["code"], FeedbackValue="Valid")
    assert code == "NotAuthorizedException"
    low_notice = [m for m in outbox(server, poolId=pool) if m["purpose"] == "risk-notification"][-1]
    assert low_notice["subject"] == "A new sign-in to your account" and "feedback?" in low_notice["body"]
    # A tampered link is refused on the page.
    page = session.get(valid.replace("feedback_token=", "feedback_token=x"), timeout=5)
    form = {k: html.unescape(v) for k, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text)}
    assert session.post(server.url + "/feedback", data=form, timeout=5).status_code == 400


def test_the_feedback_page_in_a_browser(server, cognito, pools, browser, tmp_path):
    pool, client = risky_pool(cognito, pools)
    cognito.create_user_pool_domain(UserPoolId=pool, Domain="browser-" + pool.split("_")[1].lower())
    cognito.set_risk_configuration(UserPoolId=pool, AccountTakeoverRiskConfiguration={"Actions": {
        "MediumAction": {"Notify": True, "EventAction": "NO_ACTION"}}})
    make_user(cognito, pool, email="alice@example.com", email_verified="true")
    set_risk(server, pool, "Medium")
    sign_in(cognito, client)
    notice = [m for m in outbox(server, poolId=pool) if m["purpose"] == "risk-notification"][-1]
    valid = re.findall(r"http\S+/feedback\?\S+", notice["body"])[0]
    browser.get(valid)
    browser.save_screenshot(os.environ.get("COGNATE_SCREENSHOT_DIR", str(tmp_path)) + "/feedback.png")
    browser.find_element("css selector", "button[type=submit]").click()
    # The click submits a form: wait for the answer page rather than reading the page still being left.
    WebDriverWait(browser, 10).until(lambda b: "You told us this sign-in was yours." in b.page_source)
    feedback = events(cognito, pool)[0]["EventFeedback"]
    assert (feedback["FeedbackValue"], feedback["Provider"]) == ("Valid", "User")


def start_sign_in(cognito, pool, client, flow):
    """The first answer of a sign-in by `flow`: tokens or a challenge (SRP's password step answered)."""
    if flow == "USER_PASSWORD_AUTH":
        return sign_in(cognito, client)
    if flow == "ADMIN_USER_PASSWORD_AUTH":
        return cognito.admin_initiate_auth(UserPoolId=pool, ClientId=client, AuthFlow=flow,
                                           AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD})
    srp = AWSSRP(username="alice", password=PASSWORD, pool_id=pool, client_id=client, client=cognito)
    params = srp.get_auth_params()
    first = cognito.initiate_auth(ClientId=client, AuthFlow="USER_SRP_AUTH", AuthParameters=params)
    return cognito.respond_to_auth_challenge(ClientId=client, ChallengeName="PASSWORD_VERIFIER",
                                             ChallengeResponses=srp.process_challenge(first["ChallengeParameters"], params))


@pytest.mark.parametrize("action", ["BLOCK", "MFA_IF_CONFIGURED", "MFA_REQUIRED", "NO_ACTION"])
@pytest.mark.parametrize("mode", ["AUDIT", "ENFORCED"])
@pytest.mark.parametrize("flow", ["USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH", "USER_SRP_AUTH"])
def test_each_flow_mode_and_action(server, cognito, pools, flow, mode, action):
    pool, client = risky_pool(cognito, pools, mode=mode, AutoVerifiedAttributes=["email"], EmailConfiguration={
        "EmailSendingAccount": "DEVELOPER", "SourceArn": SES, "From": "security@example.com"})
    cognito.set_user_pool_mfa_config(UserPoolId=pool, MfaConfiguration="OPTIONAL", EmailMfaConfiguration={"Message": "{####}", "Subject": "Code"})
    cognito.set_risk_configuration(UserPoolId=pool, AccountTakeoverRiskConfiguration={"Actions": {
        "MediumAction": {"Notify": False, "EventAction": action}}})
    make_user(cognito, pool, email="alice@example.com", email_verified="true")
    set_risk(server, pool, "Medium")
    enforced = mode == "ENFORCED"
    if enforced and action == "BLOCK":
        assert refused(start_sign_in, cognito=cognito, pool=pool, client=client, flow=flow) == (
            "NotAuthorizedException", "Unable to login because of security reasons.")
        expected = ("Fail", "Block")
    else:
        answer = start_sign_in(cognito, pool, client, flow)
        if enforced and action.startswith("MFA"):
            assert answer["ChallengeName"] == "EMAIL_OTP"
            expected = ("InProgress", "AccountTakeover")
        else:
            assert "AuthenticationResult" in answer
            expected = ("Pass", "NoRisk")
    event = events(cognito, pool)[0]
    assert (event["EventResponse"], event["EventRisk"]["RiskDecision"], event["EventRisk"]["RiskLevel"]) == (*expected, "Medium")
    # Compromised credentials are never checked on SRP, which never sees the password.
    assert event["EventRisk"]["CompromisedCredentialsDetected"] is False


def test_step_up_and_block_on_the_managed_login_pages(server, cognito, web, browser):
    from test_managed_login_browser import By, shot
    from test_managed_login_browser import sign_in as page_sign_in
    from test_managed_login_browser import submit
    pool = web["pool"]
    cognito.update_user_pool(UserPoolId=pool, UserPoolTier="PLUS", UserPoolAddOns={"AdvancedSecurityMode": "ENFORCED"},
                             EmailConfiguration={"EmailSendingAccount": "DEVELOPER", "SourceArn": SES, "From": "security@example.com"})
    cognito.set_user_pool_mfa_config(UserPoolId=pool, MfaConfiguration="OPTIONAL", EmailMfaConfiguration={"Message": "{####}", "Subject": "Code"})
    cognito.set_risk_configuration(UserPoolId=pool, AccountTakeoverRiskConfiguration={"Actions": {
        "MediumAction": {"Notify": False, "EventAction": "MFA_REQUIRED"}, "HighAction": {"Notify": False, "EventAction": "BLOCK"}}})
    authorize = server.url + "/oauth2/authorize?" + urllib.parse.urlencode({
        "client_id": web["client"], "response_type": "code", "redirect_uri": web["callback"], "scope": "openid"})
    # Medium risk: the page asks for the code sent by email, as the API's challenge would.
    set_risk(server, pool, "Medium")
    browser.get(authorize)
    page_sign_in(browser, "alice", PASSWORD)
    assert "We sent a code to a***@e***" in browser.find_element(By.CSS_SELECTOR, ".note").text
    shot(browser, "risk-step-up")
    browser.find_element(By.NAME, "answer").send_keys(outbox(server, poolId=pool)[-1]["code"])
    submit(browser)
    assert browser.current_url.startswith(web["callback"] + "?code=")
    event = events(cognito, pool)[0]
    assert (event["EventResponse"], event["EventRisk"]["RiskDecision"], event["EventRisk"]["RiskLevel"]) == ("Pass", "AccountTakeover", "Medium")
    assert event["ChallengeResponses"][-1] == {"ChallengeName": "Mfa", "ChallengeResponse": "Success"}
    # High risk: the page says it was refused, in AWS's words.
    browser.get(server.url + "/_cognate/health")
    browser.delete_all_cookies()
    set_risk(server, pool, "High")
    browser.get(authorize)
    page_sign_in(browser, "alice", PASSWORD)
    assert browser.find_element(By.ID, "loginErrorMessage").text == "Unable to login because of security reasons."
    shot(browser, "risk-blocked")
    assert events(cognito, pool)[0]["EventRisk"]["RiskDecision"] == "Block"
