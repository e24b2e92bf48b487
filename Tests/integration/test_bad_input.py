"""Bad input through nginx, for every endpoint on main (SECURITY.md "What was checked").

Every case is one row of CASES: the request (method, target, headers, body — any of them may
be a function of the fixtures in `Ctx`) and the exact status and OAuth `error` it must get.
Error answers must be JSON with that `error` and a string `error_description`; no answer may
be a 5xx, and no response header may carry anything a request injected. After the barrage,
the stack's PostgreSQL log must hold no ERROR and the executables' logs no error line: bad
input is refused before it reaches SQL, and what does reach SQL is only ever a bind.

To cover a new endpoint, add rows (see `form_endpoint_rows` for the shape of a form endpoint,
`Case` for one request). Rows answering 200/204 are the few places where a standard demands
success for garbage (RFC 7009 §2.2 revocation, RFC 7662 §2.2 introspection) or where the
request is valid and only names something that does not exist.

The stack here runs with LATCH_MAX_BODY_BYTES=262144 so that 100 KB values are below the body
limit; `test_100kb_values_above_the_default_body_limit_are_413` sends them to the shared
stack, whose limit is the default 64 KiB.
"""
import base64
import json
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import pytest

from rawhttp import send
from tokenfactory import ACCESS, REFRESH, TokenFactory, mint, q

FORM = "application/x-www-form-urlencoded"
KB100 = 100 * 1024
BODY_LIMIT = 262144

# SQL metacharacters: quotes, comment starters, statement separators, LIKE wildcards,
# backslashes, a bind placeholder, casts, and a NUL-free 'OR 1=1'.
SQL_META = [
    "' OR '1'='1",
    "'; DROP TABLE tokens; --",
    "\" OR 1=1 --",
    "%_%",
    "\\'\\\\",
    "$1::text",
    "1; SELECT pg_sleep(10)",
    "lat_0000000000000000_' OR ''='",
]

INJECTED = "X-Injected-By-Test"
CRLF_USERNAME = f"evil\r\n{INJECTED}: 1"


def enc(text):
    """Percent-encodes every byte that is not unreserved (so CR, LF, quotes … travel intact)."""
    data = text.encode() if isinstance(text, str) else text
    return "".join(chr(b) if chr(b).isalnum() or chr(b) in "-._~" else f"%{b:02X}" for b in data)


def form(**fields):
    return "&".join(f"{enc(k)}={enc(v)}" for k, v in fields.items())


def basic(client_id, secret):
    return ("Authorization", "Basic " + base64.b64encode(f"{enc(client_id)}:{enc(secret)}".encode()).decode())


def basic_raw(decoded: bytes):
    return ("Authorization", "Basic " + base64.b64encode(decoded).decode())


def bearer(token):
    return ("Authorization", f"Bearer {token}")


@dataclass
class Ctx:
    """What rows may refer to: a confidential app (client_credentials + refresh), a public
    app, a user with a live token pair for the app, that user's browser session and CSRF
    token, a user whose name carries CR/LF, and well-formed credentials nobody issued."""
    port: int
    app: Any
    public_app: Any
    other_client_id: str
    user_pair: Any
    session: str
    csrf: str
    crlf_user_access: str
    unknown_access: str
    unknown_refresh: str
    unknown_secret: str

    @property
    def auth(self):
        return basic(self.app.client_id, self.app.secret)

    def cookie(self):
        return ("Cookie", f"latch_session={self.session}")


@dataclass
class Case:
    name: str
    method: str
    target: Any                      # str | bytes | (Ctx) -> str | bytes
    status: int
    error: Optional[str]             # the OAuth `error`; None for a success answer
    headers: Any = ()                # [(name, value)] | (Ctx) -> [(name, value)]
    body: Any = b""                  # str | bytes | (Ctx) -> str | bytes
    check: Optional[Callable] = None  # extra assertion (ctx, response) -> None

    def resolve(self, value, ctx):
        return value(ctx) if callable(value) else value


def form_case(name, path, fields_or_body, status, error, auth=True, content_type=FORM, extra_headers=()):
    """A POST to a form endpoint, authenticated as the confidential app unless auth=False."""
    def headers(ctx):
        out = [ctx.auth] if auth is True else list(auth(ctx)) if callable(auth) else []
        if content_type:
            out.append(("Content-Type", content_type))
        return out + list(extra_headers)
    return Case(name, "POST", path, status, error, headers=headers, body=fields_or_body)


