-- pgbench: client_credentials as the one statement latch is expected to send:
-- authenticate the confidential client (allowed this grant, requested scope within its
-- registered scopes), create the grant (a token family of its own), issue one access
-- token; no refresh token.
--
-- Binds as latch sends them: secret_id, secret_hash, client, the requested scope, the new
-- grant id, the access token's id + hash, its lifetime. Here pgbench derives the new ids
-- from a counter :n.
\set seq :seq + 1
\set n :client_id * :stride + :base + :seq
WITH client AS (
    SELECT c.client_id
      FROM client_secrets AS s
      JOIN clients AS c ON c.client_id = s.client_id
     WHERE s.id = :secret_id AND s.secret_hash = :secret_hash AND s.client_id = :client
       AND c.token_endpoint_auth_method <> 'none'
       AND 'client_credentials' = ANY (c.grant_types)
       AND (cardinality(c.scope) = 0 OR string_to_array(:scope, ' ') <@ c.scope)
), new_grant AS (
    INSERT INTO grants (id, client_id, user_id, scope, last_used_at)
    SELECT substr(md5('cg' || :n::bigint), 1, 16), client_id, NULL, :scope, now() FROM client
    RETURNING id, client_id, scope
), access AS (
    INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, expires_at)
    SELECT substr(md5('ca' || :n::bigint), 1, 16), 'access', sha256(int8send(:n::bigint)),
           id, client_id, NULL, scope, now() + make_interval(secs => :access_lifetime)
      FROM new_grant
    RETURNING scope, expires_at
)
SELECT scope, expires_at FROM access;
