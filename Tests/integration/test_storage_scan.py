"""No table ever holds a usable credential: after sign-in, consent, code exchange, a replay
and a Cancel (plus every flow the other test modules ran on the shared stack), every text,
bytea, json and array column of every table is searched for each code, token, client secret,
session cookie, CSRF token, PKCE verifier, password and state value that was minted or used,
both whole and as its secret part."""
import hashlib
import secrets

from authflow import (MINTED, Browser, authorize_params, ensure_scopes, exchange, make_confidential_app, make_user,
                      pkce_pair, query_of, remember)

PREFIXES = ("lac_", "lat_", "lrt_", "lcs_", "lrg_", "lss_", "lad_")
SCANNED_TYPES = ("text", "character varying", "character", "bytea", "json", "jsonb", "ARRAY")


def run_every_flow(stack):
    ensure_scopes(stack)
    name, password = make_user(stack, password="pw-" + secrets.token_urlsafe(16))
    browser = Browser(stack)
    assert browser.sign_in(name, password).status_code == 303
    client, secret = make_confidential_app(stack, ["https://scan.example/cb"])
    # Allow → code → tokens, then a replay of the code.
    verifier, challenge = pkce_pair()
    state = "state-" + secrets.token_urlsafe(16)
    fields = browser.consent(authorize_params(client, challenge, redirect_uri="https://scan.example/cb", state=state))
    remember(stack, verifier, state, dict(fields)["csrf_token"])
    r = browser.decide(fields, "allow")
    code = remember(stack, query_of(r.headers["Location"])["code"])
    tokens = exchange(stack, code, verifier, client_id=client, secret=secret, redirect_uri="https://scan.example/cb").json()
    assert "access_token" in tokens
    assert exchange(stack, code, verifier, client_id=client, secret=secret,
                    redirect_uri="https://scan.example/cb").status_code == 400
    # A code burnt by a wrong verifier, and a Cancel with its own state.
    other_verifier, other_challenge = pkce_pair()
    burnt = browser.code(authorize_params(client, other_challenge, redirect_uri="https://scan.example/cb",
                                          state="burn-" + secrets.token_urlsafe(12)))
    remember(stack, other_verifier)
    assert exchange(stack, burnt, pkce_pair()[0], client_id=client, secret=secret,
                    redirect_uri="https://scan.example/cb").status_code == 400
    cancel_state = remember(stack, "cancel-" + secrets.token_urlsafe(16))
    fields = browser.consent(authorize_params(client, pkce_pair()[1], redirect_uri="https://scan.example/cb",
                                              state=cancel_state))
    assert browser.decide(fields, "cancel").status_code == 302
    return {"username": name, "challenge": challenge, "state": state}


def needles(values):
    """Each value, and for a latch credential also its secret part (after `prefix + id + _`)."""
    out = set()
    for value in values:
        if len(value) >= 8:
            out.add(value)
        if value.startswith(PREFIXES) and len(value) > 21:
            out.add(value[21:])
    return out


def column_text(stack, table, column, data_type):
    if data_type == "bytea":
        expression = f"encode({column}, 'hex')"
    else:
        expression = f"{column}::text"
    rows = stack.psql(f'SELECT {expression} FROM "{table}" WHERE {column} IS NOT NULL')
    return "\n".join("\t".join(row) for row in rows)


def scan(stack):
    """{(table, column): text} for every scanned column; bytea as hex."""
    columns = stack.psql(f"""
        SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
        JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
          AND c.data_type IN ({", ".join(f"'{t}'" for t in SCANNED_TYPES)})""")
    return {(table, column, data_type): column_text(stack, table, column, data_type)
            for table, column, data_type in columns}


def test_no_column_holds_a_credential_password_or_state(stack):
    facts = run_every_flow(stack)
    contents = scan(stack)
    tables = {table for table, _, _ in contents}
    assert {"users", "sessions", "clients", "client_secrets", "authorization_codes", "grants", "tokens",
            "rate_limits", "audit_events"} <= tables
    # The scan does read the columns: non-secret facts are found where they belong.
    assert facts["username"] in contents[("users", "username", "text")]
    assert facts["challenge"] in contents[("authorization_codes", "code_challenge", "text")]
    assert hashlib.sha256(facts["state"].encode()).hexdigest() in contents[("authorization_codes", "state_hash", "bytea")]

    secrets_seen = needles(MINTED.get(stack.base_url, set()))
    assert len(secrets_seen) >= 20
    found = []
    for needle in secrets_seen:
        hex_needle = needle.encode().hex()
        for (table, column, data_type), text in contents.items():
            if needle in text or (data_type == "bytea" and hex_needle in text):
                found.append((table, column, needle[:12] + "…"))
    assert found == []