FORM_ENDPOINTS = ["/oauth2/tokens", "/oauth2/token", "/oauth2/revoke", "/oauth2/introspect"]
TOKEN_ENDPOINTS = ["/oauth2/tokens", "/oauth2/token"]
ALL_ENDPOINTS = [("POST", p) for p in FORM_ENDPOINTS] + [
    ("DELETE", "/oauth2/tokens"), ("GET", "/oauth2/check"), ("GET", "/api/v2/users/me"),
    ("GET", "/.well-known/oauth-authorization-server"), ("GET", "/.well-known/oauth-protected-resource"),
]

# -- the table ------------------------------------------------------------------------------


def encoding_rows():
    """Malformed encodings are refused before anything else looks at the request."""
    bodies = {
        "invalid UTF-8 (percent-encoded)": b"grant_type=%FF%FE&token=x",
        "invalid UTF-8 (raw bytes)": b"grant_type=\xff\xfe&token=x",
        "overlong UTF-8": b"token=%C0%AF",
        "UTF-16 surrogate encoded as UTF-8": b"token=%ED%A0%80",
        "truncated UTF-8 sequence": b"token=%E2%82",
        "malformed percent-encoding %ZZ": b"token=%ZZ",
        "truncated percent-encoding": b"token=%4",
        "lone percent sign": b"token=abc%",
        "malformed percent-encoding in a name": b"to%GGken=x",
        "NUL in a value": b"token=abc%00def",
        "NUL in a name": b"tok%00en=x",
        "NUL in client_id (was: looked up cut short at the NUL)": lambda c: f"grant_type=client_credentials&client_id={c.app.client_id}%00junk&client_secret={c.app.secret}",
    }
    rows = []
    for path in FORM_ENDPOINTS:
        for what, body in bodies.items():
            auth = (lambda c: []) if "client_id" in what else True
            rows.append(form_case(f"{path}: {what}", path, body, 400, "invalid_request", auth=auth))
    queries = {
        "invalid UTF-8 in the query (percent-encoded)": "client_id=%FF",
        "malformed percent-encoding in the query": "client_id=%ZZ",
        "NUL in the query": "client_id=abc%00",
        "duplicate client_id in the query": "client_id=a&client_id=a",
        "access_token in the query": "client_id=a&access_token=x",
    }
    for what, query in queries.items():
        rows.append(Case(f"DELETE /oauth2/tokens: {what}", "DELETE", f"/oauth2/tokens?{query}", 400, "invalid_request",
                         headers=lambda c: [bearer(c.user_pair.access)]))
    # Raw bytes that are not UTF-8 in the request target: refused by every endpoint, also by
    # those that do not read the query.
    for method, path in ALL_ENDPOINTS:
        rows.append(Case(f"{method} {path}: raw invalid UTF-8 in the query", method, path.encode() + b"?x=\xff\xfe",
                         400, "invalid_request", headers=lambda c: [c.auth, ("Content-Type", FORM)], body=b"token=x"))
    return rows


def duplicate_rows():
    rows = []
    for path in TOKEN_ENDPOINTS:
        rows += [
            form_case(f"{path}: grant_type twice", path, "grant_type=client_credentials&grant_type=client_credentials", 400, "invalid_request"),
            form_case(f"{path}: grant_type twice, different values", path, "grant_type=client_credentials&grant_type=refresh_token", 400, "invalid_request"),
            form_case(f"{path}: scope twice", path, "grant_type=client_credentials&scope=&scope=", 400, "invalid_request"),
            form_case(f"{path}: client_id twice (client_secret_post)", path,
                      lambda c: f"grant_type=client_credentials&client_id={c.app.client_id}&client_id={c.app.client_id}&client_secret={c.app.secret}",
                      400, "invalid_request", auth=False),
            form_case(f"{path}: access_token as a parameter", path, "grant_type=client_credentials&access_token=x", 400, "invalid_request"),
        ]
    for path in ["/oauth2/revoke", "/oauth2/introspect"]:
        rows += [
            form_case(f"{path}: token twice", path, "token=a&token=b", 400, "invalid_request"),
            form_case(f"{path}: client_secret twice", path,
                      lambda c: f"token=x&client_id={c.app.client_id}&client_secret={c.app.secret}&client_secret={c.app.secret}",
                      400, "invalid_request", auth=False),
        ]
    rows.append(Case("duplicate Authorization header", "POST", "/oauth2/tokens", 400, "invalid_request",
                     headers=lambda c: [c.auth, c.auth, ("Content-Type", FORM)], body="grant_type=client_credentials"))
    return rows


