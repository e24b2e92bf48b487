"""The admin console and "Your apps" in a real browser (headless Chromium driven by Selenium),
on a stack of their own so that the pages show only what these tests made. Screenshots of
each page go to the artifacts directory:

    admin-apps.png            the apps list: the new app with its client_id, redirect URI,
                              auth method, scopes, creation date and 1 active grant
    admin-app-new.png         the "New app" form, filled in
    admin-app.png             one app: its fields and its (empty) secrets list
    admin-secret-created.png  the new secret, shown once, after the Copy button was used
    admin-secret-nojs.png     the same page with JavaScript off: the field, no button
    admin-app-secrets.png     the app with its secrets listed by prefix and last use
    admin-secret-revoked.png  the app after its secret was revoked
    admin-scopes.png          the scopes list and the "Add a scope" form
    admin-app-delete.png      the delete confirmation
    admin-xss.png             the list with an app named <img src=x onerror=alert(1)>
    admin-forbidden.png       what a signed-in non-admin gets: 403
    account-apps.png          "Your apps" with the allowed app (scopes, since, last used)
    account-apps-revoked.png  "Your apps" after Revoke
"""
import base64
import os
import re
from urllib.parse import urlencode

import pytest
from selenium.common.exceptions import NoAlertPresentException, NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from authflow import (Browser, authorize_params, ensure_scopes, exchange, make_user, me, pkce_pair, remember, unique)
from browserkit import Callback, chrome, fill_sign_in, wait_for_title
from tokenfactory import App, refresh

XSS_NAME = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def site(make_stack):
    stack = make_stack()
    ensure_scopes(stack)
    admin = make_user(stack, name=unique("admin"), admin=True)
    person = make_user(stack, name=unique("person"))
    return {"stack": stack, "admin": admin, "person": person, "state": {}}


@pytest.fixture(scope="module")
def callback():
    c = Callback()
    yield c
    c.close()


@pytest.fixture(scope="module")
def driver():
    d = chrome(window_size="1200,1000")
    yield d
    d.quit()


def shot(driver, artifacts, name):
    """Saves a screenshot of the whole page, however long (Chrome DevTools' captureBeyondViewport)."""
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    image = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}})["data"]
    path = os.path.join(artifacts, name)
    with open(path, "wb") as f:
        f.write(base64.b64decode(image))
    assert os.path.getsize(path) > 5000
    return path


def sign_in_as(driver, stack, who, page):
    """Signs the browser out of anything, opens `page`, signs in on the way, lands on `page`."""
    driver.delete_all_cookies()
    driver.get(stack.url(page))
    assert driver.current_url == stack.url("/login?" + urlencode({"next": page}))
    fill_sign_in(driver, *who)
    WebDriverWait(driver, 15).until(expected_conditions.url_to_be(stack.url(page)))


def wait_for_page(driver, title):
    """Until the page titled exactly `title` has loaded."""
    WebDriverWait(driver, 15).until(expected_conditions.title_is(f"{title} · latch"))


def wait_for_text(driver, text):
    """Until the page shows `text` (the page before a form's answer may still be there at first)."""
    WebDriverWait(driver, 15, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)).until(
        lambda d: text in main_text(d))


def main_text(driver):
    return driver.find_element(By.TAG_NAME, "main").text


def no_alert(driver):
    try:
        driver.switch_to.alert
    except NoAlertPresentException:
        return True
    return False


def code_for(stack, person, client_id, redirect):
    """Sign-in → consent → Allow for `person` over HTTP; returns (code, verifier)."""
    browser = Browser(stack)
    assert browser.sign_in(*person).status_code == 303
    verifier, challenge = pkce_pair()
    return browser.code(authorize_params(client_id, challenge, redirect_uri=redirect, scope="profile")), verifier


