"""Evidence records: a file kept under its SHA-256 (``evidence.EvidenceFiles``, fsynced first),
then recorded once (log kind ``evidence``) through the journal. The record modules that keep
files (reports, claims) receive an :class:`Evidence`.
"""

from __future__ import annotations

from pathlib import Path

from ceasefire.store.errors import StoreError
from ceasefire.store.evidence import EVIDENCE_ENV, EvidenceFiles
from ceasefire.store.journal import Journal, now
from ceasefire.store.log_entries import KINDS
from ceasefire.store.protocol import EvidenceRecord

__all__ = ["Evidence"]


class Evidence:
    """Evidence files (in ``folder``) and their records (through ``journal``)."""

    def __init__(self, journal: Journal, folder: Path | None) -> None:
        self.journal, self.folder = journal, folder

    def files(self) -> EvidenceFiles:
        if self.folder is None:
            raise StoreError(f"{self.journal.url}: no evidence folder given: use --evidence DIR or set {EVIDENCE_ENV}")
        return EvidenceFiles(self.folder)

    def add(self, source: Path, name: str, media_type: str) -> EvidenceRecord:
        """Keep the file under its SHA-256 (fsynced first), then record it once."""
        stored = self.files().put(source)
        with self.journal.db.write():
            found = self.get(stored.sha256)
            if found is not None:
                return found
            row = {
                "sha256": stored.sha256,
                "size": stored.size,
                "name": name,
                "media_type": media_type,
                "created_at": now(),
            }
            self.journal.append("evidence", row)
            record = self.get(stored.sha256)
        assert record is not None
        return record

    def get(self, sha256: str) -> EvidenceRecord | None:
        rows = list(self.journal.db.dicts(KINDS["evidence"].select("WHERE sha256 = ?"), (sha256,)))
        return EvidenceRecord(**{k: rows[0][k] for k in EvidenceRecord.__dataclass_fields__}) if rows else None