def content_type_rows():
    wrong = {
        "JSON": ("application/json", '{"grant_type":"client_credentials","token":"x"}'),
        "no Content-Type": (None, "grant_type=client_credentials&token=x"),
        "multipart": ("multipart/form-data; boundary=XyZ",
                      '--XyZ\r\nContent-Disposition: form-data; name="grant_type"\r\n\r\nclient_credentials\r\n--XyZ--\r\n'),
        "text/plain": ("text/plain", "grant_type=client_credentials&token=x"),
        "a form type with a suffix": ("application/x-www-form-urlencodedX", "grant_type=client_credentials&token=x"),
    }
    rows = []
    for path in FORM_ENDPOINTS:
        for what, (content_type, body) in wrong.items():
            rows.append(form_case(f"{path}: {what}", path, body, 400, "invalid_request", content_type=content_type))
    rows.append(Case("DELETE /oauth2/tokens: JSON body", "DELETE", lambda c: f"/oauth2/tokens?client_id={c.other_client_id}", 400,
                     "invalid_request", headers=lambda c: [bearer(c.user_pair.access), ("Content-Type", "application/json")],
                     body='{"client_id":"x"}'))
    return rows


def size_rows():
    over_latch = b"token=" + b"a" * (BODY_LIMIT + 1000)      # over latch's limit, under nginx's 1 MiB
    over_nginx = b"token=" + b"a" * (2 * 1024 * 1024)
    rows = []
    for method, path in ALL_ENDPOINTS:
        rows.append(Case(f"{method} {path}: body over LATCH_MAX_BODY_BYTES", method, path, 413, "invalid_request",
                         headers=lambda c: [c.auth, ("Content-Type", FORM)], body=over_latch))
        rows.append(Case(f"{method} {path}: body over nginx's client_max_body_size", method, path, 413, "invalid_request",
                         headers=lambda c: [c.auth, ("Content-Type", FORM)], body=over_nginx))
    rows.append(Case("declared Content-Length of a terabyte, no body", "POST", "/oauth2/tokens", 413, "invalid_request",
                     headers=lambda c: [c.auth, ("Content-Type", FORM), ("Content-Length", "999999999999")]))
    rows.append(Case("chunked body over LATCH_MAX_BODY_BYTES", "POST", "/oauth2/tokens", 413, "invalid_request",
                     headers=lambda c: [c.auth, ("Content-Type", FORM), ("Transfer-Encoding", "chunked")],
                     body=f"{len(over_latch):x}\r\n".encode() + over_latch + b"\r\n0\r\n\r\n"))
    big = "a" * KB100
    for path in TOKEN_ENDPOINTS:
        rows += [
            form_case(f"{path}: 100 KB grant_type", path, form(grant_type=big), 400, "unsupported_grant_type"),
            form_case(f"{path}: 100 KB client_id", path, form(grant_type="client_credentials", client_id=big, client_secret="x"),
                      401, "invalid_client", auth=False),
            form_case(f"{path}: 100 KB client_secret", path,
                      lambda c: form(grant_type="client_credentials", client_id=c.app.client_id, client_secret=big), 401, "invalid_client", auth=False),
            form_case(f"{path}: 100 KB refresh_token", path, form(grant_type="refresh_token", refresh_token=REFRESH + big), 400, "invalid_grant"),
            form_case(f"{path}: 100 KB scope", path, form(grant_type="client_credentials", scope=big), 400, "invalid_scope"),
            form_case(f"{path}: 100 KB resource", path, form(grant_type="client_credentials", resource=big), 400, "invalid_target"),
            form_case(f"{path}: 100 KB parameter name", path, big + "=1&grant_type=" + big, 400, "unsupported_grant_type"),
        ]
    rows += [
        form_case("/oauth2/revoke: 100 KB token (RFC 7009: 200)", "/oauth2/revoke", form(token=ACCESS + big), 200, None),
        form_case("/oauth2/revoke: 100 KB token_type_hint", "/oauth2/revoke", form(token="x", token_type_hint=big), 200, None),
        Case("/oauth2/introspect: 100 KB token (RFC 7662: inactive)", "POST", "/oauth2/introspect", 200, None,
             headers=lambda c: [c.auth, ("Content-Type", FORM)], body=form(token=ACCESS + big), check=inactive),
        Case("DELETE /oauth2/tokens: 100 KB client_id in the query (URI too long)", "DELETE", "/oauth2/tokens?client_id=" + big,
             414, "invalid_request", headers=lambda c: [bearer(c.user_pair.access)]),
        Case("DELETE /oauth2/tokens: 100 KB csrf_token in the body", "DELETE", lambda c: f"/oauth2/tokens?client_id={c.other_client_id}",
             403, "forbidden", headers=lambda c: [c.cookie(), ("Content-Type", FORM)], body=form(csrf_token=big)),
        Case("GET /oauth2/check: 100 KB bearer token (header too large)", "GET", "/oauth2/check", 400, "invalid_request",
             headers=[bearer(ACCESS + big)]),
    ]
    return rows


