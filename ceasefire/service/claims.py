"""The claims ledger: the stored news claims set against stored findings (``verify --claims``).

:func:`claims_ledger` judges every stored claim (``SQLStore.stored_claims``) on the findings of
the latest stored run (or the findings given) with the current agreement version, by
``ceasefire.news.verdicts.assess_claims``: the verdicts are computed when read, never stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from ceasefire.model import Agreement, Finding
from ceasefire.news.verdicts import DEFAULT_DAYS, ClaimVerdict, assess_claims
from ceasefire.service.bundles import load_bundle
from ceasefire.store import SQLStore

__all__ = ["claims_ledger", "day_claims"]


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


def day_claims(
    store: SQLStore,
    agreement: Agreement | None,
    day: dt.date,
    findings_between: Callable[[dt.date, dt.date], Sequence[Finding]],
) -> list[ClaimVerdict]:
    """The claims dated ``day``, in ledger order, judged as :func:`claims_ledger` judges them
    with ``agreement`` (the current version; None: none stored, so no claim is judged) on the
    findings ``findings_between(first, last)`` gives for the days their verdicts look at: a day's
    bulletin reads a fortnight of findings, not the run's (issue 14)."""
    claims = [c for c in store.stored_claims() if c.date == day]
    if agreement is None or not claims:
        return []
    span = dt.timedelta(days=DEFAULT_DAYS)
    return assess_claims(agreement, claims, findings_between(day - span, day + span))
