"""Mints latch credentials exactly as the server does and stores them the way it stores
them, so token-lifecycle tests need no sign-in or consent flow:

    value = PREFIX + 16 hex lookup id + "_" + base64url(32 random bytes) (43 characters)
    stored: the lookup id and sha256(secret part) as bytea — never the value

Users, grants, tokens, codes and sessions are inserted with stack.psql; apps and their
secrets are made with `latchctl app create` and `latchctl app secret create`, as an admin would.
"""
import base64
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass, field

ACCESS, REFRESH, CODE, SESSION = "lat_", "lrt_", "lac_", "lss_"


@dataclass
class Minted:
    prefix: str
    id: str
    secret: str

    @property
    def value(self):
        return f"{self.prefix}{self.id}_{self.secret}"

    @property
    def hash_sql(self):
        return f"'\\x{hashlib.sha256(self.secret.encode()).hexdigest()}'::bytea"


def mint(prefix):
    secret = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
    assert len(secret) == 43
    return Minted(prefix, secrets.token_hex(8), secret)


def q(text):
    """A SQL literal (or NULL) for psql; values here are chosen by the tests."""
    if text is None:
        return "NULL"
    return "'" + str(text).replace("'", "''") + "'"


def unique(name):
    return f"{name}-{uuid.uuid4().hex[:10]}"


@dataclass
class App:
    client_id: str
    secret: str = None
    public: bool = False

    @property
    def auth(self):
        """requests' auth= for client_secret_basic (None for a public client)."""
        return None if self.public else (self.client_id, self.secret)

    def form(self, **fields):
        """Form fields, with client_id for a public client (auth method none)."""
        if self.public:
            fields.setdefault("client_id", self.client_id)
        return fields


@dataclass
class Pair:
    grant_id: str
    access: str
    refresh: str = None
    access_id: str = None
    refresh_id: str = None
    extra: dict = field(default_factory=dict)