def test_admin_creates_an_app_and_a_secret_and_the_app_exchanges_a_code(site, driver, callback, artifacts):
    stack, state = site["stack"], site["state"]
    redirect = callback.url + "/callback"
    sign_in_as(driver, stack, site["admin"], "/admin/apps")
    wait_for_page(driver, "Apps")

    # New app: the form, filled in as a person would.
    driver.find_element(By.LINK_TEXT, "New app").click()
    wait_for_page(driver, "New app")
    driver.find_element(By.ID, "name").send_keys("Photo Print")
    driver.find_element(By.ID, "redirect_uris").send_keys(redirect)
    driver.find_element(By.CSS_SELECTOR, "input[name=scope][value=profile]").click()
    driver.find_element(By.CSS_SELECTOR, "input[name=scope][value=email]").click()
    assert driver.find_element(By.CSS_SELECTOR, "input[name=type][value=confidential]").is_selected()
    shot(driver, artifacts, "admin-app-new.png")
    driver.find_element(By.CSS_SELECTOR, "form.app-form button[type=submit]").click()
    wait_for_page(driver, "Photo Print")
    client_id = driver.find_element(By.ID, "client-id").text
    assert re.fullmatch(r"app_[0-9a-f]{20}", client_id)
    assert "App created." in main_text(driver)
    assert "No secrets" in main_text(driver)
    shot(driver, artifacts, "admin-app.png")

    # A secret: shown once, copied with the button (the same-origin script runs under the page's CSP).
    driver.find_element(By.XPATH, "//button[text()='Create a secret']").click()
    wait_for_page(driver, "New secret for Photo Print")
    secret = remember(stack, driver.find_element(By.ID, "secret").get_attribute("value"))
    assert re.fullmatch(r"lcs_[0-9a-f]{16}_[A-Za-z0-9_-]{43}", secret)
    assert driver.find_element(By.ID, "secret").get_attribute("readonly") is not None
    copy = driver.find_element(By.ID, "copy")
    assert copy.is_displayed()
    driver.execute_cdp_cmd("Browser.grantPermissions", {"origin": stack.base_url,
                                                        "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    copy.click()
    WebDriverWait(driver, 10).until(lambda d: copy.text == "Copied")
    assert driver.execute_async_script("navigator.clipboard.readText().then(arguments[0], () => arguments[0](null))") == secret
    assert [e for e in driver.get_log("browser") if "Content Security Policy" in e["message"]] == []
    shot(driver, artifacts, "admin-secret-created.png")
    driver.find_element(By.LINK_TEXT, "Done").click()
    wait_for_page(driver, "Photo Print")
    state.update(client_id=client_id, secret=secret, redirect=redirect)

    # Without JavaScript the page still works: the field, a hint, no dead button.
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        driver.find_element(By.XPATH, "//button[text()='Create a secret']").click()
        wait_for_page(driver, "New secret for Photo Print")
        second = remember(stack, driver.find_element(By.ID, "secret").get_attribute("value"))
        assert second.startswith("lcs_") and second != secret
        assert not driver.find_element(By.ID, "copy").is_displayed()
        assert "Select the field and copy it" in main_text(driver)
        shot(driver, artifacts, "admin-secret-nojs.png")
    finally:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})

    # A person allows the app; the app exchanges the code with the secret read from the page.
    code, verifier = code_for(stack, site["person"], client_id, redirect)
    r = exchange(stack, code, verifier, client_id=client_id, secret=secret, redirect_uri=redirect)
    assert r.status_code == 200, r.text
    tokens = r.json()
    assert me(stack, tokens["access_token"]).json()["username"] == site["person"][0]
    state["tokens"] = tokens

    # The list: client_id, redirect URI, auth method, scopes, date, one active grant.
    driver.get(stack.url("/admin/apps"))
    wait_for_page(driver, "Apps")
    row = driver.find_element(By.CSS_SELECTOR, f"tr[data-client-id='{client_id}']")
    cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
    assert cells[:5] == ["Photo Print", client_id, redirect, "client_secret_basic", "email profile"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", cells[5])
    assert cells[6] == "1"
    shot(driver, artifacts, "admin-apps.png")

    # Secrets by prefix and last use; revoking the used one makes the next exchange invalid_client.
    row.find_element(By.CSS_SELECTOR, "a.app-name").click()
    wait_for_page(driver, "Photo Print")
    secret_row = driver.find_element(By.CSS_SELECTOR, f"tr[data-secret-id='{secret[4:20]}']")
    assert secret_row.find_element(By.TAG_NAME, "code").text == f"lcs_{secret[4:20]}_…"
    assert "never" not in secret_row.text                   # it was used for the exchange
    assert "never" in driver.find_element(By.CSS_SELECTOR, f"tr[data-secret-id='{second[4:20]}']").text
    assert secret not in driver.page_source
    shot(driver, artifacts, "admin-app-secrets.png")
    secret_row.find_element(By.XPATH, ".//button[text()='Revoke']").click()
    wait_for_text(driver, "The secret was revoked")
    assert driver.find_elements(By.CSS_SELECTOR, f"tr[data-secret-id='{secret[4:20]}']") == []
    shot(driver, artifacts, "admin-secret-revoked.png")
    code, verifier = code_for(stack, site["person"], client_id, redirect)
    r = exchange(stack, code, verifier, client_id=client_id, secret=secret, redirect_uri=redirect)
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    # The other secret still works.
    r = exchange(stack, code, verifier, client_id=client_id, secret=second, redirect_uri=redirect)
    assert r.status_code == 200, r.text
    state["second"] = second


def test_scopes_and_delete_confirmation_pages(site, driver, artifacts):
    stack = site["stack"]
    sign_in_as(driver, stack, site["admin"], "/admin/scopes")
    wait_for_page(driver, "Scopes")
    driver.find_element(By.ID, "scope-name").send_keys("photos:read")
    driver.find_element(By.ID, "scope-description").send_keys("See your photos")
    driver.find_element(By.CSS_SELECTOR, "form.scope-form button[type=submit]").click()
    wait_for_text(driver, "Scope saved.")
    names = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "code.scope-name")]
    # openid and offline_access are always defined (revision 2).
    assert names == ["email", "offline_access", "openid", "photos:read", "profile"]
    shot(driver, artifacts, "admin-scopes.png")

    client_id = site["state"]["client_id"]
    driver.get(stack.url(f"/admin/apps/{client_id}"))
    driver.find_element(By.LINK_TEXT, "Delete…").click()
    wait_for_page(driver, "Delete Photo Print?")
    assert "cannot be undone" in main_text(driver)
    shot(driver, artifacts, "admin-app-delete.png")
    driver.find_element(By.LINK_TEXT, "Cancel").click()          # nothing deleted
    wait_for_page(driver, "Photo Print")


