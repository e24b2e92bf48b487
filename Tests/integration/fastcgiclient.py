"""A minimal FastCGI client: speaks to latch's sockets directly, the way only nginx should,
to show who else can and cannot (README "Deployment behind nginx"). One request per
connection; returns the CGI response (status, headers, body), or None when the server
closed the connection without answering."""
import socket
import struct

BEGIN_REQUEST, END_REQUEST, PARAMS, STDIN, STDOUT = 1, 3, 4, 5, 6
RESPONDER = 1


def _record(kind, content, request_id=1):
    padding = (8 - len(content) % 8) % 8
    return struct.pack("!BBHHBB", 1, kind, request_id, len(content), padding, 0) + content + b"\0" * padding


def _length(n):
    return struct.pack("!B", n) if n < 128 else struct.pack("!I", n | 0x80000000)


def _params(params):
    out = b""
    for name, value in params.items():
        name, value = name.encode(), (value if isinstance(value, bytes) else str(value).encode())
        out += _length(len(name)) + _length(len(value)) + name + value
    return out


def request_bytes(params, body=b""):
    encoded = _params(params)
    data = _record(BEGIN_REQUEST, struct.pack("!HB5x", RESPONDER, 0))
    for start in range(0, len(encoded), 65535):
        data += _record(PARAMS, encoded[start:start + 65535])
    data += _record(PARAMS, b"")
    if body:
        data += _record(STDIN, body)
    data += _record(STDIN, b"")
    return data


def cgi_params(method, uri, remote_addr="127.0.0.1", headers=None, body=b"", **extra):
    path, _, query = uri.partition("?")
    params = {"REQUEST_METHOD": method, "REQUEST_URI": uri, "DOCUMENT_URI": path, "QUERY_STRING": query,
              "SERVER_PROTOCOL": "HTTP/1.1", "GATEWAY_INTERFACE": "CGI/1.1", "REMOTE_ADDR": remote_addr,
              "CONTENT_LENGTH": str(len(body)) if body else ""}
    for name, value in (headers or {}).items():
        if name.lower() == "content-type":
            params["CONTENT_TYPE"] = value
        else:
            params["HTTP_" + name.upper().replace("-", "_")] = value
    params.update(extra)
    return params


class Answer:
    def __init__(self, raw):
        head, _, self.body = raw.partition(b"\r\n\r\n")
        self.headers = []
        self.status = 200
        for line in head.split(b"\r\n"):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "status":
                self.status = int(value.strip().split(" ")[0])
            else:
                self.headers.append((name.strip().lower(), value.strip()))

    def header(self, name):
        return next((v for n, v in self.headers if n == name.lower()), None)

    def all(self, name):
        return [v for n, v in self.headers if n == name.lower()]

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


def exchange(sock, params, body=b"", timeout=10):
    """Sends one request on a connected socket; the Answer, or None when the connection was
    closed before any STDOUT arrived."""
    sock.settimeout(timeout)
    try:
        sock.sendall(request_bytes(params, body))
    except (BrokenPipeError, ConnectionResetError):
        return None
    data = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except ConnectionResetError:
        pass
    stdout, ended = b"", False
    while len(data) >= 8:
        _, kind, _, length, padding, _ = struct.unpack("!BBHHBB", data[:8])
        content, data = data[8:8 + length], data[8 + length + padding:]
        if kind == STDOUT:
            stdout += content
        elif kind == END_REQUEST:
            ended = True
    return Answer(stdout) if stdout or ended else None


def unix_request(path, method, uri, body=b"", **kw):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.connect(path)
        return exchange(s, cgi_params(method, uri, body=body, **kw), body)


def tcp_request(address, method, uri, source=None, body=b"", **kw):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        if source:
            s.bind((source, 0))
        s.connect(address)
        return exchange(s, cgi_params(method, uri, body=body, **kw), body)
