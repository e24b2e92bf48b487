"""A real browser (headless Chromium driven by Selenium) through the whole front channel:
sign-in form → consent page (screenshot in the artifacts directory as consent.png) → Allow
reaches a local callback with code and state; Cancel gives access_denied; the consent page
cannot be framed and does not block a custom-scheme redirect. The browser stays on
loopback: its proxy is a closed local port, bypassed only for 127.0.0.1 and localhost."""
import os
import time
from urllib.parse import urlencode

import pytest
import requests
from selenium.webdriver.common.by import By

from authflow import (authorize_params, ensure_scopes, exchange, form_fields, make_app, make_confidential_app,
                      make_user, me, pkce_pair, query_of, remember)
from browserkit import Callback, chrome, fill_sign_in, wait_for_title


@pytest.fixture(scope="module")
def callback():
    c = Callback()
    yield c
    c.close()


@pytest.fixture(scope="module")
def driver():
    d = chrome()
    yield d
    d.quit()


@pytest.fixture(scope="module")
def world(stack, callback):
    ensure_scopes(stack)
    name, password = make_user(stack)
    client, secret = make_confidential_app(stack, [callback.url + "/callback"], name="Browser Test App",
                                           scope="profile email")
    return {"user": name, "password": password, "client": client, "secret": secret}


def test_sign_in_consent_and_allow_reach_the_callback(stack, driver, callback, world, artifacts):
    verifier, challenge = pkce_pair()
    redirect = callback.url + "/callback"
    state = "browser-state-1"
    driver.get(stack.url("/oauth2/authorize?" + urlencode(authorize_params(world["client"], challenge,
                                                                           redirect_uri=redirect, state=state,
                                                                           scope="profile email"))))
    wait_for_title(driver, "Sign in")
    assert driver.current_url.startswith(stack.url("/login?next="))
    fill_sign_in(driver, world["user"], world["password"])

    wait_for_title(driver, "Allow Browser Test App")
    page = driver.find_element(By.TAG_NAME, "main").text
    assert "Browser Test App" in page
    assert world["user"] in page
    assert "See your username and account id" in page and "See your email address" in page
    path = os.path.join(artifacts, "consent.png")
    assert driver.save_screenshot(path)
    assert os.path.getsize(path) > 5000

    driver.find_element(By.CSS_SELECTOR, "button[value=allow]").click()
    q = callback.wait(1)
    assert q["state"] == state
    assert q["iss"] == stack.issuer
    assert q["code"].startswith("lac_")
    remember(stack, q["code"], state)
    r = exchange(stack, q["code"], verifier, client_id=world["client"], secret=world["secret"], redirect_uri=redirect)
    assert r.status_code == 200, r.text
    assert me(stack, r.json()["access_token"]).json()["username"] == world["user"]


def test_cancel_reaches_the_callback_with_access_denied(stack, driver, callback, world):
    redirect = callback.url + "/callback"
    driver.get(stack.url("/oauth2/authorize?" + urlencode(authorize_params(world["client"], pkce_pair()[1],
                                                                           redirect_uri=redirect, state="cancel-me",
                                                                           prompt="consent"))))
    # Still signed in from the previous test, which allowed this verified app: without
    # prompt=consent the remembered consent would answer with a code at once.
    wait_for_title(driver, "Allow Browser Test App")
    before = len(callback.received)
    driver.find_element(By.CSS_SELECTOR, "button[value=cancel]").click()
    q = callback.wait(before + 1)
    assert q["error"] == "access_denied"
    assert q["error_description"]
    assert q["state"] == "cancel-me"
    assert q["iss"] == stack.issuer
    assert "code" not in q


def session_of(driver):
    """A requests session carrying the browser's latch cookies."""
    s = requests.Session()
    for cookie in driver.get_cookies():
        s.cookies.set(cookie["name"], cookie["value"])
    return s


def test_cancel_to_a_custom_scheme_redirect(stack, driver, world):
    uri = "jetbrains://gateway/com.example/oauth?x=1"
    client = make_app(stack, [uri], public=True, name="IDE Plugin")
    authorize = stack.url("/oauth2/authorize?" + urlencode(authorize_params(client, pkce_pair()[1], redirect_uri=uri,
                                                                            state="ide")))
    # The Location header, read with requests in the browser's session.
    s = session_of(driver)
    page = s.get(authorize, allow_redirects=False)
    assert page.status_code == 200
    r = s.post(stack.url("/oauth2/authorize"), data=form_fields(page.text, "/oauth2/authorize") + [("decision", "cancel")],
               allow_redirects=False)
    assert r.status_code == 302
    assert r.headers["Location"].startswith(uri + "&error=access_denied&error_description=")
    q = query_of(r.headers["Location"])
    assert q["state"] == "ide" and q["iss"] == stack.issuer
    # In the browser, the page's CSP must let the form's redirect go to jetbrains: (browsers
    # apply form-action to redirects; "form-action 'self' *" would block it).
    driver.get(authorize)
    wait_for_title(driver, "Allow IDE Plugin")
    driver.get_log("browser")
    driver.get_log("performance")
    driver.find_element(By.CSS_SELECTOR, "button[value=cancel]").click()
    violations, navigated = [], False
    deadline = time.time() + 15
    while time.time() < deadline and not violations and not navigated:
        violations += [e["message"] for e in driver.get_log("browser") if "Content Security Policy" in e["message"]]
        navigated = any(uri.split(":")[0] + ":" in e["message"] and "requestWillBeSent" in e["message"]
                        for e in driver.get_log("performance"))
        time.sleep(0.1)
    assert violations == []
    assert navigated, "the browser never tried to follow the redirect to jetbrains:"


def test_the_consent_page_cannot_be_framed(stack, driver, callback, world):
    authorize = stack.url("/oauth2/authorize?" + urlencode(authorize_params(
        world["client"], pkce_pair()[1], redirect_uri=callback.url + "/callback", state="framed", prompt="consent")))
    driver.get_log("browser")
    driver.get(callback.url + "/frame?" + urlencode({"src": authorize}))
    wait_for_title(driver, "framer")
    deadline = time.time() + 10
    messages = []
    while time.time() < deadline and not any("frame-ancestors" in m for m in messages):
        messages += [e["message"] for e in driver.get_log("browser")]
        time.sleep(0.2)
    assert any("frame-ancestors 'none'" in m for m in messages), messages