class TokenFactory:
    def __init__(self, stack):
        self.stack = stack

    # -- deployment objects ---------------------------------------------------------
    def scope(self, name=None, description="a test scope"):
        name = name or unique("scope").replace("-", "_")
        self.stack.latchctl("scope", "add", name, "--description", description)
        return name

    def resource(self, uri, scopes=(), default_scopes=()):
        """A registered protected resource (latchctl resource add); an existing one is kept."""
        from clienthelpers import register_resource
        return register_resource(self.stack, uri, scopes=scopes, default_scopes=default_scopes)

    def app(self, scope=None, public=False, client_credentials=False, name=None):
        args = ["app", "create", "--name", name or unique("app"), "--callback-url", "https://app.example/cb"]
        if scope:
            args += ["--scope", scope]
        if public:
            args.append("--public")
        if client_credentials:
            args.append("--client-credentials")
        client_id = self.stack.latchctl(*args).stdout.strip()
        secret = None if public else self.stack.latchctl("app", "secret", "create", client_id).stdout.strip()
        return App(client_id, secret, public)

    def user(self, username=None, disabled=False):
        username = username or unique("user")
        user_id = self.stack.scalar(
            f"INSERT INTO users (username, disabled_at) VALUES ({q(username)}, {'now()' if disabled else 'NULL'}) RETURNING id")
        return int(user_id), username

    # -- grants and tokens ----------------------------------------------------------
    def grant(self, app, user_id, scope="", resource=None):
        grant_id = "g_" + secrets.token_hex(12)
        client_id = app.client_id if isinstance(app, App) else app
        self.stack.psql(
            f"INSERT INTO grants (id, client_id, user_id, scope, resource, last_used_at) "
            f"VALUES ({q(grant_id)}, {q(client_id)}, {q(user_id)}, {q(scope)}, {q(resource)}, now())")
        return grant_id

    def tokens(self, app, user_id, scope="", resource=None, grant_id=None, with_refresh=True,
               access_lifetime=3600, refresh_lifetime=2592000):
        """A grant (new unless grant_id is given) with an access token and its refresh token,
        exactly as the authorization_code exchange stores them."""
        client_id = app.client_id if isinstance(app, App) else app
        grant_id = grant_id or self.grant(client_id, user_id, scope, resource)
        access = mint(ACCESS)
        refresh = mint(REFRESH) if with_refresh else None
        statements = []
        if refresh:
            statements.append(
                f"INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, audience, expires_at) "
                f"VALUES ({q(refresh.id)}, 'refresh', {refresh.hash_sql}, {q(grant_id)}, {q(client_id)}, {q(user_id)}, "
                f"{q(scope)}, {q(resource)}, now() + make_interval(secs => {refresh_lifetime}))")
        statements.append(
            f"INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, audience, refresh_token_id, expires_at) "
            f"VALUES ({q(access.id)}, 'access', {access.hash_sql}, {q(grant_id)}, {q(client_id)}, {q(user_id)}, "
            f"{q(scope)}, {q(resource)}, {q(refresh.id if refresh else None)}, now() + make_interval(secs => {access_lifetime}))")
        self.stack.psql("; ".join(statements))
        return Pair(grant_id, access.value, refresh.value if refresh else None, access.id, refresh.id if refresh else None)

    def code(self, app, user_id, scope=""):
        """An unredeemed authorization code (as consent stores it)."""
        code = mint(CODE)
        client_id = app.client_id if isinstance(app, App) else app
        self.stack.psql(
            f"INSERT INTO authorization_codes (id, secret_hash, client_id, user_id, redirect_uri, redirect_uri_given, "
            f"code_challenge, scope, expires_at) VALUES ({q(code.id)}, {code.hash_sql}, {q(client_id)}, {q(user_id)}, "
            f"'https://app.example/cb', true, {q('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')}, {q(scope)}, "
            f"now() + interval '10 minutes')")
        return code

    def session(self, user_id):
        """A signed-in browser session: (cookie value, its CSRF token) — HMAC-SHA256 keyed
        with the session secret over "latch-csrf", base64url without padding, as the server does."""
        session = mint(SESSION)
        self.stack.psql(
            f"INSERT INTO sessions (id, secret_hash, user_id, source_address, expires_at) "
            f"VALUES ({q(session.id)}, {session.hash_sql}, {q(user_id)}, '127.0.0.1', now() + interval '1 hour')")
        csrf = base64.urlsafe_b64encode(hmac.new(session.secret.encode(), b"latch-csrf", hashlib.sha256).digest())
        return session.value, csrf.rstrip(b"=").decode()

    # -- looking at the database ----------------------------------------------------
    def grant_state(self, grant_id):
        row = self.stack.psql(f"SELECT revoked_at IS NOT NULL, coalesce(revoked_reason, '') FROM grants WHERE id = {q(grant_id)}")
        return (row[0][0] == "t", row[0][1]) if row else None


# -- fixtures and HTTP helpers shared by the token-lifecycle tests ----------------------
import pytest  # noqa: E402


@pytest.fixture
def factory(stack):
    return TokenFactory(stack)


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def token_request(stack, app, **fields):
    """POST /oauth2/tokens authenticated as app (client_secret_basic, or none when public)."""
    return stack.post("/oauth2/tokens", data=app.form(**fields), auth=app.auth)


def refresh(stack, app, refresh_token, **extra):
    return token_request(stack, app, grant_type="refresh_token", refresh_token=refresh_token, **extra)


def introspect(stack, app, token, **extra):
    return stack.post("/oauth2/introspect", data=app.form(token=token, **extra), auth=app.auth)


def revoke(stack, app, token, **extra):
    return stack.post("/oauth2/revoke", data=app.form(token=token, **extra), auth=app.auth)


def access_works(stack, access_token):
    """Whether a resource server would accept the token now (GET /oauth2/check)."""
    status = stack.get("/oauth2/check", headers=bearer(access_token)).status_code
    assert status in (204, 401), status
    return status == 204


def refresh_works(stack, app, refresh_token):
    """Whether the token is a live refresh token of app, asked without spending it."""
    doc = introspect(stack, app, refresh_token).json()
    return doc.get("active") is True and doc.get("token_type") == "refresh_token"