def inactive(ctx, response):
    assert response.json() == {"active": False}


def crlf_rows():
    """CR/LF (and NUL) in values that could end up in a header: never reflected raw.
    `run_case` checks every response for the injected header name."""
    crlf = f"\r\n{INJECTED}: 1\r\nSet-Cookie: injected=1"
    rows = []
    for path in TOKEN_ENDPOINTS:
        rows += [
            form_case(f"{path}: CR/LF in grant_type", path, form(grant_type=crlf), 400, "unsupported_grant_type"),
            form_case(f"{path}: CR/LF in scope", path, form(grant_type="client_credentials", scope="a" + crlf), 400, "invalid_scope"),
            form_case(f"{path}: CR/LF in resource", path, form(grant_type="client_credentials", resource="https://rs.example/" + crlf),
                      400, "invalid_target"),
            form_case(f"{path}: CR/LF in client_id", path, lambda c: form(grant_type="client_credentials", client_id=c.app.client_id + crlf,
                                                                         client_secret=c.app.secret), 401, "invalid_client", auth=False),
            form_case(f"{path}: CR/LF in the Basic user name", path, form(grant_type="client_credentials"), 401, "invalid_client",
                      auth=lambda c: [basic(c.app.client_id + crlf, c.app.secret)]),
            form_case(f"{path}: NUL in the Basic user name", path, form(grant_type="client_credentials"), 401, "invalid_client",
                      auth=lambda c: [basic(c.app.client_id + "\x00junk", c.app.secret)]),
        ]
    rows += [
        form_case("/oauth2/revoke: CR/LF in token_type_hint", "/oauth2/revoke", form(token="x", token_type_hint=crlf), 200, None),
        Case("DELETE /oauth2/tokens: CR/LF in client_id", "DELETE", "/oauth2/tokens?client_id=" + enc("a" + crlf), 403, "forbidden",
             headers=lambda c: [bearer(c.user_pair.access)]),
        Case("DELETE /oauth2/tokens: CR/LF in csrf_token", "DELETE", lambda c: f"/oauth2/tokens?client_id={c.other_client_id}",
             403, "forbidden", headers=lambda c: [c.cookie(), ("Content-Type", FORM)], body=form(csrf_token=crlf)),
        Case("percent-encoded CR/LF in the path", "GET", "/oauth2/check" + enc(crlf), 404, "not_found"),
        Case("bare CR inside a header value", "GET", "/oauth2/check", 400, "invalid_request", headers=[("Authorization", "Bearer a\rb")]),
        Case("NUL inside a header value", "GET", "/oauth2/check", 400, "invalid_request", headers=[("Authorization", b"Bearer a\x00b")]),
        Case("NUL in the request line", "GET", b"/oauth2/check\x00", 400, "invalid_request"),
        # A user name is free text: what reaches X-Latch-User is percent-encoded, never raw.
        Case("/oauth2/check: a user name with CR/LF reaches X-Latch-User percent-encoded", "GET", "/oauth2/check", 204, None,
             headers=lambda c: [bearer(c.crlf_user_access)], check=crlf_user_header),
    ]
    return rows


def crlf_user_header(ctx, response):
    assert response.header("x-latch-user").startswith("evil%0D%0A"), response.headers


