"""Path 1: GET /.well-known/oauth-authorization-server. latch runs one statement for it
(the scopes SELECT, bench/sql/discovery.sql); the shipped nginx config caches the
document for a second (deploy/nginx/latch-locations.conf)."""
from harness.path import BenchPath


class Discovery(BenchPath):
    name = "discovery"
    title = "GET /.well-known/oauth-authorization-server"
    url_path = "/.well-known/oauth-authorization-server"
    executable = "latch-discovery"
    lua = "discovery.lua"
    pgbench = "discovery.sql"
    kind = "static"


class DiscoveryUncached(Discovery):
    """The same document from latch-discovery itself, past nginx's cache
    (bench/nginx/bench-locations.conf): what the FastCGI executable serves."""
    name = "discovery-uncached"
    title = "discovery, past nginx's cache (FastCGI)"
    url_path = "/bench/discovery-uncached"
    pgbench = None
    pgbench_of = "discovery"
