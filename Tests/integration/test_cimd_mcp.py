"""The real MCP Python SDK (`mcp` on PyPI) as a Client ID Metadata Document client
(README "Client ID Metadata Documents"): `OAuthClientProvider(client_metadata_url=…)` with its
document served over https on loopback (the SDK requires an https URL with a path; the stack's
development mode lets latch fetch it). The client finds latch through the MCP server's protected
resource metadata, sees `client_id_metadata_document_supported`, uses the URL as its client_id
with no dynamic registration at all, runs PKCE through sign-in and consent, and calls a tool on
the MCP server guarded by latch."""
import json

import requests

from clienthelpers import create_user, unique
from docserver import DocumentServer, document
from test_mcp import LoopbackCallback, MemoryStorage, mcp_server, sign_in_and_call_whoami  # noqa: F401


def test_mcp_sdk_reaches_a_tool_with_a_client_id_metadata_document(stack, mcp_server):  # noqa: F811
    person = create_user(stack, name=unique("cimd-user"))
    callback = LoopbackCallback()
    docs = DocumentServer()
    path = "/" + unique("mcp") + "/client-metadata.json"
    metadata_url = docs.url(path)
    docs.serve(path, document(metadata_url, [callback.redirect_uri], name="latch MCP CIMD test",
                              grant_types=["authorization_code", "refresh_token"], response_types=["code"]),
               cache_control="max-age=3600")
    storage = MemoryStorage()
    dynamic_before = stack.scalar("SELECT count(*) FROM clients WHERE origin = 'dynamic'")
    seen = {}
    try:
        result = sign_in_and_call_whoami(stack, mcp_server, person, callback, storage, seen=seen,
                                         client_metadata_url=metadata_url)
    finally:
        docs.close()
    assert not result.is_error, result
    assert json.loads(result.content[0].text) == {"id": person["id"], "username": person["username"]}
    # The URL was the client_id: no registration, one fetch (the token exchange used the cache).
    assert storage.client_info.client_id == metadata_url
    assert "client_id=" + requests.utils.quote(metadata_url, safe="") in seen["url"]
    assert stack.scalar("SELECT count(*) FROM clients WHERE origin = 'dynamic'") == dynamic_before
    assert stack.psql(f"SELECT origin, name FROM clients WHERE client_id = '{metadata_url}'") == [
        ["metadata", "latch MCP CIMD test"]]
    assert docs.count(path) == 1
    token_id = storage.tokens.access_token[4:20]
    assert stack.psql(f"SELECT audience, client_id FROM tokens WHERE id = '{token_id}'") == [[mcp_server, metadata_url]]