def sql_rows():
    """SQL metacharacters in every parameter each endpoint reads."""
    rows = []
    for i, meta in enumerate(SQL_META):
        tag = f"SQL #{i}"
        for path in TOKEN_ENDPOINTS:
            rows += [
                form_case(f"{path}: {tag} in grant_type", path, form(grant_type=meta), 400, "unsupported_grant_type"),
                form_case(f"{path}: {tag} in client_id", path, form(grant_type="client_credentials", client_id=meta, client_secret="x"),
                          401, "invalid_client", auth=False),
                form_case(f"{path}: {tag} in client_id (public client)", path, form(grant_type="refresh_token", client_id=meta,
                                                                                    refresh_token="x"), 401, "invalid_client", auth=False),
                form_case(f"{path}: {tag} in client_secret", path,
                          lambda c, m=meta: form(grant_type="client_credentials", client_id=c.app.client_id, client_secret=m),
                          401, "invalid_client", auth=False),
                form_case(f"{path}: {tag} in the Basic user name", path, form(grant_type="client_credentials"), 401, "invalid_client",
                          auth=lambda c, m=meta: [basic(m, c.app.secret)]),
                form_case(f"{path}: {tag} in the Basic password", path, form(grant_type="client_credentials"), 401, "invalid_client",
                          auth=lambda c, m=meta: [basic(c.app.client_id, m)]),
                form_case(f"{path}: {tag} in refresh_token", path, form(grant_type="refresh_token", refresh_token=meta), 400, "invalid_grant"),
                form_case(f"{path}: {tag} in refresh_token's secret", path,
                          form(grant_type="refresh_token", refresh_token=REFRESH + "0123456789abcdef_" + (meta * 43)[:43]),
                          400, "invalid_grant"),
                form_case(f"{path}: {tag} in scope", path, form(grant_type="client_credentials", scope=meta), 400, "invalid_scope"),
                form_case(f"{path}: {tag} in scope (refresh)", path, lambda c, m=meta: form(grant_type="refresh_token", scope=m,
                                                                                            refresh_token=c.user_pair.refresh),
                          400, "invalid_scope"),
                form_case(f"{path}: {tag} in resource", path, form(grant_type="client_credentials", resource=meta), 400, "invalid_target"),
                form_case(f"{path}: {tag} in resource (refresh)", path, lambda c, m=meta: form(grant_type="refresh_token", resource=m,
                                                                                               refresh_token=c.user_pair.refresh),
                          400, "invalid_target"),
            ]
        rows += [
            form_case(f"/oauth2/revoke: {tag} in token", "/oauth2/revoke", form(token=meta), 200, None),
            form_case(f"/oauth2/revoke: {tag} in token_type_hint", "/oauth2/revoke", form(token="x", token_type_hint=meta), 200, None),
            form_case(f"/oauth2/revoke: {tag} in client_id", "/oauth2/revoke", form(token="x", client_id=meta), 401, "invalid_client", auth=False),
            Case(f"/oauth2/introspect: {tag} in token", "POST", "/oauth2/introspect", 200, None,
                 headers=lambda c: [c.auth, ("Content-Type", FORM)], body=form(token=meta), check=inactive),
            form_case(f"/oauth2/introspect: {tag} in client_id", "/oauth2/introspect", form(token="x", client_id=meta, client_secret="x"),
                      401, "invalid_client", auth=False),
            Case(f"DELETE /oauth2/tokens: {tag} in client_id (bearer)", "DELETE", "/oauth2/tokens?client_id=" + enc(meta), 403, "forbidden",
                 headers=lambda c: [bearer(c.user_pair.access)]),
            Case(f"DELETE /oauth2/tokens: {tag} in csrf_token", "DELETE",
                 lambda c, m=meta: f"/oauth2/tokens?client_id={c.other_client_id}", 403, "forbidden",
                 headers=lambda c: [c.cookie(), ("Content-Type", FORM)], body=form(csrf_token=meta)),
            Case(f"DELETE /oauth2/tokens: {tag} in the session cookie", "DELETE", "/oauth2/tokens?client_id=x", 401, "invalid_request",
                 headers=[("Cookie", "latch_session=" + enc(meta))]),
            Case(f"DELETE /oauth2/tokens: {tag} in client_id (session, unknown app: nothing to revoke)", "DELETE",
                 lambda c, m=meta: f"/oauth2/tokens?client_id={enc(m)}", 204, None,
                 headers=lambda c: [c.cookie(), ("X-CSRF-Token", c.csrf)]),
            Case(f"/oauth2/check: {tag} as the bearer token", "GET", "/oauth2/check", 401, "invalid_token",
                 headers=[bearer(enc(meta))]),
            Case(f"/api/v2/users/me: {tag} as the bearer token", "GET", "/api/v2/users/me", 401, "invalid_token",
                 headers=[bearer(ACCESS + "0123456789abcdef_" + (enc(meta) * 43)[:43])]),
        ]
    return rows


def method_rows():
    allowed = {
        "/oauth2/tokens": {"POST", "DELETE"}, "/oauth2/token": {"POST"}, "/oauth2/revoke": {"POST"},
        "/oauth2/introspect": {"POST"}, "/oauth2/check": {"GET", "HEAD"}, "/api/v2/users/me": {"GET", "HEAD"},
        "/.well-known/oauth-authorization-server": {"GET", "HEAD"}, "/.well-known/oauth-protected-resource": {"GET", "HEAD"},
    }
    rows = []
    for path, ok in allowed.items():
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "BREW"]:
            if method in ok:
                continue
            rows.append(Case(f"{method} {path}", method, path, 405, "method_not_allowed",
                             headers=lambda c: [c.auth, ("Content-Type", FORM)], body="token=x", check=allow_header))
        rows.append(Case(f"TRACE {path} (nginx refuses it)", "TRACE", path, 405, "method_not_allowed"))
    return rows


