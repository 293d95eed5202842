"""Claims from news articles (migration ``0006_claims``), over ``SQLStore``.

- :func:`add_news` keeps an article's bytes as evidence (under their SHA-256), records the
  article and stores its claims, each claim its own log entry (kind ``claim``) after the
  article's (kind ``news_import``), all in one write transaction. The same bytes again are a
  no-op that returns the first import (``new=False``): claims are append-only.
- :func:`stored_claims` gives every stored claim back as a ``NewsClaim``, in import order;
  :func:`claims_ledger` sets them against the findings of the latest stored run with the current
  agreement version (``ceasefire.news.ledger.assess_claims``), as ``verify --claims`` does.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ceasefire.ledger import canonical_json
from ceasefire.store.database import Row
from ceasefire.store.protocol import NewsImportRecord
from ceasefire.store.log_entries import KINDS

if TYPE_CHECKING:
    import datetime as dt

    from ceasefire.model import Finding
    from ceasefire.news.claims import NewsClaim
    from ceasefire.store.sqlstore import SQLStore

__all__ = ["add_news", "claims_ledger", "find_news", "news_imports", "stored_claims"]


def find_news(store: SQLStore, sha256: str) -> NewsImportRecord | None:
    """The import of the article with these bytes, or None."""
    rows = list(store.db.dicts(KINDS["news_import"].select("WHERE sha256 = ?"), (sha256,)))
    return _record(rows[0], new=False) if rows else None


def news_imports(store: SQLStore) -> list[NewsImportRecord]:
    return [_record(row, new=False) for row in store.db.dicts(KINDS["news_import"].select())]


def add_news(
    store: SQLStore,
    source: Path,
    published: dt.date | None,
    agreement_version: int,
    claims: Sequence[NewsClaim],
) -> NewsImportRecord:
    """Record the article in ``source`` and its ``claims``; idempotent by the file's SHA-256."""
    from ceasefire.store.sqlstore import now

    with store.db.write():
        evidence = store.add_evidence(source, source.name, "text/plain")
        found = find_news(store, evidence.sha256)
        if found is not None:
            return found
        import_id = _next_id(store, "news_imports")
        at = now()
        row = {
            "id": import_id,
            "sha256": evidence.sha256,
            "name": str(source),
            "published": published.isoformat() if published else None,
            "agreement_version": agreement_version,
            "claims": len(claims),
            "created_at": at,
        }
        store._append("news_import", row)
        first = _next_id(store, "claims")
        for seq, claim in enumerate(claims):
            store._append("claim", _claim_row(claim, first + seq, import_id, seq, at))
        record = find_news(store, evidence.sha256)
    assert record is not None
    return NewsImportRecord(**{**record.__dict__, "new": True})


def _next_id(store: SQLStore, table: str) -> int:
    return int(store.db.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")[0][0])


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


def stored_claims(store: SQLStore) -> list[NewsClaim]:
    """Every stored claim, by article then position in it."""
    import datetime as dt

    from ceasefire.news.claims import NewsClaim

    rows = store.db.dicts(KINDS["claim"].select().replace("ORDER BY log_index", "ORDER BY news_import_id, seq"))
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


def claims_ledger(store: SQLStore, findings: Sequence[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Every stored claim as a ``claims`` section row of ``verify --format json`` (the claim's
    fields, ``date``, ``verdict``, ``findings``, ``explanation``), judged on ``findings``
    (stored finding dicts; default: those of the latest run)."""
    from ceasefire.news.ledger import assess_claims, claims_section

    version = store.current_agreement()
    claims = stored_claims(store)
    if version is None or not claims:
        return []
    if findings is None:
        runs = store.runs()
        findings = store.run_findings(runs[-1].id) if runs else []
    return claims_section(assess_claims(version.bundle.load(), claims, [_finding(f) for f in findings]))


def _finding(doc: dict[str, Any]) -> Finding:
    """The ``model.Finding`` of a stored ``verify --format json`` finding (the fields the ledger
    reads, and the rest as stored)."""
    import datetime as dt

    from ceasefire.model import Finding

    return Finding(
        id=doc["id"],
        obligation=doc["obligation"],
        category=doc.get("category", ""),
        status=doc["status"],
        parties=tuple(doc.get("parties", ())),
        attribution=doc.get("attribution", ""),
        incidents=tuple(doc.get("incidents", ())),
        date=dt.date.fromisoformat(doc["date"]),
        lat=float(doc.get("lat", 0.0)),
        lon=float(doc.get("lon", 0.0)),
        confidence=float(doc.get("confidence", 0.0)),
        explanation=doc.get("explanation", ""),
    )


def _record(row: Row, *, new: bool) -> NewsImportRecord:
    fields = {k: row[k] for k in NewsImportRecord.__dataclass_fields__ if k != "new"}
    return NewsImportRecord(**fields, new=new)
