"""A local HTTPS server for Client ID Metadata Documents, with a throwaway CA the test makes
(`cryptography`): it serves what each test sets per path and counts every request, so tests
can show how many fetches latch made — and that a refused URL caused none.

Only loopback: it listens on 127.0.0.1 (and, for the dual-stack checks, nothing else)."""
import collections
import datetime
import http.server
import ipaddress
import json
import os
import ssl
import tempfile
import threading
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def make_certificate(directory):
    """A CA and a server certificate for 127.0.0.1 and localhost, signed by it; returns the
    paths of the CA certificate, the server certificate and its key."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "latch test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
          .not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = [os.path.join(directory, name) for name in ("ca.pem", "server.pem", "server.key")]
    with open(paths[0], "wb") as f:
        f.write(ca.public_bytes(serialization.Encoding.PEM))
    with open(paths[1], "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(paths[2], "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    return paths


class Route:
    def __init__(self, body=b"", status=200, headers=None, delay=0.0, chunked=False):
        self.body = body
        self.status = status
        self.headers = headers if headers is not None else [("Content-Type", "application/json")]
        self.delay = delay
        self.chunked = chunked


class DocumentServer:
    def __init__(self):
        self.directory = tempfile.mkdtemp(prefix="latch-cimd-")
        self.ca_path, cert_path, key_path = make_certificate(self.directory)
        self.routes = {}
        self.hits = collections.Counter()
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                path = self.path.split("?")[0]
                with outer.lock:
                    outer.hits[path] += 1
                    route = outer.routes.get(path)
                if route is None:
                    route = Route(b'{"error": "not found"}', status=404)
                if route.delay:
                    time.sleep(route.delay)
                try:
                    self.send_response(route.status)
                    for name, value in route.headers:
                        self.send_header(name, value)
                    if route.chunked:
                        self.send_header("Transfer-Encoding", "chunked")
                        self.end_headers()
                        for start in range(0, len(route.body), 1000):
                            piece = route.body[start:start + 1000]
                            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                        self.wfile.write(b"0\r\n\r\n")
                    else:
                        self.send_header("Content-Length", str(len(route.body)))
                        self.end_headers()
                        self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                    pass

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_path, key_path)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path, host="127.0.0.1"):
        return f"https://{host}:{self.port}{path}"

    def serve(self, path, document=None, body=None, status=200, headers=None, cache_control=None, delay=0.0, chunked=False):
        """What GET `path` answers: a document (a dict, sent as JSON) or raw bytes."""
        if body is None:
            body = json.dumps(document).encode()
        headers = list(headers) if headers is not None else [("Content-Type", "application/json")]
        if cache_control:
            headers.append(("Cache-Control", cache_control))
        with self.lock:
            self.routes[path] = Route(body, status, headers, delay, chunked)

    def count(self, path):
        with self.lock:
            return self.hits[path]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def document(url, redirect_uris, name="CIMD test tool", **extra):
    doc = {"client_id": url, "client_name": name, "redirect_uris": redirect_uris}
    doc.update(extra)
    return doc
