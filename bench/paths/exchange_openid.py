"""Paths 2b/2c: the code exchange of path 2 with `openid` granted, so the answer also carries an
ID token signed in Swift after the one statement (README "OpenID Connect"): RS256 (the default)
and ES256 (the client registered id_token_signed_response_alg ES256). The statement is the one
of path 2 (exchange.sql); what this adds over it is the signature."""
from urllib.parse import quote

from harness.credentials import AUTHORIZATION_CODE, copy_bytea, mint_many, pkce_pair

from .exchange import COLUMNS, Exchange


class ExchangeOpenID(Exchange):
    name = "exchange_openid_rs256"
    title = "authorization_code + PKCE + openid (ID token RS256)"
    algorithm = "RS256"

    def prepare(self, ctx, count):
        # The client's ID token algorithm: RS256 is the default (no member), ES256 registered.
        member = "'{}'::jsonb" if self.algorithm == "RS256" else \
            f"""jsonb_build_object('id_token_signed_response_alg', '{self.algorithm}')"""
        ctx.stack.psql(f"UPDATE clients SET metadata = (metadata - 'id_token_signed_response_alg') || {member} "
                       f"WHERE client_id = '{ctx.client_id}'")
        expires = ctx.timestamp(3600)
        redirect = quote(ctx.redirect_uri, safe="")
        scope = f"{ctx.scope} openid"
        rows, lines = [], []
        for code in mint_many(AUTHORIZATION_CODE, count):
            verifier, challenge = pkce_pair()
            rows.append("\t".join([code.id, copy_bytea(code.secret_hash), ctx.client_id, str(ctx.user_id),
                                   ctx.redirect_uri, "t", challenge, scope, expires]))
            lines.append(f"grant_type=authorization_code&code={code.value}"
                         f"&code_verifier={verifier}&redirect_uri={redirect}")
        ctx.stack.copy_in("authorization_codes", COLUMNS, rows)
        return lines


class ExchangeOpenIDES256(ExchangeOpenID):
    name = "exchange_openid_es256"
    title = "authorization_code + PKCE + openid (ID token ES256)"
    algorithm = "ES256"