def allow_header(ctx, response):
    assert response.header("allow"), response.headers


def unknown_id_rows():
    rows = []
    for path in TOKEN_ENDPOINTS:
        rows += [
            form_case(f"{path}: unknown refresh token", path, lambda c: form(grant_type="refresh_token", refresh_token=c.unknown_refresh),
                      400, "invalid_grant"),
            form_case(f"{path}: unknown client_id, well-formed secret", path,
                      lambda c: form(grant_type="client_credentials", client_id="app_00000000000000000000", client_secret=c.unknown_secret),
                      401, "invalid_client", auth=False),
            form_case(f"{path}: right client, unknown secret", path, form(grant_type="client_credentials"), 401, "invalid_client",
                      auth=lambda c: [basic(c.app.client_id, c.unknown_secret)]),
            form_case(f"{path}: another client's secret", path, lambda c: form(grant_type="client_credentials"), 401, "invalid_client",
                      auth=lambda c: [basic(c.other_client_id, c.app.secret)]),
            form_case(f"{path}: public client that does not exist", path, form(grant_type="refresh_token", client_id="app_ffffffffffffffffffff",
                                                                              refresh_token="x"), 401, "invalid_client", auth=False),
        ]
    rows += [
        form_case("/oauth2/revoke: unknown token (RFC 7009: 200)", "/oauth2/revoke", lambda c: form(token=c.unknown_access), 200, None),
        Case("/oauth2/introspect: unknown token (inactive)", "POST", "/oauth2/introspect", 200, None,
             headers=lambda c: [c.auth, ("Content-Type", FORM)], body=lambda c: form(token=c.unknown_refresh), check=inactive),
        Case("/oauth2/check: unknown access token", "GET", "/oauth2/check", 401, "invalid_token", headers=lambda c: [bearer(c.unknown_access)]),
        Case("/api/v2/users/me: unknown access token", "GET", "/api/v2/users/me", 401, "invalid_token",
             headers=lambda c: [bearer(c.unknown_access)]),
        Case("DELETE /oauth2/tokens: unknown access token", "DELETE", "/oauth2/tokens?client_id=x", 401, "invalid_token",
             headers=lambda c: [bearer(c.unknown_access)]),
        Case("DELETE /oauth2/tokens: unknown app (bearer of another app)", "DELETE", "/oauth2/tokens?client_id=app_00000000000000000000",
             403, "forbidden", headers=lambda c: [bearer(c.user_pair.access)]),
        Case("DELETE /oauth2/tokens: unknown session", "DELETE", "/oauth2/tokens?client_id=x", 401, "invalid_request",
             headers=[("Cookie", "latch_session=lss_0123456789abcdef_" + "A" * 43)]),
        Case("DELETE /oauth2/tokens: no client_id", "DELETE", "/oauth2/tokens", 400, "invalid_request",
             headers=lambda c: [bearer(c.user_pair.access)]),
    ]
    return rows


def path_rows():
    return [
        Case("a 4 KB path under /oauth2/", "GET", "/oauth2/" + "a" * 4096, 404, "not_found"),
        Case("a 4 KB path below an endpoint", "POST", "/oauth2/tokens/" + "a" * 4096, 404, "not_found",
             headers=lambda c: [c.auth, ("Content-Type", FORM)], body="grant_type=client_credentials"),
        Case("a 7 KB path of dots climbing above the root", "GET", "/oauth2/" + "../" * 2400, 400, "invalid_request"),
        Case("a 20 KB path (URI too long)", "GET", "/oauth2/check/" + "a" * 20000, 414, "invalid_request"),
        Case("a 100 KB query (URI too long)", "GET", "/.well-known/oauth-authorization-server?x=" + "a" * KB100, 414, "invalid_request"),
        Case("an endpoint reached through dot segments", "POST", "/oauth2/x/../tokens", 404, "not_found",
             headers=lambda c: [c.auth, ("Content-Type", FORM)], body="grant_type=client_credentials"),
        Case("an endpoint with an encoded letter", "POST", "/oauth2/tok%65ns", 404, "not_found",
             headers=lambda c: [c.auth, ("Content-Type", FORM)], body="grant_type=client_credentials"),
        Case("an encoded slash", "GET", "/oauth2%2Fcheck", 404, "not_found"),
        Case("an endpoint with a trailing slash", "GET", "/oauth2/check/", 404, "not_found"),
        Case("no such endpoint", "GET", "/oauth2/nothing-here", 404, "not_found"),
        Case("an nginx-internal error page, asked directly", "GET", "/_latch/errors/500", 404, "not_found"),
    ]


