"""Managed login (version 2) branding styles: the five operations, AWS's rules for them, and the style applied
to the pages in chromium (colours, form logo, page background, favicon, colour scheme)."""
import io
import urllib.parse
import uuid

import pytest
import requests
from botocore.exceptions import ClientError
from PIL import Image
from selenium.webdriver.common.by import By

from conftest import error_code
from test_managed_login_browser import LOGO, app_site, browser, forget_session, shot, web  # noqa: F401 (fixtures)

# A 4x4 blue JPEG and a 16x16 ICO, made here.
def image_bytes(kind, colour, size):
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=kind)
    return out.getvalue()


BACKGROUND = image_bytes("JPEG", (30, 60, 200), (4, 4))
FAVICON = image_bytes("ICO", (200, 30, 30), (16, 16))
SVG_LOGO = b'<svg xmlns="http://www.w3.org/2000/svg" width="80" height="24"><rect width="80" height="24" fill="#d81b60"/></svg>'


def login_url(server, web):
    return server.url + "/login?" + urllib.parse.urlencode({"client_id": web["client"], "response_type": "code",
                                                             "redirect_uri": web["callback"], "scope": "openid"})


def rgb(element, prop):
    value = element.value_of_css_property(prop)
    return value.replace("rgba", "rgb").replace(", 1)", ")")


