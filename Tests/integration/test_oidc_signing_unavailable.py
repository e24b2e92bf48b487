"""No 500 when signing is impossible (README "OpenID Connect"): a worker without its
key-encryption key cannot sign ID tokens or JWT access tokens; a token request whose answer
needs a signature is `503 temporarily_unavailable` and writes nothing (no tokens, no grant, no
audit row, the code not spent, so the client may retry once the key is back); requests that
need no signature work as usual."""
import pytest

from authflow import Browser, authorize_params, ensure_scopes, exchange, make_confidential_app, make_user, pkce_pair
from clienthelpers import register_resource, unique
from docserver import DocumentServer, document
from tokenfactory import TokenFactory, token_request

REDIRECT = "https://app.example/cb"


@pytest.fixture(scope="module")
def keyless(make_stack):
    return make_stack({"LATCH_KEY_ENCRYPTION_KEY_FILE": ""})


def counts(s, client_id):
    return s.psql(f"""SELECT (SELECT count(*) FROM tokens WHERE client_id = '{client_id}'),
                             (SELECT count(*) FROM grants WHERE client_id = '{client_id}'),
                             (SELECT count(*) FROM audit_events WHERE client_id = '{client_id}'
                                AND event IN ('code.redeemed', 'token.issued'))""")[0]


def test_an_openid_exchange_is_503_and_writes_nothing(keyless):
    s = keyless
    ensure_scopes(s)
    client_id, secret = make_confidential_app(s, [REDIRECT])
    name, password = make_user(s)
    browser = Browser(s)
    browser.sign_in(name, password)
    verifier, challenge = pkce_pair()
    code = browser.code(authorize_params(client_id, challenge, redirect_uri=REDIRECT, scope="openid profile"))
    r = exchange(s, code, verifier, client_id, secret, redirect_uri=REDIRECT)
    assert r.status_code == 503, r.text
    assert r.json()["error"] == "temporarily_unavailable"
    assert counts(s, client_id) == ["0", "0", "0"]
    code_id = code[4:20]
    assert s.scalar(f"SELECT redeemed_at IS NULL FROM authorization_codes WHERE id = '{code_id}'") == "t"
    # The same code again: still 503, never invalid_grant (it was not spent).
    r = exchange(s, code, verifier, client_id, secret, redirect_uri=REDIRECT)
    assert r.status_code == 503 and counts(s, client_id) == ["0", "0", "0"]
    # Without openid, the same deployment answers as usual.
    verifier, challenge = pkce_pair()
    code = browser.code(authorize_params(client_id, challenge, redirect_uri=REDIRECT, scope="profile"))
    r = exchange(s, code, verifier, client_id, secret, redirect_uri=REDIRECT)
    assert r.status_code == 200, r.text
    assert "id_token" not in r.json()


def test_a_jwt_resource_token_is_503_and_an_opaque_one_is_issued(keyless):
    s = keyless
    s.latchctl("scope", "add", "vault:read", "--description", "read the vault")
    suffix = unique("nokey")
    jwt_resource, opaque_resource = f"https://vault-{suffix}.example/api", f"https://plain-{suffix}.example/api"
    register_resource(s, jwt_resource, scopes=["vault:read"], extra=("--token-format", "jwt"))
    register_resource(s, opaque_resource, scopes=["vault:read"])
    app = TokenFactory(s).app(client_credentials=True)
    r = token_request(s, app, grant_type="client_credentials", scope="vault:read", resource=jwt_resource)
    assert r.status_code == 503, r.text
    assert r.json()["error"] == "temporarily_unavailable"
    assert counts(s, app.client_id) == ["0", "0", "0"]
    r = token_request(s, app, grant_type="client_credentials", scope="vault:read", resource=opaque_resource)
    assert r.status_code == 200 and r.json()["access_token"].startswith("lat_")


def test_a_metadata_document_fetched_inside_the_refused_exchange_is_rolled_back_with_it(keyless):
    """The refused request's one transaction holds a metadata client's re-fetch too (its own
    transaction, nested inside: it joins the outer one instead of committing it early), so the
    503 still leaves nothing behind — no tokens, the code unspent, the document not stored."""
    s = keyless
    ensure_scopes(s)
    docs = DocumentServer()
    try:
        redirect = "http://127.0.0.1:9/callback"
        path = "/" + unique("nokey") + "/client.json"
        url = docs.url(path)
        docs.serve(path, document(url, [redirect]), cache_control="max-age=3600")
        name, password = make_user(s)
        browser = Browser(s)
        browser.sign_in(name, password)
        verifier, challenge = pkce_pair()
        code = browser.code(authorize_params(url, challenge, redirect_uri=redirect, scope="openid"))
        assert docs.count(path) == 1
        s.psql(f"UPDATE clients SET metadata_expires_at = now() - interval '1 minute' WHERE client_id = '{url}'")
        r = exchange(s, code, verifier, client_id=url, redirect_uri=redirect, method="none")
        assert r.status_code == 503, r.text
        assert docs.count(path) == 2   # fetched again, inside the request's transaction
        assert counts(s, url) == ["0", "0", "0"]
        assert s.scalar(f"SELECT redeemed_at IS NULL FROM authorization_codes WHERE id = '{code[4:20]}'") == "t"
        assert s.scalar(f"SELECT metadata_expires_at < now() FROM clients WHERE client_id = '{url}'") == "t"
    finally:
        docs.close()