def authorization_rows():
    garbage = {
        "Basic with bad base64": "Basic !!!not-base64!!!",
        "Basic without a colon": "Basic " + base64.b64encode(b"nocolon").decode(),
        "Basic with invalid UTF-8": "Basic " + base64.b64encode(b"\xff\xfe:\xfd").decode(),
        "Basic with bad percent-encoding": "Basic " + base64.b64encode(b"a%ZZ:b").decode(),
        "Basic of 6 KB": "Basic " + base64.b64encode(b"a" * 3000 + b":" + b"b" * 1500).decode(),
        "Basic with nothing after it": "Basic",
        "Basic with an empty user and password": "Basic " + base64.b64encode(b":").decode(),
        "a Bearer token at the token endpoint": "Bearer garbage",
        "an unknown scheme": "Digest username=\"a\", response=\"b\"",
        "only spaces": "   ",
    }
    rows = []
    for path in FORM_ENDPOINTS:
        for what, value in garbage.items():
            rows.append(form_case(f"{path}: {what}", path, "grant_type=client_credentials&token=x", 401, "invalid_client",
                                  auth=lambda c, v=value: [("Authorization", v)]))
        rows.append(form_case(f"{path}: Basic over nginx's header buffers", path, "token=x", 400, "invalid_request",
                              auth=lambda c: [("Authorization", "Basic " + "QUFB" * 5000)]))
    for path in ["/oauth2/check", "/api/v2/users/me"]:
        rows += [
            Case(f"{path}: Bearer garbage", "GET", path, 401, "invalid_token", headers=[("Authorization", "Bearer garbage")]),
            Case(f"{path}: Bearer of 6 KB", "GET", path, 401, "invalid_token", headers=[("Authorization", "Bearer " + "g" * 6000)]),
            Case(f"{path}: Bearer with spaces inside", "GET", path, 401, "invalid_token", headers=[("Authorization", "Bearer a b c")]),
            Case(f"{path}: Bearer with a malformed lat_ token", "GET", path, 401, "invalid_token",
                 headers=[("Authorization", "Bearer lat_zz_" + "%" * 43)]),
            Case(f"{path}: a refresh token as the bearer", "GET", path, 401, "invalid_token",
                 headers=lambda c: [bearer(c.user_pair.refresh)]),
            Case(f"{path}: Bearer with nothing after it", "GET", path, 401, "invalid_request", headers=[("Authorization", "Bearer")]),
            Case(f"{path}: Basic instead of Bearer", "GET", path, 401, "invalid_request", headers=lambda c: [c.auth]),
            Case(f"{path}: the access token in the query", "GET", lambda c, p=path: f"{p}?access_token={c.user_pair.access}", 401,
                 "invalid_request"),
        ]
    rows += [
        Case("protocol: Content-Length that is not a number", "POST", "/oauth2/tokens", 400, "invalid_request",
             headers=[("Content-Length", "abc"), ("Content-Type", FORM)]),
        Case("protocol: two different Content-Lengths", "POST", "/oauth2/tokens", 400, "invalid_request",
             headers=[("Content-Length", "3"), ("Content-Length", "4"), ("Content-Type", FORM)], body=b"a=bc"),
    ]
    return rows


CASES = (encoding_rows() + duplicate_rows() + content_type_rows() + size_rows() + crlf_rows() + sql_rows()
         + method_rows() + unknown_id_rows() + path_rows() + authorization_rows())

# -- running it ----------------------------------------------------------------------------


def run_case(ctx, case):
    """Sends one row; returns a list of problems (empty when the answer is exactly right)."""
    target = case.resolve(case.target, ctx)
    headers = case.resolve(case.headers, ctx)
    body = case.resolve(case.body, ctx)
    response = send(ctx.port, case.method, target, headers, body)
    problems = []
    if response.status >= 500:
        problems.append(f"answered {response.status}")
    if response.status != case.status:
        problems.append(f"status {response.status}, expected {case.status}: {response.body[:200]!r}")
    names = {name for name, _ in response.headers}
    if INJECTED.lower() in names or "set-cookie" in names or any("\r" in v or "\x00" in v for _, v in response.headers):
        problems.append(f"a request value was reflected raw into the response headers: {response.raw_head!r}")
    if case.error is not None and response.status == case.status and case.method != "HEAD":
        if (response.header("content-type") or "").split(";")[0] != "application/json":
            problems.append(f"Content-Type {response.header('content-type')!r}, body {response.body[:200]!r}")
        else:
            try:
                doc = response.json()
            except ValueError:
                doc = None
            if not isinstance(doc, dict) or doc.get("error") != case.error or not isinstance(doc.get("error_description"), str):
                problems.append(f"body {response.body[:200]!r}, expected error {case.error!r}")
    if not problems and case.check:
        try:
            case.check(ctx, response)
        except AssertionError as failure:
            problems.append(f"check failed: {failure}")
    return response, problems


