"""Who may speak FastCGI to latch (README "Deployment behind nginx"): nginx only. Unix
sockets are mode 0660 with a group of their own (another local user's FastCGI records never
arrive), a TCP listener answers only the peers of its allow-list (others are closed
unanswered), and without a list it refuses to bind anything but loopback."""
import grp
import os
import stat
import subprocess
import time

import pytest

from fastcgiclient import cgi_params, request_bytes, tcp_request
from latchstack import BIN, EXECUTABLES, free_port

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another user")


def socket_path(stack, executable):
    return os.path.join(stack.dir, "run", f"{executable}.sock")


@needs_root
@pytest.mark.parametrize("executable", EXECUTABLES)
def test_sockets_are_0660_with_their_own_group(stack, executable):
    st = os.stat(socket_path(stack, executable))
    assert stat.S_ISSOCK(st.st_mode)
    assert stat.S_IMODE(st.st_mode) == 0o660
    assert grp.getgrgid(st.st_gid).gr_name == "latch-fcgi"
    # … and nginx, whose workers have that group, still reaches every executable.
    assert stack.get("/.well-known/oauth-authorization-server").status_code == 200


CONNECT_AS_ANOTHER_USER = r"""
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    s.connect(sys.argv[1])
except PermissionError:
    print("refused")
    sys.exit(0)
s.sendall(bytes.fromhex(sys.argv[2]))
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
print("answered", len(data))
"""
SYSTEM_PYTHON = "/usr/bin/python3"   # one that any user may run


@needs_root
def test_another_local_user_cannot_write_fastcgi_records_to_the_socket(stack):
    # nobody (primary group nogroup) is any local account that is not nginx.
    before = stack.scalar("SELECT count(*) FROM clients")
    body = b'{"redirect_uris":["https://x.example/cb"]}'
    records = request_bytes(cgi_params("POST", "/oauth2/register", remote_addr="203.0.113.9",
                                       headers={"Content-Type": "application/json"}, body=body), body)
    r = subprocess.run(["runuser", "-u", "nobody", "--", SYSTEM_PYTHON, "-c", CONNECT_AS_ANOTHER_USER,
                        socket_path(stack, "latch-register"), records.hex()],
                       capture_output=True, text=True, timeout=60)
    assert r.stdout.strip() == "refused", r.stdout + r.stderr
    assert stack.scalar("SELECT count(*) FROM clients") == before


def start(stack, executable, *args, env=None):
    environment = dict(os.environ)
    environment.update(stack.env)
    environment.pop("FCGI_WEB_SERVER_ADDRS", None)
    environment.update(env or {})
    return subprocess.Popen([os.path.join(BIN, executable), *args, "--workers", "1"], env=environment,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def listening(port):
    out = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True).stdout
    return "LISTEN" in out


@pytest.fixture
def tcp_server(stack):
    """Starts latch-discovery on 127.0.0.1:PORT with the given arguments; stops it after."""
    started = []

    def run(*args, env=None):
        port = free_port()
        process = start(stack, "latch-discovery", "--listen", f"127.0.0.1:{port}", *args, env=env)
        started.append(process)
        deadline = time.time() + 20
        while not listening(port) and process.poll() is None and time.time() < deadline:
            time.sleep(0.05)
        assert process.poll() is None, process.communicate()
        return ("127.0.0.1", port)

    yield run
    for process in started:
        process.terminate()
    for process in started:
        process.wait(timeout=30)


DISCOVERY = "/.well-known/oauth-authorization-server"


@pytest.mark.parametrize("how", ["--allow", "FCGI_WEB_SERVER_ADDRS"])
def test_a_tcp_peer_not_on_the_allow_list_gets_nothing(stack, tcp_server, how):
    if how == "--allow":
        address = tcp_server("--allow", "127.0.0.1")
    else:
        address = tcp_server(env={"FCGI_WEB_SERVER_ADDRS": "127.0.0.1"})
    allowed = tcp_request(address, "GET", DISCOVERY, source="127.0.0.1")
    assert allowed is not None and allowed.status == 200
    # The same request from 127.0.0.2: the connection is closed without a byte of answer.
    assert tcp_request(address, "GET", DISCOVERY, source="127.0.0.2") is None
    # And the worker is still there for the next allowed peer.
    assert tcp_request(address, "GET", DISCOVERY, source="127.0.0.1").status == 200


def test_an_ipv4_mapped_or_ipv6_list_is_read_as_addresses(stack, tcp_server):
    address = tcp_server("--allow", "::ffff:127.0.0.3,::1")
    assert tcp_request(address, "GET", DISCOVERY, source="127.0.0.3").status == 200
    assert tcp_request(address, "GET", DISCOVERY, source="127.0.0.1") is None


