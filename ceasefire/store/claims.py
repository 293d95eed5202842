"""Claims from news articles (migration ``0006_claims``), written through the store's journal.

- :func:`add_news` keeps an article's bytes as evidence (under their SHA-256), records the
  article and stores its claims, each claim its own log entry (kind ``claim``) after the
  article's (kind ``news_import``), all in one write transaction. The same bytes again are a
  no-op that returns the first import (``new=False``): claims are append-only.
- :func:`stored_claims` gives every stored claim back as a ``NewsClaim``, in import order
  (``ceasefire.service.claims.claims_ledger`` judges them).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ceasefire.ledger import canonical_json
from ceasefire.model import NewsClaim
from ceasefire.store.database import Row
from ceasefire.store.evidence_log import Evidence
from ceasefire.store.journal import Journal, now
from ceasefire.store.log_entries import KINDS
from ceasefire.store.protocol import NewsImportRecord

__all__ = ["add_news", "find_news", "news_imports", "stored_claims"]


def find_news(journal: Journal, sha256: str) -> NewsImportRecord | None:
    """The import of the article with these bytes, or None."""
    rows = list(journal.db.dicts(KINDS["news_import"].select("WHERE sha256 = ?"), (sha256,)))
    return _record(rows[0], new=False) if rows else None


def news_imports(journal: Journal) -> list[NewsImportRecord]:
    return [_record(row, new=False) for row in journal.db.dicts(KINDS["news_import"].select())]


def add_news(
    journal: Journal,
    evidence: Evidence,
    source: Path,
    published: dt.date | None,
    agreement_version: int,
    claims: Sequence[NewsClaim],
) -> NewsImportRecord:
    """Record the article in ``source`` and its ``claims``; idempotent by the file's SHA-256."""
    with journal.db.write():
        kept = evidence.add(source, source.name, "text/plain")
        found = find_news(journal, kept.sha256)
        if found is not None:
            return found
        import_id = _next_id(journal, "news_imports")
        at = now()
        row = {
            "id": import_id,
            "sha256": kept.sha256,
            "name": str(source),
            "published": published.isoformat() if published else None,
            "agreement_version": agreement_version,
            "claims": len(claims),
            "created_at": at,
        }
        journal.append("news_import", row)
        first = _next_id(journal, "claims")
        for seq, claim in enumerate(claims):
            journal.append("claim", _claim_row(claim, first + seq, import_id, seq, at))
        record = find_news(journal, kept.sha256)
    assert record is not None
    return NewsImportRecord(**{**record.__dict__, "new": True})


def _next_id(journal: Journal, table: str) -> int:
    return int(journal.db.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")[0][0])


def _claim_row(claim: NewsClaim, claim_id: int, import_id: int, seq: int, at: str) -> dict[str, Any]:
    return {
        "id": claim_id,
        "news_import_id": import_id,
        "seq": seq,
        "file": claim.file,
        "speaker": claim.speaker,
        "speaker_party": claim.speaker_party,
        "cited_by": claim.cited_by,
        "claim_kind": claim.kind,
        "accused": canonical_json(list(claim.accused)).decode("utf-8"),
        "obligation": claim.obligation,
        "category": claim.category,
        "quote": claim.quote,
        "sentence": claim.sentence,
        "date": claim.date.isoformat() if claim.date else None,
        "created_at": at,
    }


def stored_claims(journal: Journal) -> list[NewsClaim]:
    """Every stored claim, by article then position in it."""
    rows = journal.db.dicts(KINDS["claim"].select().replace("ORDER BY log_index", "ORDER BY news_import_id, seq"))
    return [
        NewsClaim(
            file=r["file"],
            speaker=r["speaker"],
            speaker_party=r["speaker_party"],
            cited_by=r["cited_by"],
            kind=r["claim_kind"],
            accused=tuple(json.loads(r["accused"])),
            obligation=r["obligation"],
            category=r["category"],
            quote=r["quote"],
            sentence=int(r["sentence"]),
            date=dt.date.fromisoformat(r["date"]) if r["date"] else None,
        )
        for r in rows
    ]


def _record(row: Row, *, new: bool) -> NewsImportRecord:
    fields = {k: row[k] for k in NewsImportRecord.__dataclass_fields__ if k != "new"}
    return NewsImportRecord(**fields, new=new)
