"""GET /oauth2/check, and deploy/nginx/latch-protect.conf + latch-check.conf in a real nginx
(its own prefix and port) in front of a tiny upstream that echoes what it received."""
import json
import os
import shutil
import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from latchstack import ROOT, free_port, nginx_user_line
from tokenfactory import bearer, factory, token_request  # noqa: F401

# -- /oauth2/check itself -----------------------------------------------------------------


def test_check_answers_204_with_who_the_token_acts_for(stack, factory):
    app = factory.app()
    user_id, username = factory.user()
    pair = factory.tokens(app, user_id, scope="")
    stack.psql(f"UPDATE tokens SET scope = 'a:read b:write' WHERE id = '{pair.access_id}'")
    r = stack.get("/oauth2/check", headers=bearer(pair.access))
    assert r.status_code == 204
    assert r.headers["X-Latch-User"] == username
    assert r.headers["X-Latch-User-Id"] == str(user_id)
    assert r.headers["X-Latch-Client"] == app.client_id
    assert r.headers["X-Latch-Scope"] == "a:read b:write"
    assert r.content == b""


def test_check_refuses_with_the_rfc9728_challenge(stack, factory):
    metadata = f'resource_metadata="{stack.issuer}/.well-known/oauth-protected-resource"'
    r = stack.get("/oauth2/check")
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == f"Bearer {metadata}"
    app = factory.app()
    user_id, _ = factory.user()
    pair = factory.tokens(app, user_id)
    for presented in (pair.refresh, pair.access[:-43] + "A" * 43, "lat_garbage"):
        r = stack.get("/oauth2/check", headers=bearer(presented))
        assert r.status_code == 401, presented
        assert r.headers["WWW-Authenticate"].startswith(f'Bearer {metadata}, error="invalid_token"')


def test_bearer_tokens_in_query_or_form_are_never_honoured(stack, factory):
    app = factory.app()
    user_id, _ = factory.user()
    pair = factory.tokens(app, user_id)
    for path in ("/oauth2/check", "/api/v2/users/me"):
        assert stack.get(f"{path}?access_token={pair.access}").status_code == 401
        r = stack.request("GET", path, data={"access_token": pair.access})
        assert r.status_code == 401
        assert "error=" not in r.headers["WWW-Authenticate"]  # no token was sent the OAuth 2.1 way
        assert stack.get(path, headers=bearer(pair.access)).status_code in (200, 204)


# -- a real nginx auth_request in front of an upstream ------------------------------------


class Upstream:
    """A tiny HTTP API that answers 200 with the X-Latch-* headers and body it received."""

    def __init__(self):
        self.hits = 0
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self):
                upstream.hits += 1
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                doc = {"path": self.path, "method": self.command, "body": body,
                       "latch": {k: v for k, v in self.headers.items() if k.lower().startswith("x-latch-")}}
                out = json.dumps(doc).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def gateway(stack):
    """A second nginx protecting /api/ with the shipped snippets, in front of Upstream."""
    upstream = Upstream()
    prefix = tempfile.mkdtemp(prefix="latch-gateway-")
    os.chmod(prefix, 0o755)
    for sub in ("logs", "tmp"):
        os.makedirs(os.path.join(prefix, sub))
    port = free_port()
    conf = os.path.join(prefix, "nginx.conf")
    nginx_dir = os.path.join(ROOT, "deploy", "nginx")
    with open(conf, "w") as f:
        f.write(f"""
{nginx_user_line()}
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {prefix}/logs/access.log;
    client_body_temp_path {prefix}/tmp/body;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    proxy_temp_path {prefix}/tmp/proxy;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    upstream latch_tokens {{ server unix:{stack.dir}/run/latch-tokens.sock; }}
    upstream my_api {{ server 127.0.0.1:{upstream.port}; }}
    server {{
        listen 127.0.0.1:{port};
        include {nginx_dir}/latch-check.conf;
        location /api/ {{
            include {nginx_dir}/latch-protect.conf;
            proxy_pass http://my_api;
        }}
        location /public/ {{ proxy_pass http://my_api; }}
    }}
}}
""")
    started = subprocess.run(["nginx", "-p", prefix, "-c", conf], capture_output=True, text=True, timeout=30)
    assert started.returncode == 0, started.stderr
    base = f"http://127.0.0.1:{port}"
    stack.wait_until(lambda: _up(base + "/public/ping"), timeout=10)
    yield base, upstream
    subprocess.run(["nginx", "-p", prefix, "-c", conf, "-s", "stop"], capture_output=True, timeout=30)
    upstream.stop()
    shutil.rmtree(prefix, ignore_errors=True)


