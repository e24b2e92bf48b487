"""Helpers for the sign-in → consent → code → token flow, driven over HTTP through nginx
the way a browser and a client would. Every credential, password and state value the
helpers see is remembered in MINTED (per stack) for the storage scan."""
import base64
import hashlib
import html
import re
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from requests.adapters import HTTPAdapter

# stack base URL -> set of secret strings (credentials, passwords, state values) seen in tests
MINTED = {}


def remember(stack, *values):
    MINTED.setdefault(stack.base_url, set()).update(v for v in values if v)
    return values[0] if len(values) == 1 else values


def unique(prefix):
    return f"{prefix}-{secrets.token_hex(4)}"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def pkce_pair():
    verifier = b64url(secrets.token_bytes(48))
    return verifier, b64url(hashlib.sha256(verifier.encode()).digest())


def query_of(location):
    """The query parameters of a redirect Location, one value each."""
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query, keep_blank_values=True).items()}


def ensure_scopes(stack):
    stack.latchctl("scope", "add", "profile", "--description", "See your username and account id")
    stack.latchctl("scope", "add", "email", "--description", "See your email address")


def make_user(stack, name=None, password=None, admin=False):
    name = name or unique("user")
    password = password or secrets.token_urlsafe(12)
    args = ["user", "create", name, "--password-stdin"] + (["--admin"] if admin else [])
    stack.latchctl(*args, input=password)
    remember(stack, password)
    return name, password


def make_app(stack, redirect_uris, name=None, scope=None, public=False, icon=None):
    args = ["app", "create", "--name", name or unique("app")]
    for uri in redirect_uris:
        args += ["--callback-url", uri]
    if scope is not None:
        args += ["--scope", scope]
    if public:
        args.append("--public")
    if icon:
        args += ["--icon", icon]
    return stack.latchctl(*args).stdout.strip()


def make_secret(stack, client_id):
    return remember(stack, stack.latchctl("app", "secret", "create", client_id).stdout.strip())


def make_confidential_app(stack, redirect_uris, **kw):
    client_id = make_app(stack, redirect_uris, **kw)
    return client_id, make_secret(stack, client_id)


def form_fields(page, action):
    """The (name, value) pairs of the inputs of the form posting to `action`."""
    start = page.index(f'action="{action}"')
    form = page[start:page.index("</form>", start)]
    return [(html.unescape(n), html.unescape(v))
            for n, v in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)"', form)]


class SourceAddressAdapter(HTTPAdapter):
    """Connects from a chosen loopback address, so that nginx's REMOTE_ADDR differs."""

    def __init__(self, address, **kw):
        self.address = address
        super().__init__(**kw)

    def init_poolmanager(self, *args, **kw):
        kw["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kw)


def loopback_address():
    """A random 127.x.y.z address (all of 127/8 reaches nginx on 127.0.0.1)."""
    return f"127.{secrets.randbelow(200) + 20}.{secrets.randbelow(250) + 1}.{secrets.randbelow(250) + 1}"


class Browser:
    """A cookie-keeping HTTP session that fills in latch's forms as a person would."""

    def __init__(self, stack, source_address=None):
        self.stack = stack
        self.session = requests.Session()
        if source_address:
            adapter = SourceAddressAdapter(source_address)
            self.session.mount("http://", adapter)

    def get(self, path_or_url, **kw):
        kw.setdefault("allow_redirects", False)
        kw.setdefault("timeout", 30)
        url = path_or_url if "://" in path_or_url else self.stack.url(path_or_url)
        return self.session.get(url, **kw)

    def post(self, path, **kw):
        kw.setdefault("allow_redirects", False)
        kw.setdefault("timeout", 30)
        return self.session.post(self.stack.url(path), **kw)

    def login_form(self, next_path=None):
        r = self.get("/login" + ("?" + urlencode({"next": next_path}) if next_path else ""))
        assert r.status_code == 200, r.text
        return dict(form_fields(r.text, "/login"))

    def sign_in(self, username, password, next_path=None):
        fields = self.login_form(next_path)
        remember(self.stack, fields["csrf_token"])
        r = self.post("/login", data={"username": username, "password": password,
                                      "csrf_token": fields["csrf_token"], "next": fields["next"]})
        if "latch_session" in self.session.cookies:
            remember(self.stack, self.session.cookies["latch_session"])
        return r

    def authorize(self, params):
        """GET /oauth2/authorize with `params` (a dict or a list of pairs)."""
        return self.get("/oauth2/authorize?" + urlencode(params))

    def consent(self, params):
        r = self.authorize(params)
        assert r.status_code == 200, (r.status_code, r.headers.get("Location"), r.text[:500])
        return form_fields(r.text, "/oauth2/authorize")

    def decide(self, fields, decision):
        return self.post("/oauth2/authorize", data=list(fields) + [("decision", decision)])

    def code(self, params):
        """Runs authorize → Allow and returns the code from the redirect. A verified app this
        person already allowed these scopes gets its code without the page (remembered
        consent, README "The authorization endpoint" step 5)."""
        r = self.authorize(params)
        if r.status_code == 302 and "code" in query_of(r.headers["Location"]):
            q = query_of(r.headers["Location"])
            remember(self.stack, q["code"], q.get("state"))
            return q["code"]
        assert r.status_code == 200, (r.status_code, r.headers.get("Location"), r.text[:500])
        r = self.decide(form_fields(r.text, "/oauth2/authorize"), "allow")
        assert r.status_code == 302, (r.status_code, r.text[:500])
        q = query_of(r.headers["Location"])
        remember(self.stack, q["code"], q.get("state"))
        return q["code"]


def authorize_params(client_id, challenge, redirect_uri=None, state=None, scope=None, resource=None, **extra):
    params = {"response_type": "code", "client_id": client_id,
              "code_challenge": challenge, "code_challenge_method": "S256"}
    if redirect_uri is not None:
        params["redirect_uri"] = redirect_uri
    if state is not None:
        params["state"] = state
    if scope is not None:
        params["scope"] = scope
    if resource is not None:
        params["resource"] = resource
    params.update(extra)
    return params


def exchange(stack, code, verifier=None, client_id=None, secret=None, redirect_uri=None, method="basic", **extra):
    """POST /oauth2/tokens for an authorization code; remembers whatever tokens come back."""
    data = {"grant_type": "authorization_code", "code": code}
    if verifier is not None:
        data["code_verifier"] = verifier
    if redirect_uri is not None:
        data["redirect_uri"] = redirect_uri
    data.update(extra)
    auth = None
    if method == "basic":
        auth = (client_id, secret)
    elif method == "post":
        data.update(client_id=client_id, client_secret=secret)
    else:
        data["client_id"] = client_id
    r = stack.post("/oauth2/tokens", data=data, auth=auth)
    if r.status_code == 200:
        body = r.json()
        remember(stack, body.get("access_token"), body.get("refresh_token"))
    return r


def me(stack, access_token):
    return stack.get("/api/v2/users/me", headers={"Authorization": f"Bearer {access_token}"})
