"""Threat protection (issue 32): the feature plan that gates it, risk configurations, log delivery
configurations and users' auth events, as boto3 and the AWS CLI see them."""
import json

import pytest

from test_cli import aws, cli  # noqa: F401 (fixture)
from conftest import refused

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
    assert answer["UserPoolId"] == pool and "ClientId" not in answer and "LastModifiedDate" in answer
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
