"""The example production site (deploy/nginx/latch-site.conf) as shipped, run by a real nginx
with a self-signed certificate in front of the test stack's executables: it must load on this
nginx, send Strict-Transport-Security on latch's pages, send plain http to https, and log
without query strings."""
import os
import re
import secrets
import shutil
import subprocess

import pytest
import requests
import urllib3

from latchstack import ROOT, free_port


@pytest.fixture(scope="module")
def tls_site(stack, tmp_path_factory):
    d = tmp_path_factory.mktemp("tls-site")
    os.chmod(d, 0o755)
    conf = os.path.join(stack.dir, "nginx", "conf")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=auth.example.com",
                    "-keyout", str(d / "site.key"), "-out", str(d / "site.pem")], check=True, capture_output=True)
    https_port, http_port = free_port(), free_port()
    # The pieces an operator copies to /etc/nginx/ (upstreams: the stack's sockets).
    for name in ["latch-http.conf", "latch-upstreams.conf", "latch-locations.conf", "latch-fastcgi-params.conf"]:
        shutil.copy(os.path.join(conf, name), d / name)
    site = open(os.path.join(ROOT, "deploy", "nginx", "latch-site.conf")).read()
    for old, new in [("/etc/nginx/", f"{d}/"),
                     ("/var/cache/nginx/latch", str(d / "cache")),
                     ("/var/log/nginx/latch-access.log", str(d / "access.log")),
                     ("/etc/ssl/certs/auth.example.com.pem", str(d / "site.pem")),
                     ("/etc/ssl/private/auth.example.com.key", str(d / "site.key")),
                     ("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl"),
                     ("listen 80;", f"listen 127.0.0.1:{http_port};")]:
        assert old in site, old
        site = site.replace(old, new)
    with open(d / "site.conf", "w") as f:
        f.write(site)
    user = "user nobody latch-fcgi;" if os.geteuid() == 0 else ""
    with open(d / "nginx.conf", "w") as f:
        f.write(f"""{user}
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 64; }}
http {{
    client_body_temp_path {d}/body; fastcgi_temp_path {d}/fastcgi; proxy_temp_path {d}/proxy;
    uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
    include {d}/site.conf;
}}
""")
    started = subprocess.run(["nginx", "-p", str(d), "-c", str(d / "nginx.conf")], capture_output=True, text=True)
    assert started.returncode == 0, started.stderr
    urllib3.disable_warnings()
    base = f"https://127.0.0.1:{https_port}"
    assert stack.wait_until(lambda: requests.get(base + "/login", verify=False, timeout=5).status_code == 200, timeout=20)
    yield {"https": base, "http": f"http://127.0.0.1:{http_port}", "dir": d}
    subprocess.run(["nginx", "-p", str(d), "-c", str(d / "nginx.conf"), "-s", "stop"], capture_output=True)


@pytest.mark.parametrize("path", ["/login", "/oauth2/authorize?client_id=x", "/account/apps", "/oauth2/tokens"])
def test_the_example_tls_site_sends_hsts(tls_site, path):
    r = requests.get(tls_site["https"] + path, verify=False, allow_redirects=False, timeout=10)
    assert r.headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"


def test_plain_http_goes_to_https_and_logs_carry_no_query(tls_site, stack):
    marker = secrets.token_hex(8)
    r = requests.get(tls_site["http"] + f"/login?next=/{marker}", allow_redirects=False, timeout=10)
    assert r.status_code == 301 and r.headers["Location"] == f"https://auth.example.com/login?next=/{marker}"
    requests.get(tls_site["https"] + f"/oauth2/authorize?state={marker}", verify=False, timeout=10)
    log = tls_site["dir"] / "access.log"
    assert stack.wait_until(lambda: log.exists() and "/oauth2/authorize" in log.read_text(), timeout=15)
    assert marker not in log.read_text()
    assert re.search(r'"GET /oauth2/authorize HTTP/1\.1" \d{3}', log.read_text())
