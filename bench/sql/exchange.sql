-- pgbench: the authorization_code exchange (PKCE S256, client_secret_basic) as the one
-- statement latch is expected to send: authenticate the client, take the code atomically
-- (single use: the UPDATE only matches an unredeemed, unexpired code of this client whose
-- challenge and redirect_uri match), create the grant, issue refresh + access token.
--
-- Binds as latch sends them: secret_id, secret_hash (client secret), client (client_id
-- from Basic), code id + SHA-256 of its secret, S256(code_verifier), redirect_uri, the new
-- grant id, token ids + hashes, lifetimes. Here pgbench computes the per-request values
-- from a counter :n (ids lpad(to_hex(n)), hashes sha256(int8send(n))) over the pool that
-- exchange.data.sql created; those few expressions cost microseconds.
\set seq :seq + 1
\set n :client_id * :stride + :base + :seq
WITH client AS (
    SELECT c.client_id
      FROM client_secrets AS s
      JOIN clients AS c ON c.client_id = s.client_id
     WHERE s.id = :secret_id AND s.secret_hash = :secret_hash AND s.client_id = :client
       AND 'authorization_code' = ANY (c.grant_types)
), code AS (
    UPDATE authorization_codes AS ac
       SET redeemed_at = now(), grant_id = substr(md5('xg' || :n::bigint), 1, 16)
     WHERE ac.id = lpad(to_hex(:n::bigint), 16, '0')
       AND ac.secret_hash = sha256(int8send(:n::bigint))
       AND ac.client_id = (SELECT client_id FROM client)
       AND ac.redeemed_at IS NULL
       AND ac.expires_at > now()
       AND ac.code_challenge = :challenge
       AND (NOT ac.redirect_uri_given OR ac.redirect_uri = :redirect_uri)
    RETURNING ac.client_id, ac.user_id, ac.scope, ac.resource, ac.grant_id
), new_grant AS (
    INSERT INTO grants (id, client_id, user_id, scope, resource, last_used_at)
    SELECT grant_id, client_id, user_id, scope, resource, now() FROM code
    RETURNING id, client_id, user_id, scope, resource
), refresh AS (
    INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, audience, expires_at)
    SELECT substr(md5('xr' || :n::bigint), 1, 16), 'refresh', sha256(int8send(-:n::bigint)),
           id, client_id, user_id, scope, resource, now() + make_interval(secs => :refresh_lifetime)
      FROM new_grant
    RETURNING id
), access AS (
    INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, audience,
                        refresh_token_id, expires_at)
    SELECT substr(md5('xa' || :n::bigint), 1, 16), 'access', sha256(int8send(:n::bigint + 1)),
           g.id, g.client_id, g.user_id, g.scope, g.resource, r.id,
           now() + make_interval(secs => :access_lifetime)
      FROM new_grant AS g, refresh AS r
    RETURNING scope, expires_at
)
SELECT scope, expires_at FROM access;
