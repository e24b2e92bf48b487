"""A small MCP server (PyPI `mcp`, streamable HTTP) protected by latch, for test_mcp.py.

    python3 mcp_resource_server.py --port P --issuer http://127.0.0.1:Q

It serves MCP at http://127.0.0.1:P/mcp and its RFC 9728 metadata at
/.well-known/oauth-protected-resource/mcp (and at the root path), naming latch as the
authorization server and `mcp:tools` as the scope it needs. Every request's bearer token is
verified by latch.

Verification: latch's RFC 7662 introspection endpoint is not on this build yet, so tokens are
checked with `GET /oauth2/check` (latch's bearer check for nginx auth_request: 204 with the
user, client and scope in X-Latch-* headers, 401 otherwise). To verify through introspection
instead, replace `check_with_latch` with a POST to /oauth2/introspect authenticated as a
confidential client and read `active`, `client_id`, `scope`, `sub` and `aud`.
The `whoami` tool returns latch's `GET /api/v2/users/me` for the caller's token.
"""
import argparse
import json

import httpx2
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import AccessToken
from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import MCPServer
from starlette.requests import Request
from starlette.responses import JSONResponse

SCOPE = "mcp:tools"


class LatchTokenVerifier:
    def __init__(self, issuer):
        self.issuer = issuer

    async def check_with_latch(self, token):
        async with httpx2.AsyncClient(timeout=10) as http:
            r = await http.get(f"{self.issuer}/oauth2/check", headers={"Authorization": f"Bearer {token}"})
        if r.status_code != 204:
            return None
        return AccessToken(token=token, client_id=r.headers["X-Latch-Client"],
                           scopes=r.headers.get("X-Latch-Scope", "").split(), subject=r.headers.get("X-Latch-User-Id"))

    async def verify_token(self, token):
        return await self.check_with_latch(token)


def build(port, issuer):
    resource = f"http://127.0.0.1:{port}/mcp"
    server = MCPServer(
        name="latch-protected",
        token_verifier=LatchTokenVerifier(issuer),
        auth=AuthSettings(issuer_url=issuer, resource_server_url=resource, required_scopes=[SCOPE],
                          validate_token_resource=False),
    )

    @server.tool()
    async def whoami() -> str:
        """Who the caller is, according to latch's /api/v2/users/me."""
        token = get_access_token()
        async with httpx2.AsyncClient(timeout=10) as http:
            r = await http.get(f"{issuer}/api/v2/users/me", headers={"Authorization": f"Bearer {token.token}"})
        r.raise_for_status()
        return json.dumps(r.json())

    @server.custom_route("/.well-known/oauth-protected-resource", methods=["GET"])
    async def root_metadata(_request: Request):
        return JSONResponse({"resource": resource, "authorization_servers": [issuer],
                             "bearer_methods_supported": ["header"], "scopes_supported": [SCOPE]})

    return server


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--issuer", required=True)
    args = parser.parse_args()
    build(args.port, args.issuer).run("streamable-http", host="127.0.0.1", port=args.port)
