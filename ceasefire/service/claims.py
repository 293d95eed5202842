"""The claims ledger: the stored news claims set against stored findings (``verify --claims``).

:func:`claims_ledger` judges every stored claim (``SQLStore.stored_claims``) on the findings of
the latest stored run (or the findings given) with the current agreement version, by
``ceasefire.news.ledger.assess_claims``: the verdicts are computed when read, never stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from ceasefire.model import Finding
from ceasefire.news.ledger import assess_claims, claims_section
from ceasefire.service.bundles import load_bundle
from ceasefire.store import SQLStore

__all__ = ["claims_ledger"]


def claims_ledger(store: SQLStore, findings: Sequence[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Every stored claim as a ``claims`` section row of ``verify --format json`` (the claim's
    fields, ``date``, ``verdict``, ``findings``, ``explanation``), judged on ``findings``
    (stored finding dicts; default: those of the latest run)."""
    version = store.current_agreement()
    claims = store.stored_claims()
    if version is None or not claims:
        return []
    if findings is None:
        runs = store.runs()
        findings = store.run_findings(runs[-1].id) if runs else []
    return claims_section(assess_claims(load_bundle(version.bundle), claims, [_finding(f) for f in findings]))


def _finding(doc: dict[str, Any]) -> Finding:
    """The ``model.Finding`` of a stored ``verify --format json`` finding (the fields the ledger
    reads, and the rest as stored)."""
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
