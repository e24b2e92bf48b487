"""A small MCP server (PyPI `mcp`, streamable HTTP) protected by latch, for test_mcp.py.

    python3 mcp_resource_server.py --port P --issuer http://127.0.0.1:Q

It serves MCP at http://127.0.0.1:P/mcp and its RFC 9728 metadata at
/.well-known/oauth-protected-resource/mcp (and at the root path), naming latch as the
authorization server and `mcp:tools` as the scope it needs. Every request's bearer token is
verified by latch.

Verification: tokens are checked with `GET /oauth2/check?resource=<this server>&scope=mcp:tools`
(latch's gate: 204 with the user, client, scope and audience in X-Latch-* headers when the token
is live, for this resource and holds the scope; 401/403 otherwise). A token meant for another
resource is refused (revision 2: every token has exactly one audience). To verify through
introspection instead, POST to /oauth2/introspect as a verified confidential client and check
`active`, `scope` and that `aud` is this server.
The `whoami` tool returns who latch says the caller is (`id`, `username`): a token for this server
is not accepted by latch's own /api/v2/users/me, which is another resource.
"""
import argparse
import json
import urllib.parse

import httpx2
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import AccessToken
from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import MCPServer
from starlette.requests import Request
from starlette.responses import JSONResponse

SCOPE = "mcp:tools"


async def check_with_latch(issuer, resource, token):
    """latch's answer for this resource: the 204's X-Latch-* headers, or None."""
    async with httpx2.AsyncClient(timeout=10) as http:
        r = await http.get(f"{issuer}/oauth2/check", params={"resource": resource, "scope": SCOPE},
                           headers={"Authorization": f"Bearer {token}"})
    return r.headers if r.status_code == 204 else None


class LatchTokenVerifier:
    def __init__(self, issuer, resource):
        self.issuer = issuer
        self.resource = resource

    async def check_with_latch(self, token):
        headers = await check_with_latch(self.issuer, self.resource, token)
        if headers is None:
            return None
        return AccessToken(token=token, client_id=headers["X-Latch-Client"], resource=headers["X-Latch-Audience"],
                           scopes=headers.get("X-Latch-Scope", "").split(), subject=headers.get("X-Latch-User-Id"))

    async def verify_token(self, token):
        return await self.check_with_latch(token)


def build(port, issuer):
    resource = f"http://127.0.0.1:{port}/mcp"
    server = MCPServer(
        name="latch-protected",
        token_verifier=LatchTokenVerifier(issuer, resource),
        auth=AuthSettings(issuer_url=issuer, resource_server_url=resource, required_scopes=[SCOPE],
                          validate_token_resource=False),
    )

    @server.tool()
    async def whoami() -> str:
        """Who the caller is, according to latch's gate for this resource."""
        token = get_access_token()
        headers = await check_with_latch(issuer, resource, token.token)
        if headers is None:
            raise RuntimeError("latch no longer accepts this token")
        return json.dumps({"id": int(headers["X-Latch-User-Id"]),
                           "username": urllib.parse.unquote(headers["X-Latch-User"])})

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