@pytest.mark.parametrize("listen", ["0.0.0.0", "10.11.12.13"])
def test_without_an_allow_list_only_loopback_may_be_bound(stack, listen):
    process = start(stack, "latch-discovery", "--listen", f"{listen}:{free_port()}")
    try:
        _, err = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail(f"latch-discovery served {listen} without an allow-list")
    assert process.returncode == 71
    assert "without an allow-list" in err and "--allow" in err


def test_bad_allow_lists_are_refused_at_start_up(stack):
    for args, env in [(["--allow", "nginx.example"], {}), (["--allow", ""], {}), ([], {"FCGI_WEB_SERVER_ADDRS": "10.0.0.300"})]:
        process = start(stack, "latch-discovery", "--listen", f"127.0.0.1:{free_port()}", *args, env=env)
        _, err = process.communicate(timeout=20)
        assert process.returncode == 64, err
        assert "address" in err


def test_help_names_the_new_options(stack):
    out = subprocess.run([os.path.join(BIN, "latch-tokens"), "--help"], capture_output=True, text=True, timeout=20).stdout
    assert "--socket-group NAME" in out and "--allow ADDR" in out and "0660" in out
    assert "LATCH_FRONT_SECRET_FILE" in out and "LATCH_DEMO" in out and "LATCH_ALLOW_INSECURE_ISSUER" in out


SYSTEMD = os.path.join(os.path.dirname(__file__), "..", "..", "deploy", "systemd")


@pytest.mark.parametrize("executable", EXECUTABLES)
def test_systemd_sockets_are_0660_with_a_group_of_their_own(executable):
    with open(os.path.join(SYSTEMD, f"{executable}.socket")) as f:
        settings = dict(line.strip().split("=", 1) for line in f if "=" in line and not line.startswith("#"))
    assert settings["SocketMode"] == "0660"
    assert settings["SocketGroup"] == "latch-fcgi"      # not www-data, which every web app shares
    with open(os.path.join(SYSTEMD, "latch.sysusers.conf")) as f:
        lines = [line.split() for line in f if line.strip() and not line.startswith("#")]
    assert ["g", "latch-fcgi", "-"] in lines
    assert ["m", "www-data", "latch-fcgi"] in lines     # nginx's worker user, and nobody else
    assert [l for l in lines if l[0] == "m" and l[2] == "latch-fcgi"] == [["m", "www-data", "latch-fcgi"]]


def test_an_inherited_tcp_socket_obeys_the_same_rules(stack):
    """systemd socket activation (or spawn-fcgi) hands over a TCP socket on fd 0."""
    import socket as sockets
    for host, allow, serves in [("0.0.0.0", None, False), ("0.0.0.0", "127.0.0.1", True), ("127.0.0.1", None, True)]:
        listener = sockets.socket(sockets.AF_INET, sockets.SOCK_STREAM)
        listener.setsockopt(sockets.SOL_SOCKET, sockets.SO_REUSEADDR, 1)
        listener.bind((host, 0))
        listener.listen(16)
        port = listener.getsockname()[1]
        environment = dict(os.environ)
        environment.update(stack.env)
        environment.pop("FCGI_WEB_SERVER_ADDRS", None)
        if allow:
            environment["FCGI_WEB_SERVER_ADDRS"] = allow
        process = subprocess.Popen([os.path.join(BIN, "latch-discovery"), "--workers", "1"], env=environment,
                                   stdin=listener.fileno(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   start_new_session=True)
        listener.close()
        try:
            if serves:
                answer = None
                deadline = time.time() + 20
                while answer is None and time.time() < deadline:
                    try:
                        answer = tcp_request(("127.0.0.1", port), "GET", DISCOVERY, source="127.0.0.1")
                    except ConnectionError:
                        time.sleep(0.1)
                assert answer is not None and answer.status == 200, (host, allow)
            else:
                _, err = process.communicate(timeout=20)
                assert process.returncode == 71 and "without an allow-list" in err
        finally:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)


def test_sigterm_as_soon_as_the_socket_exists_still_stops_the_executable(stack, tmp_path):
    """The socket appears once start-up is done (the decoy hash comes first); a SIGTERM from
    then on, however early, ends the process instead of being swallowed."""
    import signal
    for attempt in range(3):
        path = str(tmp_path / f"early-{attempt}.sock")
        process = start(stack, "latch-discovery", "--listen", f"unix:{path}")
        deadline = time.time() + 20
        while not os.path.exists(path) and process.poll() is None and time.time() < deadline:
            time.sleep(0.005)
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=40)
        assert process.returncode == 0
