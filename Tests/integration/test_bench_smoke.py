"""The benchmark harness works (bench/run): not a timing test. It runs a one-second
measurement, and checks that what every path prepares, and every pgbench script of the
SQL latch is expected to run, fits the schema."""
import base64
import hashlib
import json
import os
import re
import struct
import subprocess
import sys
import zlib
from urllib.parse import parse_qs

import pytest

from latchstack import ROOT

BENCH = os.path.join(ROOT, "bench")
sys.path.insert(0, BENCH)

from harness.chart import write_chart  # noqa: E402
from harness.loadgen import pgbench_script, run_pgbench  # noqa: E402
from harness.path import Context  # noqa: E402
from harness.stack import BenchStack  # noqa: E402
from paths import ALL, BY_NAME  # noqa: E402

CREDENTIAL = re.compile(r"(lac|lat|lrt|lcs)_([0-9a-f]{16})_([A-Za-z0-9_-]{43})")


def test_bench_run_prints_a_table_row_and_writes_json(tmp_path):
    out = tmp_path / "latest.json"
    result = subprocess.run(
        [os.path.join(BENCH, "run"), "--duration", "1", "--warmup", "0", "--paths", "discovery,check",
         "--no-ceilings", "--debug", "--no-build", "--no-install", "--workers", "2", "--out", str(out)],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("path ") and "req/s" in line)
    row = next(line for line in lines[header:] if line.startswith("discovery "))
    assert float(row.split()[1].replace(",", "")) > 0
    check_row = next(line for line in lines[header:] if line.startswith("check "))

    data = json.loads(out.read_text())
    discovery = next(p for p in data["paths"] if p["name"] == "discovery")
    assert discovery["latch"]["requests"] > 0
    assert discovery["latch"]["rps"] > 0
    assert discovery["latch"]["non_2xx"] == 0
    check = next(p for p in data["paths"] if p["name"] == "check")
    # Until GET /oauth2/check lands it answers 404 and the harness skips it.
    if "latch" in check:
        assert check["latch"]["requests"] > 0
    else:
        assert check["status"] == "not available"
        assert "not available" in check_row
    assert data["config"]["synchronous_commit"] == "on"
    assert "latch-discovery" in data["memory"]
    assert all(worker["idle"]["rss_kib"] > 0 for worker in data["memory"]["latch-discovery"].values())
    assert (tmp_path / "latest.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def decode_png(raw):
    """(width, height, pixel rows) of an 8-bit RGB PNG, checking every chunk's CRC."""
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks = 8, {}
    while position < len(raw):
        length, kind = struct.unpack(">I4s", raw[position:position + 8])
        data = raw[position + 8:position + 8 + length]
        crc = struct.unpack(">I", raw[position + 8 + length:position + 12 + length])[0]
        assert crc == zlib.crc32(kind + data) & 0xFFFFFFFF, kind
        chunks[kind] = chunks.get(kind, b"") + data
        position += 12 + length
    width, height, depth, color = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, color) == (8, 2)
    pixels = zlib.decompress(chunks[b"IDAT"])
    assert len(pixels) == height * (1 + 3 * width)
    return width, height, pixels


def test_builtin_png_chart_draws_bars(tmp_path):
    path = tmp_path / "chart.png"
    backend = write_chart(str(path), [("discovery", 40_000, 60_000), ("exchange", None, 9_000)], 100_000,
                          "latch", backend="tiny")
    assert backend == "tiny"
    width, height, pixels = decode_png(path.read_bytes())
    assert width > 500 and height > 100
    assert bytes((31, 119, 180)) in pixels  # latch's bar
    assert bytes((170, 170, 170)) in pixels  # the ceiling's bar


def parse_credential(text, prefix):
    match = CREDENTIAL.fullmatch(text)
    assert match and match.group(1) == prefix, text
    return match.group(2), match.group(3)


def stored_hash(stack, table, lookup_id):
    return stack.scalar(f"SELECT encode(secret_hash, 'hex') FROM {table} WHERE id = '{lookup_id}'")


@pytest.fixture(scope="module")
def own_stack(make_stack):
    """A stack of its own: the bench fixtures add 1000 filler users."""
    return make_stack()


