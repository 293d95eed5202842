"""The log's Ed25519 signing key, one per database, in a file only its owner can read.

The file holds the raw 32-byte private key in standard base64 and a newline
(``ceasefire.ledger.private_key_to_base64``). It is created with mode 0600 (written, fsynced,
then renamed into place so a crash never leaves half a key) and refused when group or others
may read it. For SQLite it lives beside the database (``DB.key``); for PostgreSQL its path comes
from ``--key`` or ``CEASEFIRE_LOG_KEY``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ceasefire.ledger import (
    LogError,
    generate_private_key,
    private_key_from_base64,
    private_key_to_base64,
)
from ceasefire.store.errors import StoreError
from ceasefire.store.evidence import fsync_dir

__all__ = ["KEY_ENV", "create_key", "read_key"]

KEY_ENV = "CEASEFIRE_LOG_KEY"


def read_key(path: Path) -> Ed25519PrivateKey:
    """The key in ``path``; StoreError when missing, readable by others, or not a key."""
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise StoreError(f"{path}: no log signing key here (give the right one with --key or {KEY_ENV})") from None
    except (OSError, UnicodeDecodeError) as error:
        raise StoreError(f"{path}: cannot read the log signing key: {error}") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise StoreError(f"{path}: the log signing key is readable by others: run chmod 600 {path}")
    try:
        return private_key_from_base64(text)
    except LogError as error:
        raise StoreError(f"{path}: not a log signing key ({error})") from None


def create_key(path: Path) -> Ed25519PrivateKey:
    """A new key written to ``path`` with mode 0600; StoreError if ``path`` already exists."""
    key = generate_private_key()
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fp:
            fp.write(private_key_to_base64(key) + "\n")
            fp.flush()
            os.fsync(fp.fileno())
        os.link(tmp, path)  # fails if a key is already there: never overwrite one
    except FileExistsError:
        raise StoreError(f"{path}: a key file is already there; it is not this database's key") from None
    except OSError as error:
        raise StoreError(f"{path}: cannot create the log signing key: {error.strerror}") from None
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(path.parent)
    return key