@pytest.fixture(scope="module")
def bad_stack(make_stack):
    return make_stack({"LATCH_MAX_BODY_BYTES": str(BODY_LIMIT)})


@pytest.fixture(scope="module")
def ctx(bad_stack):
    factory = TokenFactory(bad_stack)
    app = factory.app(client_credentials=True)
    public_app = factory.app(public=True)
    other = factory.app()
    user_id, _ = factory.user()
    pair = factory.tokens(app, user_id)
    session, csrf = factory.session(user_id)
    evil_id = bad_stack.scalar(f"INSERT INTO users (username) VALUES ({q(CRLF_USERNAME)}) RETURNING id")
    evil = factory.tokens(app, int(evil_id))
    secret = mint("lcs_")
    return Ctx(port=bad_stack.port, app=app, public_app=public_app, other_client_id=other.client_id, user_pair=pair,
               session=session, csrf=csrf, crlf_user_access=evil.access, unknown_access=mint(ACCESS).value,
               unknown_refresh=mint(REFRESH).value, unknown_secret=secret.value)


def still_works(ctx):
    """The fixtures still authenticate and their tokens are live (so the refusals above are
    refusals of the bad input, not of a broken client)."""
    r = send(ctx.port, "POST", "/oauth2/tokens", [ctx.auth, ("Content-Type", FORM)], "grant_type=client_credentials")
    assert r.status == 200, r.body
    assert send(ctx.port, "GET", "/oauth2/check", [bearer(ctx.user_pair.access)]).status == 204
    r = send(ctx.port, "POST", "/oauth2/introspect", [ctx.auth, ("Content-Type", FORM)], form(token=ctx.user_pair.refresh))
    assert r.json()["active"] is True


def test_every_bad_input_gets_its_exact_error_and_reaches_no_error_in_the_logs(bad_stack, ctx, artifacts):
    still_works(ctx)
    token_rows_before = bad_stack.scalar("SELECT count(*) FROM tokens")
    failures, table = [], []
    for case in CASES:
        response, problems = run_case(ctx, case)
        table.append((case.name, case.method, case.status, case.error or "-", response.status))
        failures += [f"{case.name}: {p}" for p in problems]
    with open(os.path.join(artifacts, "bad-input.md"), "w") as f:
        f.write("| case | method | expected | error | got |\n| --- | --- | --- | --- | --- |\n")
        for name, method, status, error, got in table:
            f.write(f"| {name.replace('|', '/')} | {method} | {status} | {error} | {got} |\n")
    print(f"\nbad input: {len(CASES)} cases, {len(failures)} failures")
    assert not failures, "\n".join(failures)

    # Nothing was issued, and nothing destroyed, by the barrage; the fixtures still work.
    assert bad_stack.scalar("SELECT count(*) FROM tokens") == token_rows_before
    still_works(ctx)

    with open(os.path.join(bad_stack.dir, "log", "postgresql.log"), errors="replace") as f:
        errors = [line for line in f if "ERROR:" in line]
    assert not errors, "PostgreSQL logged errors:\n" + "".join(errors[:20])
    for executable in ("latch-tokens", "latch-discovery"):
        lines = [line for line in bad_stack.log(executable).splitlines() if '"level":"error"' in line]
        assert not lines, f"{executable} logged errors:\n" + "\n".join(lines[:20])
    # Every case went through nginx to latch or was refused by nginx itself; the log shows
    # latch saw the ones it should.
    assert bad_stack.log("latch-tokens").count('"status":4') > len(CASES) // 2


def test_100kb_values_above_the_default_body_limit_are_413(stack):
    """On the shared stack (default LATCH_MAX_BODY_BYTES, 64 KiB) a 100 KB value is over the limit."""
    big = "a" * KB100
    for path in FORM_ENDPOINTS:
        for body in (form(grant_type="client_credentials", scope=big), form(token=big)):
            r = send(stack.port, "POST", path, [("Content-Type", FORM)], body)
            assert r.status == 413, (path, r.body)
            assert r.json()["error"] == "invalid_request"