def test_prepared_data_matches_the_schema_and_credential_format(own_stack, tmp_path):
    s = own_stack
    bench = BenchStack.attach(s.dir, s.port, s.pg_port)
    ctx = Context(bench, str(tmp_path))
    ctx.install_fixtures()
    secret_id, secret = parse_credential(ctx.secret.value, "lcs")
    assert stored_hash(s, "client_secrets", secret_id) == hashlib.sha256(secret.encode()).hexdigest()
    basic = "Basic " + base64.b64encode(f"bench-app:{ctx.secret.value}".encode()).decode()

    for path in ALL:
        lines = path.prepare(ctx, 3)
        if path.name.startswith("authorize_exchange"):
            check_authorize_exchange(s, path, ctx, lines)
            continue
        for line in lines:
            method, url, headers, body = path.request(ctx, line)
            assert (method, url) == (path.method, path.url_path)
            form = {k: v[0] for k, v in parse_qs(body or "", strict_parsing=bool(body)).items()}
            if method == "POST":
                assert headers["Authorization"] == basic
                assert headers["Content-Type"] == "application/x-www-form-urlencoded"
            if path.name.startswith("exchange"):   # exchange, exchange_openid_rs256, exchange_openid_es256
                code_id, code_secret = parse_credential(form["code"], "lac")
                assert stored_hash(s, "authorization_codes", code_id) == hashlib.sha256(code_secret.encode()).hexdigest()
                challenge = base64.urlsafe_b64encode(hashlib.sha256(form["code_verifier"].encode()).digest()).rstrip(b"=")
                row = s.psql(f"SELECT code_challenge, redirect_uri, client_id, redeemed_at IS NULL, expires_at > now() "
                             f"FROM authorization_codes WHERE id = '{code_id}'")[0]
                assert row == [challenge.decode(), form["redirect_uri"], "bench-app", "t", "t"]
                assert form["grant_type"] == "authorization_code"
                if path.name.startswith("exchange_openid"):
                    # The ID token rows: openid granted, the client's algorithm as the path names it.
                    assert "openid" in s.scalar(f"SELECT scope FROM authorization_codes WHERE id = '{code_id}'").split()
                    assert s.scalar("SELECT coalesce(metadata->>'id_token_signed_response_alg', 'RS256') FROM clients "
                                    "WHERE client_id = 'bench-app'") == path.algorithm
            elif path.name == "refresh":
                token_id, token_secret = parse_credential(form["refresh_token"], "lrt")
                assert stored_hash(s, "tokens", token_id) == hashlib.sha256(token_secret.encode()).hexdigest()
                assert s.scalar(f"SELECT count(*) FROM tokens WHERE refresh_token_id = '{token_id}' AND kind = 'access'") == "1"
            elif path.name == "client_credentials":
                assert form == {"grant_type": "client_credentials", "scope": "bench:read"}
            elif path.name in ("introspect", "check", "check_replica", "userinfo"):
                value = form["token"] if path.name == "introspect" else headers["Authorization"].removeprefix("Bearer ")
                token_id, token_secret = parse_credential(value, "lat")
                assert stored_hash(s, "tokens", token_id) == hashlib.sha256(token_secret.encode()).hexdigest()
                assert s.scalar(f"SELECT kind = 'access' AND expires_at > now() FROM tokens WHERE id = '{token_id}'") == "t"
            else:
                assert path.kind == "static" and not lines


def check_authorize_exchange(s, path, ctx, lines):
    """What authorize_exchange.lua does, once: the authorize request answers 302 with a code
    (remembered consent, no page), the exchange redeems it as a public client; the probe's
    request shows the consent page. For the metadata client, the cached document is fresh, so
    none of this fetches anything (its URL's host does not even resolve)."""
    import requests
    assert len(set(lines)) == 1
    authorize, exchange_prefix = lines[0].split("\t")
    cookie = {"Cookie": path.wrk_args(ctx, "", 1)[2]}
    r = requests.get(s.url(authorize), headers=cookie, allow_redirects=False, timeout=30)
    assert r.status_code == 302, r.text[:300]
    code = parse_qs(r.headers["Location"].split("?", 1)[1])["code"][0]
    r = requests.post(s.url("/oauth2/tokens"), data=exchange_prefix + code, timeout=30,
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200, r.text
    method, url, headers, body = path.request(ctx, lines[0])
    r = requests.request(method, s.url(url), headers=headers, allow_redirects=False, timeout=30)
    assert r.status_code == 200 and "csrf_token" in r.text
    assert s.scalar(f"SELECT origin FROM clients WHERE client_id = '{path.client_id}'") == path.origin


def test_pgbench_scripts_run_against_the_schema_and_do_their_work(own_stack):
    s = own_stack
    bench = BenchStack.attach(s.dir, s.port, s.pg_port)
    ctx = Context(bench, s.dir)
    ctx.install_fixtures()
    bench.psql(file=os.path.join(BENCH, "sql", "fill.sql"), variables={"rows": 100})
    assert s.scalar("SELECT count(*) FROM tokens WHERE client_id = 'bench-filler'") == "100"
    for name in ("discovery", "exchange", "exchange_openid_es256", "refresh", "client_credentials", "introspect", "check",
                 "userinfo"):
        path = BY_NAME[name]
        bench.psql(file=os.path.join(BENCH, "sql", "reset.sql"))
        defines = dict(ctx.pgbench_defines(), base=0)
        defines.update(path.prepare_pgbench(ctx, 2, 20))
        result = run_pgbench(bench, path.pgbench, 1, 2, 1, defines, transactions=15)
        assert not result["aborted"], (name, result["error"])
        assert result["transactions"] == 30 and result["failed"] == 0, (name, result)
        done = path.pgbench_work_done(ctx)
        if path.kind == "write" or name == "client_credentials":
            # Every transaction redeemed its own code, rotated its own refresh token, or
            # issued a token: none found nothing to do.
            assert done == 30, (name, done)
        if name in ("introspect", "check", "userinfo"):
            # The script's token lookup (its last statement) finds a live token of the pool.
            sql = sql_commands(pgbench_script(path.pgbench))[-1]
            values = {"n::bigint": "7::bigint", **{k: f"'{v}'" for k, v in defines.items() if isinstance(v, str)}}
            for var in sorted(values, key=len, reverse=True):
                sql = sql.replace(":" + var, values[var])
            rows = bench.psql(sql)
            assert len(rows) == 1 and "bench-user" in rows[0], (name, rows)


def sql_commands(script):
    """The SQL commands of a pgbench script, in order: comment and meta-command lines left out;
    a command ends at its semicolon or at a trailing \\gset."""
    commands, current = [], []
    for line in script.splitlines():
        if line.lstrip().startswith(("--", "\\")) or not line.strip():
            continue
        text, ended = line, line.rstrip().endswith(";")
        if " \\gset" in line:
            text, ended = line[:line.index(" \\gset")], True
        current.append(text)
        if ended:
            commands.append("\n".join(current))
            current = []
    return commands