def test_an_app_named_like_markup_is_text_in_the_browser(site, driver, artifacts):
    stack = site["stack"]
    sign_in_as(driver, stack, site["admin"], "/admin/apps/new")
    driver.find_element(By.ID, "name").send_keys(XSS_NAME)
    driver.find_element(By.ID, "redirect_uris").send_keys("https://xss.example/cb")
    driver.find_element(By.CSS_SELECTOR, "form.app-form button[type=submit]").click()
    wait_for_page(driver, XSS_NAME)
    assert no_alert(driver)
    assert driver.find_element(By.CSS_SELECTOR, "h1.app-name").text == XSS_NAME
    assert driver.find_elements(By.CSS_SELECTOR, "main img") == []
    driver.get(stack.url("/admin/apps"))
    wait_for_page(driver, "Apps")
    assert no_alert(driver)
    assert XSS_NAME in [a.text for a in driver.find_elements(By.CSS_SELECTOR, "a.app-name")]
    assert driver.find_elements(By.TAG_NAME, "img") == []
    shot(driver, artifacts, "admin-xss.png")


def test_non_admins_get_403_and_signed_out_people_sign_in_first(site, driver, artifacts):
    stack = site["stack"]
    driver.delete_all_cookies()
    driver.get(stack.url("/admin/scopes"))
    wait_for_title(driver, "Sign in")
    assert driver.current_url == stack.url("/login?next=%2Fadmin%2Fscopes")
    fill_sign_in(driver, *site["person"])
    wait_for_page(driver, "Admins only")
    assert "The admin console is for admins" in main_text(driver)
    assert driver.find_element(By.LINK_TEXT, "Your apps")            # the header links the person's own page
    assert driver.find_elements(By.LINK_TEXT, "Admin console") == []
    shot(driver, artifacts, "admin-forbidden.png")


def test_a_person_sees_the_app_on_your_apps_and_revokes_it(site, driver, artifacts):
    stack, state = site["stack"], site["state"]
    sign_in_as(driver, stack, site["person"], "/account/apps")
    driver.get(stack.url("/"))                      # the landing page links "Your apps"
    driver.find_element(By.CSS_SELECTOR, "main a[href='/account/apps']").click()
    wait_for_page(driver, "Your apps")
    entry = driver.find_element(By.CSS_SELECTOR, f"li.allowed-app[data-client-id='{state['client_id']}']")
    text = entry.text
    assert "Photo Print" in text
    assert "See your username and account id" in text
    assert re.search(r"Allowed since \d{4}-\d\d-\d\d \d\d:\d\d UTC · last used \d{4}-\d\d-\d\d \d\d:\d\d UTC", text)
    shot(driver, artifacts, "account-apps.png")
    assert me(stack, state["tokens"]["access_token"]).status_code == 200

    entry.find_element(By.XPATH, ".//button[text()='Revoke']").click()
    wait_for_text(driver, "You revoked Photo Print: its tokens no longer work.")
    assert driver.find_elements(By.CSS_SELECTOR, "li.allowed-app") == []
    shot(driver, artifacts, "account-apps-revoked.png")
    # Its tokens stop working: the access token, and the refresh token cannot get new ones.
    assert me(stack, state["tokens"]["access_token"]).status_code == 401
    r = refresh(stack, App(state["client_id"], state["second"]), state["tokens"]["refresh_token"])
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
