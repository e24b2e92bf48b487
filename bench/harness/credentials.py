"""Pre-minted credentials in exactly the shape latch mints them
(Sources/LatchCore/Credentials/Credential.swift): PREFIX + 16 hex characters of lookup id +
"_" + 43 base64url characters of secret (256 bits from the OS CSPRNG). Only the id and
SHA-256 of the secret part are stored."""
import base64
import hashlib
import os
from dataclasses import dataclass

AUTHORIZATION_CODE = "lac_"
ACCESS_TOKEN = "lat_"
REFRESH_TOKEN = "lrt_"
CLIENT_SECRET = "lcs_"


def base64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class Credential:
    prefix: str
    id: str
    secret: str

    @property
    def value(self) -> str:
        return f"{self.prefix}{self.id}_{self.secret}"

    @property
    def secret_hash(self) -> bytes:
        return hashlib.sha256(self.secret.encode("ascii")).digest()


def mint(prefix: str) -> Credential:
    return Credential(prefix, os.urandom(8).hex(), base64url(os.urandom(32)))


def mint_many(prefix: str, count: int):
    """`count` credentials, drawing the randomness in one read (minting 10^5 is fast)."""
    pool = os.urandom(40 * count)
    for i in range(count):
        chunk = pool[40 * i: 40 * i + 40]
        yield Credential(prefix, chunk[:8].hex(), base64url(chunk[8:]))


def pkce_pair():
    """(code_verifier, S256 code_challenge) as RFC 7636 defines them."""
    verifier = base64url(os.urandom(32))
    challenge = base64url(hashlib.sha256(verifier.encode("ascii")).digest())
    return verifier, challenge


def copy_bytea(raw: bytes) -> str:
    """A bytea value in COPY's text format (its backslash escaped)."""
    return "\\\\x" + raw.hex()


def basic_authorization(client_id: str, secret: str) -> str:
    """client_secret_basic (RFC 6749 section 2.3.1): form-encode both, then Base64."""
    from urllib.parse import quote
    pair = f"{quote(client_id, safe='')}:{quote(secret, safe='')}"
    return "Basic " + base64.b64encode(pair.encode("ascii")).decode("ascii")
