"""Groups, membership, tags."""
import pytest


def make_user(cognito, pool, name):
    cognito.admin_create_user(UserPoolId=pool, Username=name, MessageAction="SUPPRESS")


def test_group_lifecycle(cognito, pool):
    created = cognito.create_group(UserPoolId=pool, GroupName="admins", Description="d", Precedence=1,
                                   RoleArn="arn:aws:iam::000000000000:role/admin")["Group"]
    assert created["GroupName"] == "admins" and created["Precedence"] == 1
    with pytest.raises(cognito.exceptions.GroupExistsException):
        cognito.create_group(UserPoolId=pool, GroupName="admins")
    got = cognito.get_group(UserPoolId=pool, GroupName="admins")["Group"]
    assert got["RoleArn"] == "arn:aws:iam::000000000000:role/admin"
    updated = cognito.update_group(UserPoolId=pool, GroupName="admins", Description="new", Precedence=5)["Group"]
    assert updated["Description"] == "new" and updated["Precedence"] == 5
    cognito.delete_group(UserPoolId=pool, GroupName="admins")
    with pytest.raises(cognito.exceptions.ResourceNotFoundException):
        cognito.get_group(UserPoolId=pool, GroupName="admins")


def test_list_groups_pages(cognito, pool):
    for i in range(5):
        cognito.create_group(UserPoolId=pool, GroupName=f"g{i}")
    names = []
    for page in cognito.get_paginator("list_groups").paginate(UserPoolId=pool, PaginationConfig={"PageSize": 2}):
        names += [g["GroupName"] for g in page["Groups"]]
    assert names == [f"g{i}" for i in range(5)]


def test_membership(cognito, pool):
    for name in ("alice", "bob"):
        make_user(cognito, pool, name)
    for group in ("a", "b"):
        cognito.create_group(UserPoolId=pool, GroupName=group)
    cognito.admin_add_user_to_group(UserPoolId=pool, Username="alice", GroupName="a")
    cognito.admin_add_user_to_group(UserPoolId=pool, Username="alice", GroupName="a")
    cognito.admin_add_user_to_group(UserPoolId=pool, Username="alice", GroupName="b")
    cognito.admin_add_user_to_group(UserPoolId=pool, Username="bob", GroupName="a")
    groups = cognito.admin_list_groups_for_user(UserPoolId=pool, Username="alice")["Groups"]
    assert [g["GroupName"] for g in groups] == ["a", "b"]
    members = cognito.list_users_in_group(UserPoolId=pool, GroupName="a")["Users"]
    assert [u["Username"] for u in members] == ["alice", "bob"]
    cognito.admin_remove_user_from_group(UserPoolId=pool, Username="alice", GroupName="a")
    assert [u["Username"] for u in cognito.list_users_in_group(UserPoolId=pool, GroupName="a")["Users"]] == ["bob"]
    with pytest.raises(cognito.exceptions.UserNotFoundException):
        cognito.admin_add_user_to_group(UserPoolId=pool, Username="ghost", GroupName="a")
    with pytest.raises(cognito.exceptions.ResourceNotFoundException):
        cognito.admin_add_user_to_group(UserPoolId=pool, Username="bob", GroupName="nope")
    with pytest.raises(cognito.exceptions.ResourceNotFoundException):
        cognito.list_users_in_group(UserPoolId=pool, GroupName="nope")
    cognito.admin_delete_user(UserPoolId=pool, Username="bob")
    assert cognito.list_users_in_group(UserPoolId=pool, GroupName="a")["Users"] == []


def test_memberships_page(cognito, pool):
    make_user(cognito, pool, "m")
    for i in range(3):
        cognito.create_group(UserPoolId=pool, GroupName=f"g{i}")
        cognito.admin_add_user_to_group(UserPoolId=pool, Username="m", GroupName=f"g{i}")
    first = cognito.admin_list_groups_for_user(UserPoolId=pool, Username="m", Limit=2)
    assert len(first["Groups"]) == 2 and first["NextToken"]
    second = cognito.admin_list_groups_for_user(UserPoolId=pool, Username="m", Limit=2, NextToken=first["NextToken"])
    assert [g["GroupName"] for g in second["Groups"]] == ["g2"] and "NextToken" not in second


def test_tags(cognito, pool):
    arn = cognito.describe_user_pool(UserPoolId=pool)["UserPool"]["Arn"]
    cognito.tag_resource(ResourceArn=arn, Tags={"env": "test", "team": "id"})
    assert cognito.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"env": "test", "team": "id"}
    cognito.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert cognito.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"env": "test"}
    assert cognito.describe_user_pool(UserPoolId=pool)["UserPool"]["UserPoolTags"] == {"env": "test"}
    with pytest.raises(cognito.exceptions.ResourceNotFoundException):
        cognito.list_tags_for_resource(ResourceArn="arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_none1234")
