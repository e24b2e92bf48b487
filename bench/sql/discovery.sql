-- pgbench: GET /.well-known/oauth-authorization-server runs exactly this (ScopeStore.all).
SELECT name, description FROM scopes ORDER BY name;
