-- pgbench: refresh_token rotation (client_secret_basic) as the one statement latch is
-- expected to send: authenticate the client, mark the presented refresh token used (only
-- if unused, unrevoked, unexpired, this client's, and its grant is not revoked), revoke
-- the access token issued with it, touch the grant, issue a new refresh + access token.
--
-- Binds as latch sends them: secret_id, secret_hash, client, the refresh token's id +
-- SHA-256 of its secret, new token ids + hashes, lifetimes. Here pgbench derives the
-- per-request values from a counter :n over the pool refresh.data.sql created.
\set seq :seq + 1
\set n :client_id * :stride + :base + :seq
WITH client AS (
    SELECT c.client_id
      FROM client_secrets AS s
      JOIN clients AS c ON c.client_id = s.client_id
     WHERE s.id = :secret_id AND s.secret_hash = :secret_hash AND s.client_id = :client
       AND 'refresh_token' = ANY (c.grant_types)
), old AS (
    UPDATE tokens AS t
       SET used_at = now()
     WHERE t.id = 'b' || lpad(to_hex(:n::bigint), 15, '0')
       AND t.kind = 'refresh'
       AND t.secret_hash = sha256(int8send(:n::bigint))
       AND t.client_id = (SELECT client_id FROM client)
       AND t.used_at IS NULL AND t.revoked_at IS NULL AND t.expires_at > now()
       AND EXISTS (SELECT 1 FROM grants AS g WHERE g.id = t.grant_id AND g.revoked_at IS NULL)
    RETURNING t.id, t.grant_id, t.client_id, t.user_id, t.scope, t.audience
), old_access AS (
    UPDATE tokens
       SET revoked_at = now()
     WHERE refresh_token_id = (SELECT id FROM old) AND kind = 'access' AND revoked_at IS NULL
), touched AS (
    UPDATE grants SET last_used_at = now() WHERE id = (SELECT grant_id FROM old)
), refresh AS (
    INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, audience, expires_at)
    SELECT substr(md5('rr' || :n::bigint), 1, 16), 'refresh', sha256(int8send(-:n::bigint)),
           grant_id, client_id, user_id, scope, audience, now() + make_interval(secs => :refresh_lifetime)
      FROM old
    RETURNING id
), access AS (
    INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, audience,
                        refresh_token_id, expires_at)
    SELECT substr(md5('ra' || :n::bigint), 1, 16), 'access', sha256(int8send(:n::bigint + 1)),
           o.grant_id, o.client_id, o.user_id, o.scope, o.audience, r.id,
           now() + make_interval(secs => :access_lifetime)
      FROM old AS o, refresh AS r
    RETURNING scope, expires_at
)
SELECT scope, expires_at FROM access;
