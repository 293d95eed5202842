"""The claims ledger: the stored news claims set against stored findings (``verify --claims``).

:func:`claims_ledger` judges every stored claim (``SQLStore.stored_claims``) on the findings of
the latest stored run (or the findings given) with the current agreement version, by
``ceasefire.news.verdicts.assess_claims``: the verdicts are computed when read, never stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

from ceasefire.model import Agreement, Finding, NewsClaim
from ceasefire.news.verdicts import DEFAULT_DAYS, ClaimVerdict, assess_claims
from ceasefire.service.bundles import load_bundle
from ceasefire.store import SQLStore

__all__ = ["claim_spans", "claims_ledger", "day_claims", "windowed_ledger"]

Span = tuple[dt.date, dt.date]  # both days included


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


def claim_spans(claims: Iterable[NewsClaim], days: int = DEFAULT_DAYS) -> list[Span]:
    """The days the verdicts of ``claims`` look at, as few non-overlapping spans, ascending:
    ``days`` either side of each dated claim (a commitment looks after its day, the other kinds
    before it), spans that touch or overlap merged. A claim without a date looks at none."""
    span = dt.timedelta(days=days)
    merged: list[Span] = []
    for day in sorted({c.date for c in claims if c.date is not None}):
        first, last = day - span, day + span
        if merged and first <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def windowed_ledger(store: SQLStore, evidence: Callable[[Sequence[Span]], Sequence[Finding]]) -> list[ClaimVerdict]:
    """Every stored claim judged as :func:`claims_ledger` judges it, on the findings
    ``evidence(spans)`` gives for :func:`claim_spans` of the claims: it must give, in the run's
    order, at least every ``violation`` and ``possible_violation`` finding dated within them
    (the only ones a verdict reads), so that a run of a million findings is not read whole to
    judge a few claims (issue 14). The verdicts equal those judged on every finding."""
    version = store.current_agreement()
    claims = store.stored_claims()
    if version is None or not claims:
        return []
    return assess_claims(load_bundle(version.bundle), claims, evidence(claim_spans(claims)))
