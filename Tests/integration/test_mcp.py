"""MCP first contact: PyPI's `mcp` SDK client (`OAuthClientProvider`) against a small MCP
server protected by latch. The client is told nothing but the MCP server's URL: it finds latch
through /.well-known/oauth-protected-resource and /.well-known/oauth-authorization-server,
registers itself as a public client with a loopback redirect on a port it picked at run time,
runs PKCE through sign-in and consent, and calls a tool that returns who latch says the caller is.
Revision 2: the MCP server is a registered resource and `mcp:tools` an open scope (the SDK's
client registers itself anonymously, so it is unverified).

The browser's part (sign-in, consent) is `browser_sign_in_and_consent`: it reads the HTML forms
latch serves (/login, the consent page) and submits them as a person would, so it does not
depend on field names beyond the contract's (username, password, csrf_token, an Allow button).
"""
import html.parser
import http.server
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

import anyio
import httpx2
import pytest
import requests
from mcp.client import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientMetadata

from clienthelpers import create_user, register_resource, unique

HERE = os.path.dirname(__file__)
PASSWORD = "correct horse battery staple"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def mcp_server(stack):
    stack.latchctl("scope", "add", "mcp:tools", "--description", "Use the tools of the test MCP server", "--open")
    port = free_port()
    register_resource(stack, f"http://127.0.0.1:{port}/mcp", scopes=["mcp:tools"], name="test MCP server")
    process = subprocess.Popen([sys.executable, os.path.join(HERE, "mcp_resource_server.py"), "--port", str(port),
                                "--issuer", stack.issuer], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/mcp"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/.well-known/oauth-protected-resource/mcp", timeout=2).status_code == 200:
                break
        except requests.ConnectionError:
            time.sleep(0.1)
    else:
        process.kill()
        raise RuntimeError("MCP server did not start:\n" + process.communicate()[0])
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


class LoopbackCallback:
    """The native app's loopback redirect listener (RFC 8252 section 7.3) on a port picked now."""

    def __init__(self):
        self.result = None
        self.received = threading.Event()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                parsed = urllib.parse.urlsplit(self.path)
                if parsed.path == "/callback":
                    outer.result = dict(urllib.parse.parse_qsl(parsed.query))
                    outer.received.set()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"You can close this window.")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.redirect_uri = f"http://127.0.0.1:{self.server.server_address[1]}/callback"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class MemoryStorage:
    def __init__(self):
        self.tokens = None
        self.client_info = None

    async def get_tokens(self):
        return self.tokens

    async def set_tokens(self, tokens):
        self.tokens = tokens

    async def get_client_info(self):
        return self.client_info

    async def set_client_info(self, client_info):
        self.client_info = client_info


