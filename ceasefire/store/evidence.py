"""Evidence files kept on disk under their SHA-256, written so that none is ever half there.

``EvidenceFiles(folder).put(source)`` copies a file into ``folder/ab/<sha256>`` (``ab``: the
first two hex digits): it streams into a temporary file in the same folder while hashing,
fsyncs it, renames it into place and fsyncs the folder; only then may the caller record it in
the database. A file already present under that hash is kept as it is (same hash, same bytes).
A crash leaves at worst an unrecorded file, never a recorded one that is missing or partial.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ceasefire.store.errors import StoreError

__all__ = ["EVIDENCE_ENV", "EvidenceFiles", "StoredFile", "fsync_dir"]

EVIDENCE_ENV = "CEASEFIRE_EVIDENCE_DIR"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    path: Path


class EvidenceFiles:
    """A folder of files named by their SHA-256 (created on first use)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / sha256

    def put(self, source: Path) -> StoredFile:
        """Copy ``source`` in (see the module docstring); StoreError when it cannot be read."""
        try:
            with open(source, "rb") as fp:
                return self.put_stream(fp)
        except OSError as error:
            raise StoreError(f"{source}: cannot read the file: {error.strerror}") from None

    def put_stream(self, fp: BinaryIO) -> StoredFile:
        """Copy a binary stream in, as :meth:`put` does."""
        staging = self.folder / "tmp"
        try:
            staging.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=staging)
        except OSError as error:
            raise StoreError(f"{self.folder}: cannot write evidence here: {error.strerror}") from None
        try:
            digest, size = _copy(fp, fd)
            final = self.path(digest)
            final.parent.mkdir(exist_ok=True)
            if final.exists():
                os.unlink(tmp)
            else:
                os.replace(tmp, final)
                fsync_dir(final.parent)
            return StoredFile(digest, size, final)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def check(self, sha256: str, size: int) -> str | None:
        """None when the stored file has this hash and size; else why not."""
        path = self.path(sha256)
        try:
            with open(path, "rb") as fp:
                digest = hashlib.sha256()
                while chunk := fp.read(_CHUNK):
                    digest.update(chunk)
                found = fp.tell()
        except OSError as error:
            return f"evidence file {path}: {error.strerror}"
        if digest.hexdigest() != sha256 or found != size:
            return f"evidence file {path}: its bytes no longer hash to its name"
        return None


def _copy(fp: BinaryIO, fd: int) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with os.fdopen(fd, "wb") as out:
        while chunk := fp.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest(), size


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable (the directory entry itself)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
