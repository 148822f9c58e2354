"""A module whose tests each get a fresh server started with a seed file."""
import pytest

pytestmark = pytest.mark.cognate_seed("seed.yaml")


def test_the_seeded_user_signs_in(cognito_idp):
    result = cognito_idp.initiate_auth(ClientId="samplewebclient1", AuthFlow="USER_PASSWORD_AUTH",
                                       AuthParameters={"USERNAME": "carol", "PASSWORD": "Seeded-Passw0rd!"})
    assert result["AuthenticationResult"]["AccessToken"]


def test_each_test_gets_the_seed_afresh(cognito_idp):
    cognito_idp.admin_delete_user(UserPoolId="us-east-1_Sample1", Username="carol")


def test_the_deleted_user_is_back(cognito_idp):
    assert cognito_idp.admin_get_user(UserPoolId="us-east-1_Sample1", Username="carol")["Username"] == "carol"
