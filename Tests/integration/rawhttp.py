"""A deliberately dumb HTTP/1.1 client for bad-input tests: it sends exactly the bytes it is
given (raw non-UTF-8 bytes in the request line, CR/LF-free but otherwise arbitrary header
values, no Content-Type, duplicate headers, …), one connection per request, and keeps the
response's raw header lines so tests can look for anything reflected into them."""
import json
import socket
from dataclasses import dataclass, field


@dataclass
class RawResponse:
    status: int
    headers: list = field(default_factory=list)   # [(name lower-cased, value)] as received
    raw_head: bytes = b""
    body: bytes = b""

    def header(self, name):
        name = name.lower()
        for key, value in self.headers:
            if key == name:
                return value
        return None

    def json(self):
        return json.loads(self.body)


def _bytes(value):
    return value if isinstance(value, bytes) else str(value).encode()


def send(port, method, target, headers=(), body=b"", timeout=30):
    """Sends one request to 127.0.0.1:port and returns the parsed RawResponse.

    target is the request target as bytes or str (sent as is); headers is a sequence of
    (name, value) pairs; Content-Length is added for a non-empty body unless given."""
    body = _bytes(body)
    lines = [_bytes(method) + b" " + _bytes(target) + b" HTTP/1.1", b"Host: 127.0.0.1:" + str(port).encode()]
    names = set()
    for name, value in headers:
        names.add(name.lower())
        lines.append(_bytes(name) + b": " + _bytes(value))
    if body and "content-length" not in names and "transfer-encoding" not in names:
        lines.append(b"Content-Length: " + str(len(body)).encode())
    lines.append(b"Connection: close")
    request = b"\r\n".join(lines) + b"\r\n\r\n" + body
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(request)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer (413) and close before reading everything
        data = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
    return parse(data)


def parse(data):
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ")[1])
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers.append((name.decode("latin-1").strip().lower(), value.decode("latin-1").strip()))
    response = RawResponse(status, headers, head, rest)
    if (response.header("transfer-encoding") or "").lower() == "chunked":
        response.body = _dechunk(rest)
    elif response.header("content-length") is not None:
        response.body = rest[: int(response.header("content-length"))]
    return response


def _dechunk(data):
    out = b""
    while data:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += data[:size]
        data = data[size + 2:]
    return out
