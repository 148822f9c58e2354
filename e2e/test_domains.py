"""User pool domains: prefix and custom, one of each per pool, AWS's validation and error texts, and
DescribeUserPool reporting them."""
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import error_code

CERT = "arn:aws:acm:us-east-1:000000000000:certificate/11111111-2222-3333-4444-555555555555"


def prefix():
    return "app-" + uuid.uuid4().hex[:10]


def test_prefix_and_custom_domains_are_created_described_and_reported(cognito, pool):
    name = prefix()
    created = cognito.create_user_pool_domain(Domain=name, UserPoolId=pool)
    assert created["ManagedLoginVersion"] == 1 and "CloudFrontDomain" not in created
    custom = cognito.create_user_pool_domain(Domain="auth." + name + ".example.com", UserPoolId=pool, ManagedLoginVersion=2,
                                             CustomDomainConfig={"CertificateArn": CERT})
    assert custom["ManagedLoginVersion"] == 2 and custom["CloudFrontDomain"].endswith(".cloudfront.net")
    described = cognito.describe_user_pool_domain(Domain=name)["DomainDescription"]
    assert described["UserPoolId"] == pool and described["Domain"] == name and described["Status"] == "ACTIVE"
    assert described["AWSAccountId"] == "000000000000" and described["ManagedLoginVersion"] == 1
    assert len(described["Version"]) == 14 and described["Version"].isdigit()
    custom_described = cognito.describe_user_pool_domain(Domain="auth." + name + ".example.com")["DomainDescription"]
    assert custom_described["CustomDomainConfig"]["CertificateArn"] == CERT
    user_pool = cognito.describe_user_pool(UserPoolId=pool)["UserPool"]
    assert user_pool["Domain"] == name and user_pool["CustomDomain"] == "auth." + name + ".example.com"
    updated = cognito.update_user_pool_domain(Domain=name, UserPoolId=pool, ManagedLoginVersion=2)
    assert updated["ManagedLoginVersion"] == 2
    assert cognito.describe_user_pool_domain(Domain=name)["DomainDescription"]["ManagedLoginVersion"] == 2
    cognito.delete_user_pool_domain(Domain=name, UserPoolId=pool)
    assert cognito.describe_user_pool_domain(Domain=name)["DomainDescription"] == {}
    assert "Domain" not in cognito.describe_user_pool(UserPoolId=pool)["UserPool"]


def test_domain_rules_and_texts(cognito, pool):
    def refused(**kwargs):
        with pytest.raises(ClientError) as e:
            cognito.create_user_pool_domain(UserPoolId=pool, **kwargs)
        return error_code(e), e.value.response["Error"]["Message"]
    code, message = refused(Domain="Bad_Name")
    assert code == "InvalidParameterException" and message.startswith("The domain name contains an invalid character.")
    assert refused(Domain="my-aws-login") == ("InvalidParameterException", "Domain cannot contain reserved word: aws")
    assert refused(Domain="-leading")[0] == "InvalidParameterException"
    assert refused(Domain="example.com", CustomDomainConfig={"CertificateArn": CERT})[0] == "InvalidParameterException"
    code, message = refused(Domain="auth.example.com", CustomDomainConfig={"CertificateArn": "arn:aws:acm:eu-west-1:0:certificate/x"})
    assert "us-east-1" in message
    assert refused(Domain=prefix(), ManagedLoginVersion=3)[0] == "InvalidParameterException"
    name = prefix()
    cognito.create_user_pool_domain(Domain=name, UserPoolId=pool)
    assert refused(Domain=prefix())[0] == "InvalidParameterException"  # a second prefix domain
    other = cognito.create_user_pool(PoolName="other")["UserPool"]["Id"]
    try:
        with pytest.raises(ClientError) as e:
            cognito.create_user_pool_domain(Domain=name, UserPoolId=other)
        assert e.value.response["Error"]["Message"] == "Domain already associated with another user pool."
        with pytest.raises(ClientError) as e:
            cognito.delete_user_pool_domain(Domain=name, UserPoolId=other)
        assert error_code(e) == "InvalidParameterException"
    finally:
        cognito.delete_user_pool(UserPoolId=other)
    cognito.delete_user_pool_domain(Domain=name, UserPoolId=pool)
    with pytest.raises(ClientError) as e:
        cognito.create_user_pool_domain(Domain=prefix(), UserPoolId="us-east-1_Missing1")
    assert error_code(e) == "ResourceNotFoundException"


def test_managed_login_needs_more_than_lite(cognito):
    lite = cognito.create_user_pool(PoolName="lite", UserPoolTier="LITE")["UserPool"]["Id"]
    try:
        with pytest.raises(ClientError) as e:
            cognito.create_user_pool_domain(Domain=prefix(), UserPoolId=lite, ManagedLoginVersion=2)
        assert error_code(e) == "FeatureUnavailableInTierException"
        name = prefix()
        assert cognito.create_user_pool_domain(Domain=name, UserPoolId=lite)["ManagedLoginVersion"] == 1
        cognito.delete_user_pool_domain(Domain=name, UserPoolId=lite)
    finally:
        cognito.delete_user_pool(UserPoolId=lite)


def test_a_pool_with_a_domain_is_deleted_only_after_it(cognito):
    first = cognito.create_user_pool(PoolName="first")["UserPool"]["Id"]
    name = prefix()
    cognito.create_user_pool_domain(Domain=name, UserPoolId=first)
    with pytest.raises(ClientError) as e:
        cognito.delete_user_pool(UserPoolId=first)
    assert e.value.response["Error"]["Message"] == "User pool cannot be deleted. It has a domain configured that should be deleted first."
    cognito.delete_user_pool_domain(Domain=name, UserPoolId=first)
    cognito.delete_user_pool(UserPoolId=first)
    second = cognito.create_user_pool(PoolName="second")["UserPool"]["Id"]
    try:
        cognito.create_user_pool_domain(Domain=name, UserPoolId=second)
        assert cognito.describe_user_pool_domain(Domain=name)["DomainDescription"]["UserPoolId"] == second
        cognito.delete_user_pool_domain(Domain=name, UserPoolId=second)
    finally:
        cognito.delete_user_pool(UserPoolId=second)