def _up(url):
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.ConnectionError:
        return False


def test_protected_location_lets_a_valid_token_through_with_identity(stack, factory, gateway):
    base, upstream = gateway
    app = factory.app()
    user_id, username = factory.user(username="zoë " + os.urandom(4).hex())
    pair = factory.tokens(app, user_id, scope="")
    stack.psql(f"UPDATE tokens SET scope = 'orders:read' WHERE id = '{pair.access_id}'")
    r = requests.get(base + "/api/orders?page=2", headers=bearer(pair.access), timeout=10)
    assert r.status_code == 200, r.text
    seen = r.json()
    assert seen["path"] == "/api/orders?page=2"
    latch = {k.lower(): v for k, v in seen["latch"].items()}
    # Revision 2 adds the client's verified flag and the token's audience (latch's own API here).
    assert latch == {
        "x-latch-user": username.replace("ë", "%C3%AB"),
        "x-latch-user-id": str(user_id),
        "x-latch-client": app.client_id,
        "x-latch-client-verified": "true",
        "x-latch-scope": "orders:read",
        "x-latch-audience": stack.issuer,
    }
    # A body goes to the upstream untouched (the check subrequest never reads it).
    r = requests.post(base + "/api/orders", data="item=42&qty=1", headers=bearer(pair.access), timeout=10)
    assert r.status_code == 200 and r.json()["body"] == "item=42&qty=1" and r.json()["method"] == "POST"


def test_protected_location_answers_401_without_a_valid_token(stack, factory, gateway):
    base, upstream = gateway
    app = factory.app()
    user_id, _ = factory.user()
    pair = factory.tokens(app, user_id)
    hits = upstream.hits
    metadata = f'Bearer resource_metadata="{stack.issuer}/.well-known/oauth-protected-resource"'

    r = requests.get(base + "/api/orders", timeout=10)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == metadata

    assert requests.get(base + "/api/orders", headers=bearer(pair.access), timeout=10).status_code == 200
    hits += 1
    stack.post("/oauth2/revoke", data={"token": pair.access}, auth=app.auth)
    r = requests.get(base + "/api/orders", headers=bearer(pair.access), timeout=10)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].startswith(metadata + ', error="invalid_token"')

    for attempt in (lambda: requests.get(base + f"/api/orders?access_token={pair.refresh}", timeout=10),
                    lambda: requests.get(base + "/api/orders", headers={"Authorization": "Basic Zm9vOmJhcg=="}, timeout=10),
                    lambda: requests.get(base + "/api/orders", headers=bearer(pair.refresh), timeout=10)):
        assert attempt().status_code == 401
    # The internal location cannot be called from outside.
    assert requests.get(base + "/_latch/check", headers=bearer(pair.access), timeout=10).status_code == 404
    assert upstream.hits == hits  # no refused request reached the upstream


def test_token_in_query_or_form_never_passes_the_gate(stack, factory, gateway):
    base, upstream = gateway
    app = factory.app()
    user_id, _ = factory.user()
    pair = factory.tokens(app, user_id)
    hits = upstream.hits
    assert requests.get(base + f"/api/orders?access_token={pair.access}", timeout=10).status_code == 401
    assert requests.post(base + "/api/orders", data={"access_token": pair.access}, timeout=10).status_code == 401
    assert upstream.hits == hits


def test_clients_cannot_spoof_the_identity_headers(stack, factory, gateway):
    base, upstream = gateway
    scope = factory.scope()
    service = factory.app(scope=scope, client_credentials=True)
    token = token_request(stack, service, grant_type="client_credentials").json()["access_token"]
    spoof = {"X-Latch-User": "admin", "X-Latch-User-Id": "1", "X-Latch-Client": "app_evil", "X-Latch-Scope": "everything"}
    r = requests.get(base + "/api/whoami", headers={**spoof, **bearer(token)}, timeout=10)
    assert r.status_code == 200
    latch = {k.lower(): v for k, v in r.json()["latch"].items()}
    # A client_credentials token acts for no user: the spoofed user headers are dropped.
    assert latch == {"x-latch-client": service.client_id, "x-latch-client-verified": "true", "x-latch-scope": scope,
                     "x-latch-audience": stack.issuer}
    assert requests.get(base + "/api/whoami", headers=spoof, timeout=10).status_code == 401
