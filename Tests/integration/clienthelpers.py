"""Helpers for the client-management tests: users, browser sessions and tokens made
directly in PostgreSQL in exactly the shape latch mints them, so that tests can hold real
credentials without going through the sign-in pages."""
import base64
import hashlib
import hmac
import secrets
import uuid


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def mint(prefix):
    """A credential as latch mints it: (value, lookup id, secret, sha256(secret) hex)."""
    lookup = secrets.token_hex(8)
    secret = b64url(secrets.token_bytes(32))
    return f"{prefix}{lookup}_{secret}", lookup, secret, hashlib.sha256(secret.encode()).hexdigest()


def create_user(stack, admin=False, name=None):
    name = name or unique("user")
    args = ["user", "create", name, "--password-stdin", "--json"] + (["--admin"] if admin else [])
    return stack.latchctl_json(*args, input="correct horse battery staple\n")


def make_session(stack, user_id):
    """A live browser session for user_id: (cookies dict, CSRF token)."""
    value, lookup, secret, digest = mint("lss_")
    stack.psql(f"INSERT INTO sessions (id, secret_hash, user_id, source_address, expires_at) "
               f"VALUES ('{lookup}', decode('{digest}', 'hex'), {int(user_id)}, '127.0.0.1', now() + interval '1 hour')")
    csrf = b64url(hmac.new(secret.encode(), b"latch-csrf", hashlib.sha256).digest())
    return {"latch_session": value}, csrf


def make_access_token(stack, client_id, user_id=None, scope="", expires="now() + interval '1 hour'"):
    """A grant and a live access token for it: (token value, grant id)."""
    value, lookup, _secret, digest = mint("lat_")
    grant = "g_" + secrets.token_hex(12)
    user = "NULL" if user_id is None else str(int(user_id))
    stack.psql(f"INSERT INTO grants (id, client_id, user_id, scope) VALUES ('{grant}', '{client_id}', {user}, '{scope}')")
    stack.psql(f"INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, expires_at) "
               f"VALUES ('{lookup}', 'access', decode('{digest}', 'hex'), '{grant}', '{client_id}', {user}, '{scope}', {expires})")
    return value, grant


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def me_status(stack, token):
    return stack.get("/api/v2/users/me", headers=bearer(token)).status_code


def register(stack, metadata, **kw):
    return stack.post("/oauth2/register", json=metadata, **kw)


def basic(client_id, secret):
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def no_empty_strings(value):
    """True when no member anywhere in a JSON value is the empty string."""
    if isinstance(value, dict):
        return all(no_empty_strings(v) for v in value.values())
    if isinstance(value, list):
        return all(no_empty_strings(v) for v in value)
    return value != ""


def register_resource(stack, uri, scopes=(), default_scopes=(), name=None, extra=()):
    """Registers a protected resource with latchctl (README "Scopes and resources"); an identifier a test
    of the same session registered already is fine. Returns its JSON (`latchctl resource show`)."""
    args = ["resource", "add", uri, "--name", name or unique("resource"), "--scopes", ",".join(scopes)]
    if default_scopes:
        args += ["--default-scopes", ",".join(default_scopes)]
    result = stack.latchctl(*args, *extra, check=False)
    if result.returncode != 0 and "already registered" not in result.stderr:
        raise RuntimeError(f"latchctl resource add failed:\n{result.stdout}\n{result.stderr}")
    return stack.latchctl_json("resource", "show", uri)
