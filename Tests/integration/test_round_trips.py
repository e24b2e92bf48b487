"""The hot token paths cost ONE statement (one round trip) to PostgreSQL when the request is
in order: the statement that issues (or looks up) the tokens also authenticates the client.
Counted with latch_database_statements_total of latch-tokens, which every worker adds to.

A refusal may take more statements (the full path finds out why); what it answers is checked
by the grants' own tests, and here for the refusals a one-trip statement must never turn
into a success."""
import pytest

from test_operability import metrics_samples, sample
from tokenfactory import bearer, factory, introspect, refresh, token_request  # noqa: F401

VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"   # RFC 7636 Appendix B; TokenFactory.code's challenge


def statements(stack):
    return sample(metrics_samples(stack, "tokens"), "latch_database_statements_total")


def statements_for(stack, send):
    """(response, statements latch-tokens sent to PostgreSQL while answering it; connecting
    and preparing statements, once per connection, are not counted)."""
    before = statements(stack)
    response = send()
    return response, statements(stack) - before


@pytest.fixture
def world(factory):
    read, write = factory.scope(), factory.scope()
    app = factory.app(scope=f"{read} {write}", client_credentials=True)
    user_id, _ = factory.user()
    return app, user_id, read, write


def one_statement_answer(stack, send):
    """The JSON body of a 200 that cost latch-tokens exactly one statement."""
    r, n = statements_for(stack, send)
    assert r.status_code == 200, r.text
    assert n == 1
    return r.json()


def test_client_credentials_is_one_statement(stack, world):
    app, _, read, _ = world
    body = one_statement_answer(stack, lambda: token_request(stack, app, grant_type="client_credentials", scope=read))
    assert body["scope"] == read


def test_code_exchange_is_one_statement(stack, factory, world):
    app, user_id, read, _ = world
    code = factory.code(app, user_id, scope=read)
    body = one_statement_answer(stack, lambda: token_request(stack, app, grant_type="authorization_code", code=code.value,
                                                              code_verifier=VERIFIER, redirect_uri="https://app.example/cb"))
    assert body["scope"] == read and body["refresh_token"].startswith("lrt_")


def test_refresh_is_one_statement(stack, factory, world):
    app, user_id, read, _ = world
    pair = factory.tokens(app, user_id, scope=read)
    body = one_statement_answer(stack, lambda: refresh(stack, app, pair.refresh))
    assert body["scope"] == read


def test_introspection_is_one_statement(stack, factory, world):
    app, user_id, read, _ = world
    pair = factory.tokens(app, user_id, scope=read)
    body = one_statement_answer(stack, lambda: introspect(stack, app, pair.access))
    assert body["active"] is True and body["scope"] == read


def test_the_one_statement_records_the_secrets_use(stack, world):
    app, _, read, _ = world
    secret_id = app.secret.split("_")[1]
    stack.psql(f"UPDATE client_secrets SET last_used_at = NULL WHERE id = '{secret_id}'")
    one_statement_answer(stack, lambda: token_request(stack, app, grant_type="client_credentials", scope=read))
    assert stack.scalar(f"SELECT last_used_at > now() - interval '1 minute' FROM client_secrets WHERE id = '{secret_id}'") == "t"


def test_refusals_still_answer_what_the_full_path_decides(stack, factory, world):
    """Each of these fails the one-trip statement; the full path then answers it exactly."""
    app, user_id, read, write = world
    other = factory.app(scope=read, client_credentials=True)
    wrong_secret = type(app)(app.client_id, other.secret)
    # Another client's secret: invalid_client, nothing issued.
    r = token_request(stack, wrong_secret, grant_type="client_credentials", scope=read)
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    # A scope the client may not have / the deployment does not define.
    r = token_request(stack, other, grant_type="client_credentials", scope=write)
    assert r.status_code == 400 and r.json()["error"] == "invalid_scope" and write in r.json()["error_description"]
    r = token_request(stack, app, grant_type="client_credentials", scope="never-defined")
    assert r.status_code == 400 and r.json()["error"] == "invalid_scope"
    # Another client's refresh token: invalid_grant, and the token still works for its owner.
    pair = factory.tokens(app, user_id, scope=read)
    r = refresh(stack, other, pair.refresh)
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    assert refresh(stack, app, pair.refresh).status_code == 200
    # A code with the wrong verifier is refused and burnt; redeemed codes are replays.
    code = factory.code(app, user_id, scope=read)
    r = token_request(stack, app, grant_type="authorization_code", code=code.value,
                      code_verifier="x" * 43, redirect_uri="https://app.example/cb")
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    r = token_request(stack, app, grant_type="authorization_code", code=code.value,
                      code_verifier=VERIFIER, redirect_uri="https://app.example/cb")
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    # A code presented by another client: refused, even with the right verifier.
    code = factory.code(app, user_id, scope=read)
    r = token_request(stack, other, grant_type="authorization_code", code=code.value,
                      code_verifier=VERIFIER, redirect_uri="https://app.example/cb")
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    # Introspection with a wrong secret: invalid_client, not an answer about the token.
    r = introspect(stack, wrong_secret, pair.access)
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"


# -- revision 2: resources and the gate keep the single round trip -----------------------------

def test_a_token_for_a_registered_resource_is_one_statement(stack, factory, world):
    app, _, read, _ = world
    resource = "https://round-trip.example/api"
    factory.resource(resource, scopes=[read])
    body = one_statement_answer(stack, lambda: token_request(stack, app, grant_type="client_credentials", scope=read,
                                                              resource=resource))
    assert body["scope"] == read


def test_the_gate_with_a_resource_and_required_scopes_is_one_statement(stack, factory, world):
    """/oauth2/check compares audience and scopes in Swift: its one lookup (which also reads the
    client's verified flag) is all it asks PostgreSQL, for a 204, a 401 and a 403 alike."""
    app, user_id, read, write = world
    resource = "https://round-trip.example/gate"
    pair = factory.tokens(app, user_id, scope=read, resource=resource)
    for scope, status in ((read, 204), (f"{read} {write}", 403)):
        r, n = statements_for(stack, lambda: stack.get("/oauth2/check", params={"resource": resource, "scope": scope},
                                                       headers=bearer(pair.access)))
        assert (r.status_code, n) == (status, 1)
    r, n = statements_for(stack, lambda: stack.get("/oauth2/check", headers=bearer(pair.access)))
    assert (r.status_code, n) == (401, 1)