def test_branding_style_operations_and_rules(cognito, web):
    pool, client = web["pool"], web["client"]
    made = cognito.create_managed_login_branding(UserPoolId=pool, ClientId=client, UseCognitoProvidedValues=True)["ManagedLoginBranding"]
    branding_id = made["ManagedLoginBrandingId"]
    assert len(branding_id) == 36 and branding_id[14] == "4"
    assert made["UserPoolId"] == pool and made["UseCognitoProvidedValues"] is True and made.get("Assets", []) == []
    assert "Settings" not in made and made["CreationDate"] == made["LastModifiedDate"]

    def refused(call, **kwargs):
        with pytest.raises(ClientError) as e:
            call(**kwargs)
        return error_code(e)
    assert refused(cognito.create_managed_login_branding, UserPoolId=pool, ClientId=client) == "ManagedLoginBrandingExistsException"
    assert refused(cognito.create_managed_login_branding, UserPoolId=pool, ClientId="nosuchclient1234567890abc") == \
        "ResourceNotFoundException"
    assert refused(cognito.update_managed_login_branding, UserPoolId=pool, ManagedLoginBrandingId=branding_id,
                   UseCognitoProvidedValues=True, Settings={"components": {}}) == "InvalidParameterException"
    assert refused(cognito.update_managed_login_branding, UserPoolId=pool, ManagedLoginBrandingId=branding_id,
                   Settings={"components": {"pageBackground": {"lightMode": {"color": "red; background: url(x)"}}}}) == \
        "InvalidParameterException"
    assert refused(cognito.update_managed_login_branding, UserPoolId=pool, ManagedLoginBrandingId=branding_id,
                   Assets=[{"Category": "FORM_LOGO", "ColorMode": "LIGHT", "Extension": "PNG", "Bytes": BACKGROUND}]) == \
        "InvalidParameterException"
    assert refused(cognito.update_managed_login_branding, UserPoolId=pool, ManagedLoginBrandingId=branding_id,
                   Assets=[{"Category": "FAVICON_ICO", "ColorMode": "LIGHT", "Extension": "PNG", "Bytes": LOGO}]) == \
        "InvalidParameterException"
    assert refused(cognito.update_managed_login_branding, UserPoolId=pool, ManagedLoginBrandingId=branding_id,
                   Assets=[{"Category": "NOT_A_CATEGORY", "ColorMode": "LIGHT", "Extension": "PNG", "Bytes": LOGO}]) == \
        "InvalidParameterException"
    assert refused(cognito.describe_managed_login_branding, UserPoolId=pool,
                   ManagedLoginBrandingId=str(uuid.uuid4())) == "ResourceNotFoundException"

    # Settings merge into what the style has; assets replace those of their category and mode.
    first = cognito.update_managed_login_branding(
        UserPoolId=pool, ManagedLoginBrandingId=branding_id,
        Settings={"components": {"primaryButton": {"lightMode": {"defaults": {"backgroundColor": "d81b60ff", "textColor": "ffffffff"}}}}},
        Assets=[{"Category": "FORM_LOGO", "ColorMode": "LIGHT", "Extension": "PNG", "Bytes": LOGO}])["ManagedLoginBranding"]
    assert first["UseCognitoProvidedValues"] is False and first["LastModifiedDate"] >= first["CreationDate"]
    second = cognito.update_managed_login_branding(
        UserPoolId=pool, ManagedLoginBrandingId=branding_id,
        Settings={"components": {"pageBackground": {"lightMode": {"color": "f3f6ffff"}}}},
        Assets=[{"Category": "FORM_LOGO", "ColorMode": "LIGHT", "Extension": "SVG", "Bytes": SVG_LOGO}])["ManagedLoginBranding"]
    settings = second["Settings"]["components"]
    assert settings["primaryButton"]["lightMode"]["defaults"]["backgroundColor"] == "d81b60ff"
    assert settings["pageBackground"]["lightMode"]["color"] == "f3f6ffff"
    assert [(a["Category"], a["Extension"], a["Bytes"]) for a in second["Assets"]] == [("FORM_LOGO", "SVG", SVG_LOGO)]
    # Described as customized, or merged with Cognito's defaults.
    own = cognito.describe_managed_login_branding(UserPoolId=pool, ManagedLoginBrandingId=branding_id)["ManagedLoginBranding"]
    assert own["Settings"] == second["Settings"] and "form" not in own["Settings"]["components"]
    merged = cognito.describe_managed_login_branding_by_client(UserPoolId=pool, ClientId=client,
                                                               ReturnMergedResources=True)["ManagedLoginBranding"]
    assert merged["ManagedLoginBrandingId"] == branding_id
    assert merged["Settings"]["components"]["form"]["borderRadius"] == 8
    assert merged["Settings"]["components"]["primaryButton"]["lightMode"]["defaults"]["backgroundColor"] == "d81b60ff"
    assert merged["Settings"]["components"]["primaryButton"]["lightMode"]["hover"]["backgroundColor"] == "033160ff"
    # An image near the 1 MB limit fits in a request (2 MB for this operation, 1 MB for the others).
    big = LOGO[:8] + bytes(900_000)
    large = cognito.update_managed_login_branding(
        UserPoolId=pool, ManagedLoginBrandingId=branding_id,
        Assets=[{"Category": "PAGE_BACKGROUND", "ColorMode": "LIGHT", "Extension": "PNG", "Bytes": big}])["ManagedLoginBranding"]
    assert sorted(a["Category"] for a in large["Assets"]) == ["FORM_LOGO", "PAGE_BACKGROUND"]
    # Back to the defaults, then gone.
    reset = cognito.update_managed_login_branding(UserPoolId=pool, ManagedLoginBrandingId=branding_id,
                                                  UseCognitoProvidedValues=True)["ManagedLoginBranding"]
    assert reset["UseCognitoProvidedValues"] is True and "Settings" not in reset and reset.get("Assets", []) == []
    cognito.delete_managed_login_branding(UserPoolId=pool, ManagedLoginBrandingId=branding_id)
    assert refused(cognito.describe_managed_login_branding_by_client, UserPoolId=pool, ClientId=client) == "ResourceNotFoundException"
    assert refused(cognito.delete_managed_login_branding, UserPoolId=pool, ManagedLoginBrandingId=branding_id) == \
        "ResourceNotFoundException"
    # A deleted client takes its style along.
    other = cognito.create_user_pool_client(UserPoolId=pool, ClientName="other")["UserPoolClient"]["ClientId"]
    gone = cognito.create_managed_login_branding(UserPoolId=pool, ClientId=other, UseCognitoProvidedValues=True)["ManagedLoginBranding"]
    cognito.delete_user_pool_client(UserPoolId=pool, ClientId=other)
    assert refused(cognito.describe_managed_login_branding, UserPoolId=pool,
                   ManagedLoginBrandingId=gone["ManagedLoginBrandingId"]) == "ResourceNotFoundException"


