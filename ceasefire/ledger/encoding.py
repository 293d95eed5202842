"""Text forms of the ledger's binary values, and strict readers for the JSON that carries them.

=================================  ==========================================================
value                              text form
=================================  ==========================================================
hash (leaf, node, root, proof)     64 lowercase hex digits (32 bytes of SHA-256)
Ed25519 key (32 bytes, raw)        standard base64 with padding, RFC 4648 §4 (44 characters)
Ed25519 signature (64 bytes)       standard base64 with padding (88 characters)
key id                             16 lowercase hex digits
=================================  ==========================================================

Readers are strict on purpose: a value that decodes only after "repair" (upper-case hex, missing
padding, stray whitespace) is refused, so one value has exactly one text form and a receipt
cannot be altered without its bytes changing.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Collection, Mapping

from ceasefire.ledger.errors import LogError

__all__ = [
    "HASH_SIZE",
    "as_base64",
    "as_count",
    "as_hash",
    "as_hash_list",
    "as_text",
    "check_hash",
    "check_keys",
    "field",
    "parse_json_object",
    "to_base64",
]

HASH_SIZE = 32
_HEX_HASH = re.compile(r"[0-9a-f]{64}")


def check_hash(value: bytes, what: str) -> None:
    """Raise LogError unless ``value`` is 32 bytes (one SHA-256 digest)."""
    if not isinstance(value, bytes) or len(value) != HASH_SIZE:
        shown = f"{len(value)} bytes" if isinstance(value, bytes) else type(value).__name__
        raise LogError(f"{what} must be {HASH_SIZE} bytes (a SHA-256 hash), got {shown}")


def to_base64(raw: bytes) -> str:
    """Standard base64 with padding (RFC 4648 §4)."""
    return base64.b64encode(raw).decode("ascii")


def parse_json_object(text: str | bytes, where: str) -> Mapping[str, object]:
    """Parse ``text`` as one JSON object; LogError naming ``where`` when it is not one."""
    try:
        value = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise LogError(f"{where}: not valid JSON ({exc})") from exc
    if not isinstance(value, dict):
        raise LogError(f"{where}: expected a JSON object, got {type(value).__name__}")
    return value


def field(data: Mapping[str, object], key: str, where: str) -> object:
    """``data[key]``, or LogError saying which field of which document is missing."""
    if key not in data:
        raise LogError(f"{where}: missing field {key!r}")
    return data[key]


def check_keys(data: Mapping[str, object], allowed: Collection[str], where: str) -> None:
    """Refuse fields this format version does not define (a typo must not pass silently)."""
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise LogError(f"{where}: unknown field(s) {', '.join(map(repr, unknown))}")


def as_count(value: object, where: str) -> int:
    """A non-negative JSON integer (booleans and floats refused)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise LogError(f"{where}: expected a non-negative integer, got {value!r:.80}")
    return value


def as_text(value: object, where: str) -> str:
    """A JSON string."""
    if not isinstance(value, str):
        raise LogError(f"{where}: expected a string, got {type(value).__name__}")
    return value


def as_hash(value: object, where: str) -> bytes:
    """A hash written as 64 lowercase hex digits."""
    if not isinstance(value, str) or not _HEX_HASH.fullmatch(value):
        raise LogError(f"{where}: expected 64 lowercase hex digits (a SHA-256 hash), got {value!r:.80}")
    return bytes.fromhex(value)


def as_hash_list(value: object, where: str) -> tuple[bytes, ...]:
    """A JSON array of hex hashes."""
    if not isinstance(value, list):
        raise LogError(f"{where}: expected an array of hex hashes, got {type(value).__name__}")
    return tuple(as_hash(item, f"{where}[{i}]") for i, item in enumerate(value))


def as_base64(value: object, size: int, where: str) -> bytes:
    """Exactly ``size`` bytes written in canonical standard base64 with padding."""
    text = as_text(value, where)
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise LogError(f"{where}: not standard base64 ({exc})") from exc
    if to_base64(raw) != text:
        raise LogError(f"{where}: not canonical base64 (padding bits must be zero)")
    if len(raw) != size:
        raise LogError(f"{where}: expected {size} bytes in base64, got {len(raw)}")
    return raw
