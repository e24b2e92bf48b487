"""Helpers for the web-page tests (admin console, "Your apps"): a signed-in Browser, the
fields of a page's form, and the console's create/secret forms driven over HTTP as a browser
without JavaScript would post them."""
import html
import re

from authflow import Browser, make_user, remember


def signed_in(stack, admin=False):
    """(Browser signed in as a new user, username)."""
    name, password = make_user(stack, admin=admin)
    browser = Browser(stack)
    assert browser.sign_in(name, password).status_code == 303
    return browser, name


def csrf_of(page_text):
    """The session CSRF token a latch page carries (the sign-out form has it on every page)."""
    return html.unescape(re.search(r'name="csrf_token" value="([^"]*)"', page_text).group(1))


def create_app(browser, name, redirect_uris, scopes=(), kind="confidential", icon=""):
    """Posts the console's "New app" form; returns the response (303 to the app on success)."""
    page = browser.get("/admin/apps/new")
    assert page.status_code == 200, page.text[:300]
    fields = [("name", name), ("redirect_uris", "\n".join(redirect_uris)), ("icon", icon), ("type", kind)]
    fields += [("scope", s) for s in scopes]
    fields.append(("csrf_token", csrf_of(page.text)))
    return browser.post("/admin/apps", data=fields)


def created_client_id(response):
    assert response.status_code == 303, response.text[:500]
    location = response.headers["Location"]
    match = re.fullmatch(r"/admin/apps/(app_[0-9a-f]{20})\?notice=created", location)
    assert match, location
    return match.group(1)


def create_secret(browser, client_id):
    """Posts "Create a secret" on the app's page; returns (response, secret read from the page)."""
    page = browser.get(f"/admin/apps/{client_id}")
    r = browser.post(f"/admin/apps/{client_id}/secrets", data={"csrf_token": csrf_of(page.text)})
    match = re.search(r'<input type="text" id="secret" class="secret" value="([^"]+)"', r.text)
    secret = html.unescape(match.group(1)) if match else None
    remember(browser.stack, secret)
    return r, secret


def secret_ids(page_text):
    return re.findall(r'<tr data-secret-id="([^"]+)">', page_text)