def test_a_style_is_applied_to_the_managed_login_pages(server, cognito, web, browser):
    pool, client = web["pool"], web["client"]
    prefix = "v2-" + uuid.uuid4().hex[:8]
    cognito.create_user_pool_domain(Domain=prefix, UserPoolId=pool, ManagedLoginVersion=2)
    try:
        # Version 2 without a style: the pages do not work, as in AWS, and say why.
        answer = requests.get(login_url(server, web), timeout=5)
        assert answer.status_code == 400 and "CreateManagedLoginBranding" in answer.text
        style = cognito.create_managed_login_branding(UserPoolId=pool, ClientId=client, UseCognitoProvidedValues=True)
        branding_id = style["ManagedLoginBranding"]["ManagedLoginBrandingId"]
        browser.get(login_url(server, web))
        button = browser.find_element(By.NAME, "signInSubmitButton")
        assert rgb(button, "background-color") == "rgb(9, 114, 211)"  # Cognito's default blue, 0972d3
        cognito.update_managed_login_branding(
            UserPoolId=pool, ManagedLoginBrandingId=branding_id,
            Settings={"components": {
                "primaryButton": {"lightMode": {"defaults": {"backgroundColor": "d81b60ff", "textColor": "ffffffff"}}},
                "pageBackground": {"lightMode": {"color": "f3f6ffff"}, "image": {"enabled": True}},
                "form": {"logo": {"enabled": True}, "borderRadius": 20},
                "pageText": {"lightMode": {"headingColor": "123456ff"}},
            }},
            Assets=[{"Category": "FORM_LOGO", "ColorMode": "LIGHT", "Extension": "SVG", "Bytes": SVG_LOGO},
                    {"Category": "PAGE_BACKGROUND", "ColorMode": "DYNAMIC", "Extension": "JPEG", "Bytes": BACKGROUND},
                    {"Category": "FAVICON_ICO", "ColorMode": "DYNAMIC", "Extension": "ICO", "Bytes": FAVICON}])
        browser.get(login_url(server, web))
        assert rgb(browser.find_element(By.NAME, "signInSubmitButton"), "background-color") == "rgb(216, 27, 96)"
        assert rgb(browser.find_element(By.TAG_NAME, "h1"), "color") == "rgb(18, 52, 86)"
        assert browser.find_element(By.TAG_NAME, "main").value_of_css_property("border-top-left-radius") == "20px"
        logo = browser.find_element(By.CSS_SELECTOR, "img.logo-customizable")
        assert browser.execute_script("return arguments[0].naturalWidth", logo) == 80
        body = browser.find_element(By.TAG_NAME, "body")
        assert "/managed-login/assets/" in body.value_of_css_property("background-image")
        favicon = browser.find_element(By.CSS_SELECTOR, "link[rel=icon]").get_attribute("href")
        served = requests.get(favicon, timeout=5)
        assert served.content == FAVICON and served.headers["Content-Type"] == "image/x-icon"
        svg = requests.get(logo.get_attribute("src"), timeout=5)
        assert svg.headers["Content-Type"] == "image/svg+xml" and "sandbox" in svg.headers["Content-Security-Policy"]
        shot(browser, "login-managed")
        # The other pages carry the style too.
        browser.find_element(By.LINK_TEXT, "Forgot your password?").click()
        assert rgb(browser.find_element(By.NAME, "signInSubmitButton"), "background-color") == "rgb(216, 27, 96)"
        # A dark scheme takes the style's dark-mode colours.
        cognito.update_managed_login_branding(
            UserPoolId=pool, ManagedLoginBrandingId=branding_id,
            Settings={"categories": {"global": {"colorSchemeMode": "DARK"}},
                      "components": {"primaryButton": {"darkMode": {"defaults": {"backgroundColor": "ffb300ff", "textColor": "000000ff"}}}}})
        browser.get(login_url(server, web))
        assert rgb(browser.find_element(By.NAME, "signInSubmitButton"), "background-color") == "rgb(255, 179, 0)"
        assert rgb(browser.find_element(By.TAG_NAME, "main"), "background-color") == "rgb(15, 27, 42)"  # form, dark default
        # Back to the classic pages: the style no longer applies.
        cognito.update_user_pool_domain(Domain=prefix, UserPoolId=pool, ManagedLoginVersion=1)
        browser.get(login_url(server, web))
        assert rgb(browser.find_element(By.NAME, "signInSubmitButton"), "background-color") == "rgb(47, 111, 222)"
        assert not browser.find_elements(By.CSS_SELECTOR, "#managed-login-style")
    finally:
        forget_session(server, browser)
        cognito.delete_user_pool_domain(Domain=prefix, UserPoolId=pool)
