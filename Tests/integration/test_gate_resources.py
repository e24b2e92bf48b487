"""The gate speaks RFC 6750 and RFC 9728 (README "Protect your API with latch: the gate"; RFC 8414 and RFC 9728; README "Scopes and resources"): a real nginx with the shipped snippets (latch-check.conf,
latch-protect.conf, latch-resource-metadata.conf) protects two locations for two registered
resources in front of a real upstream, and a client goes 401 → resource metadata → authorize with
`resource` → 204 at its resource and 401 at the other (wrong audience), then 403 → step-up."""
import os
import shutil
import subprocess
import tempfile

import pytest
import requests

import test_bearer_check as gate_kit
from authflow import Browser, authorize_params, exchange, make_confidential_app, make_user, pkce_pair
from clienthelpers import bearer, register_resource, unique
from latchstack import ROOT, free_port, nginx_user_line

REDIRECT = "https://app.example/cb"


@pytest.fixture(scope="module")
def two_resources(stack):
    """nginx on its own port: /files/ (files:read; /files/admin/ also files:write) and /notes/
    (notes:read), each naming its registered resource, plus their RFC 9728 metadata URLs."""
    for scope in ("files:read", "files:write", "notes:read"):
        stack.latchctl("scope", "add", scope, "--description", f"the {scope} scope")
    upstream = gate_kit.Upstream()
    prefix = tempfile.mkdtemp(prefix="latch-gate-")
    os.chmod(prefix, 0o755)
    for sub in ("logs", "tmp"):
        os.makedirs(os.path.join(prefix, sub))
    nginx_dir = os.path.join(ROOT, "deploy", "nginx")
    shutil.copy(os.path.join(nginx_dir, "latch-fastcgi-params.conf"), prefix)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    files, notes = base + "/files", base + "/notes"
    register_resource(stack, files, scopes=["files:read", "files:write"], default_scopes=["files:read"], name="Files")
    register_resource(stack, notes, scopes=["notes:read"], name="Notes")

    def protected(path, resource, scope):
        return f"""
        location {path} {{
            set $latch_resource "{resource}";
            set $latch_scope "{scope}";
            include {nginx_dir}/latch-protect.conf;
            proxy_pass http://my_api;
        }}"""

    def metadata(path, resource):
        return f"""
        location = /.well-known/oauth-protected-resource{path} {{
            set $latch_resource "{resource}";
            include {nginx_dir}/latch-resource-metadata.conf;
        }}"""

    conf = os.path.join(prefix, "nginx.conf")
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
    upstream latch_discovery {{ server unix:{stack.dir}/run/latch-discovery.sock; }}
    upstream my_api {{ server 127.0.0.1:{upstream.port}; }}
    server {{
        listen 127.0.0.1:{port};
        include {nginx_dir}/latch-check.conf;
        {protected("/files/", files, "files:read")}
        {protected("/files/admin/", files, "files:read files:write")}
        {protected("/notes/", notes, "notes:read")}
        {metadata("/files", files)}
        {metadata("/notes", notes)}
        location /public/ {{ proxy_pass http://my_api; }}
    }}
}}
""")
    started = subprocess.run(["nginx", "-p", prefix, "-c", conf], capture_output=True, text=True, timeout=30)
    assert started.returncode == 0, started.stderr
    stack.wait_until(lambda: gate_kit._up(base + "/public/ping"), timeout=10)
    yield {"base": base, "files": files, "notes": notes, "upstream": upstream}
    subprocess.run(["nginx", "-p", prefix, "-c", conf, "-s", "stop"], capture_output=True, timeout=30)
    upstream.stop()
    shutil.rmtree(prefix, ignore_errors=True)


@pytest.fixture(scope="module")
def person(stack):
    name, password = make_user(stack)
    browser = Browser(stack)
    assert browser.sign_in(name, password).status_code == 303
    client, secret = make_confidential_app(stack, [REDIRECT], name=unique("Gate app"))
    return {"browser": browser, "client": client, "secret": secret}


def token_for(stack, person, resource, scope):
    """authorize with `resource` and `scope` → Allow → code → token."""
    verifier, challenge = pkce_pair()
    code = person["browser"].code(authorize_params(person["client"], challenge, redirect_uri=REDIRECT, state="s",
                                                   scope=scope, resource=resource))
    r = exchange(stack, code, verifier, client_id=person["client"], secret=person["secret"], redirect_uri=REDIRECT)
    assert r.status_code == 200, r.text
    assert r.json()["scope"] == scope
    return r.json()["access_token"]


def challenge(resource_path, base, scope, error=None):
    value = f'Bearer resource_metadata="{base}/.well-known/oauth-protected-resource{resource_path}", scope="{scope}"'
    return value + (f', error="{error}"' if error else "")


def test_401_metadata_authorize_204_here_401_there_and_403_step_up(stack, two_resources, person):
    base, upstream = two_resources["base"], two_resources["upstream"]
    hits = upstream.hits

    # 1. No token: 401 naming where the resource's metadata is and what scope it needs.
    r = requests.get(base + "/files/report.txt", timeout=10)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == challenge("/files", base, "files:read")

    # 2. The metadata (RFC 9728), served on the resource's own host by latch-discovery.
    doc = requests.get(base + "/.well-known/oauth-protected-resource/files", timeout=10)
    assert doc.status_code == 200
    assert doc.json() == {"resource": two_resources["files"], "resource_name": "Files",
                          "authorization_servers": [stack.issuer], "bearer_methods_supported": ["header"],
                          "scopes_supported": ["files:read", "files:write"]}

    # 3. authorize with that resource and scope; the token is for Files only.
    token = token_for(stack, person, doc.json()["resource"], "files:read")
    r = requests.get(base + "/files/report.txt", headers=bearer(token), timeout=10)
    assert r.status_code == 200, r.text
    seen = {k.lower(): v for k, v in r.json()["latch"].items()}
    assert seen["x-latch-audience"] == two_resources["files"]
    assert seen["x-latch-client"] == person["client"] and seen["x-latch-client-verified"] == "true"
    assert seen["x-latch-scope"] == "files:read"
    hits += 1

    # 4. The same token at the other resource: 401 invalid_token with that resource's challenge.
    r = requests.get(base + "/notes/today", headers=bearer(token), timeout=10)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].startswith(challenge("/notes", base, "notes:read", "invalid_token"))

    # 5. A location needing more scope: 403 insufficient_scope naming every required scope.
    r = requests.get(base + "/files/admin/purge", headers=bearer(token), timeout=10)
    assert r.status_code == 403
    assert r.headers["WWW-Authenticate"] == (
        f'Bearer error="insufficient_scope", scope="files:read files:write", '
        f'resource_metadata="{base}/.well-known/oauth-protected-resource/files"')
    assert upstream.hits == hits  # nothing refused reached the upstream

    # 6. Step up: authorize again with the scopes the challenge named.
    stronger = token_for(stack, person, two_resources["files"], "files:read files:write")
    r = requests.get(base + "/files/admin/purge", headers=bearer(stronger), timeout=10)
    assert r.status_code == 200
    assert {k.lower(): v for k, v in r.json()["latch"].items()}["x-latch-scope"] == "files:read files:write"


def test_a_notes_token_works_for_notes_only_and_never_for_latchs_own_api(stack, two_resources, person):
    base = two_resources["base"]
    token = token_for(stack, person, two_resources["notes"], "notes:read")
    assert requests.get(base + "/notes/today", headers=bearer(token), timeout=10).status_code == 200
    assert requests.get(base + "/files/report.txt", headers=bearer(token), timeout=10).status_code == 401
    # latch's own API refuses a token meant for another resource (RFC 9700 section 2.3).
    r = stack.get("/api/v2/users/me", headers=bearer(token))
    assert r.status_code == 401 and 'error="invalid_token"' in r.headers["WWW-Authenticate"]
    # Introspection tells a resource server whom the token is for.
    app, secret = make_confidential_app(stack, [REDIRECT])
    assert stack.post("/oauth2/introspect", data={"token": token}, auth=(app, secret)).json()["aud"] == two_resources["notes"]


def test_unknown_metadata_paths_are_404(stack, two_resources):
    r = stack.get("/.well-known/oauth-protected-resource/no/such/thing")
    assert r.status_code == 404 and r.json()["error"] == "not_found"


def test_metadata_of_a_resource_on_the_issuers_origin(stack):
    stack.latchctl("scope", "add", "reports:read", "--description", "Read reports")
    identifier = stack.issuer + "/reports/v2"
    register_resource(stack, identifier, scopes=["reports:read"], name="Reports",
                      extra=("--dpop-required", "--token-format", "jwt"))
    r = stack.get("/.well-known/oauth-protected-resource/reports/v2")
    assert r.status_code == 200, r.text
    assert r.json() == {"resource": identifier, "resource_name": "Reports", "authorization_servers": [stack.issuer],
                        "bearer_methods_supported": ["header"], "scopes_supported": ["reports:read"],
                        "dpop_bound_access_tokens_required": True}
    own = stack.get("/.well-known/oauth-protected-resource").json()
    assert own["resource"] == stack.issuer and {"openid", "offline_access", "reports:read"} <= set(own["scopes_supported"])