class Forms(html.parser.HTMLParser):
    """The forms of a page: action, method, inputs (name → value) and submit buttons."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._button = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "method": (a.get("method") or "get").lower(),
                               "inputs": {}, "buttons": []})
        elif not self.forms:
            return
        elif tag == "input" and a.get("type", "text").lower() in ("submit",):
            self.forms[-1]["buttons"].append({"name": a.get("name"), "value": a.get("value", ""), "text": a.get("value", "")})
        elif tag == "input" and a.get("name"):
            self.forms[-1]["inputs"][a["name"]] = a.get("value", "")
        elif tag == "button" and a.get("type", "submit").lower() == "submit":
            self._button = {"name": a.get("name"), "value": a.get("value", ""), "text": ""}
            self.forms[-1]["buttons"].append(self._button)

    def handle_data(self, data):
        if self._button is not None:
            self._button["text"] += data

    def handle_endtag(self, tag):
        if tag == "button":
            self._button = None


def forms_of(page):
    parser = Forms()
    parser.feed(page)
    return parser.forms


def submit(session, page_url, form, fields, button=None):
    data = dict(form["inputs"])
    data.update(fields)
    if button and button["name"]:
        data[button["name"]] = button["value"]
    target = urllib.parse.urljoin(page_url, form["action"] or page_url)
    return session.post(target, data=data, allow_redirects=False, timeout=30)


def browser_sign_in_and_consent(stack, authorization_url, username, password):
    """What the person does in the browser: open the authorization URL, sign in, press Allow.
    Returns the URL latch redirects the browser to (the client's loopback redirect).

    Needs latch's /login and consent pages (README "The authorization endpoint")."""
    browser = requests.Session()
    r = browser.get(authorization_url, allow_redirects=False, timeout=30)
    assert r.status_code in (200, 303), (
        f"GET /oauth2/authorize answered {r.status_code} {r.text[:200]!r}: this build has no authorization endpoint "
        f"(sign-in and consent come with the authorization-code change)")
    if r.status_code == 303:
        login_url = urllib.parse.urljoin(stack.issuer, r.headers["Location"])
        page = browser.get(login_url, timeout=30)
        assert page.status_code == 200, f"GET {login_url}: {page.status_code}"
        form = next(f for f in forms_of(page.text) if "password" in f["inputs"] or f["method"] == "post")
        r = submit(browser, login_url, form, {"username": username, "password": password})
        assert r.status_code == 303, f"sign-in answered {r.status_code}: {r.text[:200]!r}"
        back = urllib.parse.urljoin(stack.issuer, r.headers["Location"])
        r = browser.get(back, allow_redirects=False, timeout=30)
    assert r.status_code == 200, f"consent page answered {r.status_code}: {r.text[:200]!r}"
    consent_url = r.url
    for form in forms_of(r.text):
        allow = [b for b in form["buttons"] if "allow" in (b["text"] + " " + (b["value"] or "")).lower()]
        if form["method"] == "post" and allow:
            r = submit(browser, consent_url, form, {}, allow[0])
            break
    else:
        raise AssertionError("no consent form with an Allow button on the consent page")
    assert r.status_code == 302, f"consent answered {r.status_code}: {r.text[:200]!r}"
    return r.headers["Location"]


def client_metadata(redirect_uri):
    return OAuthClientMetadata(client_name="latch MCP first-contact test", redirect_uris=[redirect_uri],
                               grant_types=["authorization_code", "refresh_token"], response_types=["code"],
                               token_endpoint_auth_method="none")


async def call_whoami(mcp_url, provider):
    async with httpx2.AsyncClient(auth=provider, timeout=30) as http:
        async with Client(streamable_http_client(mcp_url, http_client=http)) as client:
            tools = await client.list_tools()
            assert "whoami" in [t.name for t in tools.tools]
            result = await client.call_tool("whoami", {})
            return result


def sign_in_and_call_whoami(stack, mcp_url, person, callback, storage, seen=None, **provider_options):
    """The SDK's OAuth client through latch to the `whoami` tool: the "browser" signs `person`
    in, allows, and follows latch's redirect to the loopback `callback`, which hands the code
    back; `seen["url"]` gets the authorization URL. Closes `callback`; returns the tool's result."""
    async def redirect_handler(url):
        if seen is not None:
            seen["url"] = url
        location = await anyio.to_thread.run_sync(browser_sign_in_and_consent, stack, url, person["username"], PASSWORD)
        assert location.startswith(callback.redirect_uri + "?"), location
        await anyio.to_thread.run_sync(lambda: requests.get(location, timeout=10))

    async def callback_handler():
        received = await anyio.to_thread.run_sync(callback.received.wait, 30)
        assert received, "the loopback redirect never arrived"
        return AuthorizationCodeResult(code=callback.result["code"], state=callback.result.get("state"),
                                       iss=callback.result.get("iss"))

    provider = OAuthClientProvider(mcp_url, client_metadata(callback.redirect_uri), storage, redirect_handler,
                                   callback_handler, **provider_options)

    async def run():
        with anyio.fail_after(90):
            return await call_whoami(mcp_url, provider)

    try:
        return anyio.run(run)
    finally:
        callback.close()


def test_mcp_client_discovers_latch_and_registers_itself(stack, mcp_server):
    """Discovery and dynamic registration with the real SDK, up to the authorization redirect."""
    callback = LoopbackCallback()
    seen = {}
    storage = MemoryStorage()

    class StopAtAuthorization(Exception):
        pass

    async def redirect_handler(url):
        seen["url"] = url
        raise StopAtAuthorization()

    async def callback_handler():
        raise AssertionError("not reached")

    provider = OAuthClientProvider(mcp_server, client_metadata(callback.redirect_uri), storage, redirect_handler, callback_handler)

    async def run():
        with anyio.fail_after(60):
            try:
                await call_whoami(mcp_server, provider)
            except BaseException:  # the SDK wraps the handler's exception in its task groups
                pass

    try:
        anyio.run(run)
    finally:
        callback.close()
    assert "url" in seen, "the SDK never reached the authorization step"
    url = urllib.parse.urlsplit(seen["url"])
    query = dict(urllib.parse.parse_qsl(url.query))
    assert f"{url.scheme}://{url.netloc}{url.path}" == stack.issuer + "/oauth2/authorize"
    assert query["response_type"] == "code"
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["redirect_uri"] == callback.redirect_uri
    assert query["resource"] == mcp_server
    # The SDK adds offline_access when the server lists it (revision 2: always defined and open).
    assert query["scope"] == "mcp:tools offline_access"
    info = storage.client_info
    assert info.client_id == query["client_id"] and info.client_secret is None
    assert info.token_endpoint_auth_method == "none"
    row = stack.psql(f"SELECT name, origin, token_endpoint_auth_method, array_to_string(redirect_uris, ' '), "
                     f"array_to_string(scope, ' ') FROM clients WHERE client_id = '{info.client_id}'")
    assert row == [["latch MCP first-contact test", "dynamic", "none", callback.redirect_uri, "mcp:tools offline_access"]]


def test_mcp_first_contact_end_to_end(stack, mcp_server):
    """The whole first contact: discovery, registration, PKCE through sign-in and consent, the
    token exchange, and a tool call whose answer is latch's /api/v2/users/me for the person."""
    person = create_user(stack, name=unique("mcp-user"))
    callback = LoopbackCallback()
    storage = MemoryStorage()
    result = sign_in_and_call_whoami(stack, mcp_server, person, callback, storage)
    assert not result.is_error, result
    import json
    assert json.loads(result.content[0].text) == {"id": person["id"], "username": person["username"]}
    assert callback.result["iss"] == stack.issuer
    assert storage.tokens.access_token.startswith("lat_") and storage.tokens.refresh_token.startswith("lrt_")
    assert storage.tokens.scope == "mcp:tools offline_access"
    # The token is bound to the MCP server as its audience (RFC 8707).
    token_id = storage.tokens.access_token[4:20]
    assert stack.psql(f"SELECT audience, client_id FROM tokens WHERE id = '{token_id}'") == [[mcp_server, storage.client_info.client_id]]
