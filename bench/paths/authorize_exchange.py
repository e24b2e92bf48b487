"""Paths 8 and 9: authorize + code exchange for a public client, once for a registered app and
once for a Client ID Metadata Document client whose document is cached (README "Client ID
Metadata Documents"): the same requests, so the two rows of one run compare directly (the issue
asks the metadata client's to be within 10 % of the registered one's: a cached document costs no
fetch and no extra round trip).

Each iteration of a connection is two requests: GET /oauth2/authorize with the bench user's
session for a verified client the user already allowed (remembered consent: 302 with a code),
then POST /oauth2/tokens redeeming that code with client_id in the body (`none`). The Lua
script (authorize_exchange.lua) takes the code from the Location header. Requests per second
count both."""
from urllib.parse import quote, urlencode

from harness.credentials import ACCESS_TOKEN, mint, pkce_pair
from harness.path import BenchPath

SESSION = "lss_"


class AuthorizeExchange(BenchPath):
    name = "authorize_exchange"
    title = "authorize + code exchange, registered public app (remembered consent)"
    method = "GET"
    url_path = "/oauth2/authorize"
    executable = "latch-tokens"
    lua = "authorize_exchange.lua"
    kind = "read"
    resets_tables = True
    client_id = "bench-public-app"
    origin = "admin"

    def install_client(self, ctx):
        ctx.stack.psql(f"""
            INSERT INTO clients (client_id, name, callback_url, redirect_uris, scope, token_endpoint_auth_method,
                                 grant_types, origin, verified, metadata_fetched_at, metadata_expires_at, consent_binding)
            VALUES ('{self.client_id}', 'latch bench public', '{ctx.redirect_uri}', '{{{ctx.redirect_uri}}}',
                    '{{bench:read,bench:write}}', 'none', '{{authorization_code,refresh_token}}', '{self.origin}', true,
                    {self.cache_columns()})
            ON CONFLICT (client_id) DO UPDATE SET verified = true, metadata_expires_at = EXCLUDED.metadata_expires_at""")

    def cache_columns(self):
        return "NULL, NULL, NULL"

    def prepare(self, ctx, count):
        """The client, the remembered consent (a live grant with a live token of the bench user
        for bench:read on latch's own API; the tables were just reset) and a session; one data
        line, repeated so that every wrk thread gets it: the authorize path and query, TAB,
        the exchange body without its code."""
        self.install_client(ctx)
        grant = "g_bench_" + self.client_id.encode().hex()[:16]
        token = mint(ACCESS_TOKEN)
        ctx.stack.psql(f"""
            INSERT INTO grants (id, client_id, user_id, scope, expires_at)
            VALUES ('{grant}', '{self.client_id}', {ctx.user_id}, 'bench:read', now() + interval '1 day')
            ON CONFLICT (id) DO NOTHING;
            INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, expires_at)
            VALUES ('{token.id}', 'access', decode('{token.secret_hash.hex()}', 'hex'), '{grant}', '{self.client_id}',
                    {ctx.user_id}, 'bench:read', now() + interval '1 day')""")
        session = mint(SESSION)
        ctx.stack.psql(f"""
            INSERT INTO sessions (id, secret_hash, user_id, source_address, expires_at)
            VALUES ('{session.id}', decode('{session.secret_hash.hex()}', 'hex'), {ctx.user_id}, '127.0.0.1',
                    now() + interval '1 day')""")
        self.cookie = f"latch_session={session.value}"
        verifier, challenge = pkce_pair()
        query = urlencode({"response_type": "code", "client_id": self.client_id, "redirect_uri": ctx.redirect_uri,
                           "code_challenge": challenge, "code_challenge_method": "S256", "scope": "bench:read"})
        body = (f"grant_type=authorization_code&client_id={quote(self.client_id, safe='')}"
                f"&redirect_uri={quote(ctx.redirect_uri, safe='')}&code_verifier={verifier}&code=")
        return [f"{self.url_path}?{query}\t{body}"] * 64

    def request(self, ctx, line):
        """The probe's request: the consent page (prompt=consent), which shows only when the
        client resolves (for the metadata client: from its cached document)."""
        authorize = line.split("\t")[0]
        return "GET", authorize + "&prompt=consent", {"Cookie": self.cookie}, None

    def wrk_args(self, ctx, data_path, threads):
        return [data_path or "", threads, self.cookie]


class MetadataAuthorizeExchange(AuthorizeExchange):
    name = "authorize_exchange_metadata"
    title = "authorize + code exchange, metadata-document client with a cached document"
    client_id = "https://tools.bench.test/oauth/client-metadata.json"
    origin = "metadata"

    def cache_columns(self):
        # Fetched a moment ago and fresh for a day: no fetch during the run.
        return "now(), now() + interval '1 day', 'bench'"
