"""Signed checkpoints: the log's size and root, signed with Ed25519 by the log's key.

The signed message is a fixed UTF-8 text body in the style of a C2SP ``tlog-checkpoint``
(origin line, tree size, base64 root hash), with one extension line for the time::

    <origin>\\n
    <size in decimal>\\n
    <root hash in standard base64, 44 characters>\\n
    timestamp <whole seconds since 1970-01-01T00:00:00Z, in decimal>\\n

Every line, the last included, ends with one LF. The signature is plain Ed25519 (RFC 8032,
no pre-hash, no context) over exactly those bytes, so any Ed25519 tool can check it. The key id
is the first 8 bytes of SHA-256 of the raw 32-byte public key, in hex. (A C2SP *signed note*
adds signature lines and a different key hash; we sign the body alone.)
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ceasefire.ledger.encoding import (
    as_base64,
    as_count,
    as_hash,
    as_text,
    check_hash,
    check_keys,
    field,
    to_base64,
)
from ceasefire.ledger.errors import LogError

__all__ = [
    "DEFAULT_ORIGIN",
    "Checkpoint",
    "checkpoint_message",
    "generate_private_key",
    "key_id",
    "private_key_from_base64",
    "private_key_to_base64",
    "public_key_from_base64",
    "public_key_to_base64",
    "sign_checkpoint",
    "verify_checkpoint",
]

DEFAULT_ORIGIN = "ceasefire"
KEY_SIZE = 32
SIGNATURE_SIZE = 64
# C2SP: the origin is a schema-less URL-like name with no spaces and no "+": printable ASCII
# minus space and "+" keeps the first line unambiguous in any encoding.
_ORIGIN = re.compile(r"[!-*,-~]+")
_KEY_ID = re.compile(r"[0-9a-f]{16}")
_CHECKPOINT_FIELDS = ("origin", "size", "root_hash", "timestamp", "key_id", "signature")


def generate_private_key() -> Ed25519PrivateKey:
    """A new random Ed25519 signing key for a log."""
    return Ed25519PrivateKey.generate()


def _raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def private_key_to_base64(private_key: Ed25519PrivateKey) -> str:
    """The raw 32-byte private key (RFC 8032 seed) in standard base64. Keep it secret."""
    return to_base64(private_key.private_bytes_raw())


def private_key_from_base64(text: str) -> Ed25519PrivateKey:
    """Read a key written by :func:`private_key_to_base64`."""
    return Ed25519PrivateKey.from_private_bytes(as_base64(text, KEY_SIZE, "private key"))


def public_key_to_base64(public_key: Ed25519PublicKey) -> str:
    """The raw 32-byte public key in standard base64: what a log publishes."""
    return to_base64(_raw_public(public_key))


def public_key_from_base64(text: str) -> Ed25519PublicKey:
    """Read a published public key (raw 32 bytes, standard base64)."""
    raw = as_base64(text, KEY_SIZE, "public key")
    try:
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:
        raise LogError(f"public key: not an Ed25519 public key ({exc})") from exc


def key_id(public_key: Ed25519PublicKey) -> str:
    """First 8 bytes of SHA-256 of the raw public key, as 16 lowercase hex digits."""
    return hashlib.sha256(_raw_public(public_key)).digest()[:8].hex()


def checkpoint_message(origin: str, size: int, root_hash: bytes, timestamp: int) -> bytes:
    """The exact bytes a checkpoint signature covers (see the module docstring)."""
    return f"{origin}\n{size}\n{to_base64(root_hash)}\ntimestamp {timestamp}\n".encode()


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement "the log ``origin`` had ``size`` leaves and root ``root_hash``"."""

    size: int
    root_hash: bytes
    timestamp: int
    key_id: str
    signature: bytes
    origin: str = DEFAULT_ORIGIN

    def __post_init__(self) -> None:
        _check_fields(self.origin, self.size, self.root_hash, self.timestamp)
        if not isinstance(self.key_id, str) or not _KEY_ID.fullmatch(self.key_id):
            raise LogError(f"checkpoint key_id must be 16 lowercase hex digits, got {self.key_id!r}")
        if not isinstance(self.signature, bytes) or len(self.signature) != SIGNATURE_SIZE:
            raise LogError(f"checkpoint signature must be {SIGNATURE_SIZE} bytes")

    def message(self) -> bytes:
        """The signed bytes: :func:`checkpoint_message` of this checkpoint's fields."""
        return checkpoint_message(self.origin, self.size, self.root_hash, self.timestamp)

    def to_dict(self) -> dict[str, str | int]:
        """JSON-ready fields: root hash in hex, signature in base64."""
        return {
            "origin": self.origin,
            "size": self.size,
            "root_hash": self.root_hash.hex(),
            "timestamp": self.timestamp,
            "key_id": self.key_id,
            "signature": to_base64(self.signature),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object], where: str = "checkpoint") -> Checkpoint:
        """Read :meth:`to_dict` output strictly; LogError names the bad field."""
        check_keys(data, _CHECKPOINT_FIELDS, where)
        return cls(
            origin=as_text(field(data, "origin", where), f"{where}.origin"),
            size=as_count(field(data, "size", where), f"{where}.size"),
            root_hash=as_hash(field(data, "root_hash", where), f"{where}.root_hash"),
            timestamp=as_count(field(data, "timestamp", where), f"{where}.timestamp"),
            key_id=as_text(field(data, "key_id", where), f"{where}.key_id"),
            signature=as_base64(field(data, "signature", where), SIGNATURE_SIZE, f"{where}.signature"),
        )


def _check_fields(origin: str, size: int, root_hash: bytes, timestamp: int) -> None:
    if not isinstance(origin, str) or not _ORIGIN.fullmatch(origin):
        raise LogError(f"checkpoint origin {origin!r} must be printable ASCII without spaces or '+'")
    for name, value in (("size", size), ("timestamp", timestamp)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise LogError(f"checkpoint {name} must be a non-negative integer, got {value!r}")
    check_hash(root_hash, "checkpoint root_hash")


def sign_checkpoint(
    private_key: Ed25519PrivateKey,
    size: int,
    root: bytes,
    timestamp: int,
    *,
    origin: str = DEFAULT_ORIGIN,
) -> Checkpoint:
    """Sign (origin, size, root, timestamp) with the log's key. ``timestamp``: Unix seconds."""
    _check_fields(origin, size, root, timestamp)
    signature = private_key.sign(checkpoint_message(origin, size, root, timestamp))
    kid = key_id(private_key.public_key())
    return Checkpoint(size, root, timestamp, kid, signature, origin)


def verify_checkpoint(public_key: Ed25519PublicKey, checkpoint: Checkpoint) -> bool:
    """True iff ``checkpoint`` names ``public_key``'s id and its signature verifies under it."""
    if checkpoint.key_id != key_id(public_key):
        return False
    try:
        public_key.verify(checkpoint.signature, checkpoint.message())
    except InvalidSignature:
        return False
    return True
