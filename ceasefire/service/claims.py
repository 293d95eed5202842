"""The claims ledger: the stored news claims set against stored findings (``verify --claims``).

:func:`claims_ledger` judges every stored claim (``SQLStore.stored_claims``) on the findings of
the latest stored run (or the findings given) with the current agreement version, by
``ceasefire.news.verdicts.assess_claims``: the verdicts are computed when read, never stored.
"""

from __future__ import annotations

from collections.abc import Sequence

from ceasefire.model import Finding
from ceasefire.news.verdicts import ClaimVerdict, assess_claims
from ceasefire.service.bundles import load_bundle
from ceasefire.store import SQLStore

__all__ = ["claims_ledger"]


def claims_ledger(store: SQLStore, findings: Sequence[Finding] | None = None) -> list[ClaimVerdict]:
    """Every stored claim with its verdict, judged on ``findings`` (default: those of the
    latest run), as the ``claims`` section of ``verify --format json`` judges it."""
    version = store.current_agreement()
    claims = store.stored_claims()
    if version is None or not claims:
        return []
    if findings is None:
        runs = store.runs()
        findings = store.run_findings(runs[-1].id) if runs else []
    return assess_claims(load_bundle(version.bundle), claims, findings)
