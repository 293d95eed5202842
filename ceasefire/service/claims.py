"""The claims ledger: the stored news claims set against stored findings (``verify --claims``).

:func:`claims_ledger` judges every stored claim (``SQLStore.stored_claims``) on the findings of
the latest stored run (or the findings given) with the current agreement version, by
``ceasefire.news.verdicts.assess_claims``: the verdicts are computed when read, never stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from ceasefire.model import Agreement, Finding, NewsClaim
from ceasefire.news.verdicts import DEFAULT_DAYS, ClaimVerdict, assess_claims
from ceasefire.service.bundles import load_bundle
from ceasefire.store import SQLStore
from ceasefire.store.pages import ClaimScope

__all__ = ["claim_scope", "claims_ledger", "day_claims", "judge_claim"]

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


def claim_scope(agreement: Agreement, claim: NewsClaim, days: int = DEFAULT_DAYS) -> tuple[Span, ClaimScope] | None:
    """What the verdict of ``claim`` reads (None: nothing, it has no date), as
    ``news.verdicts`` reads it: ``days`` before its date and the day itself (a commitment: the
    day and ``days`` after), its obligation or else its category's obligations in ``agreement``
    and the category, the parties whose conduct it speaks of (a commitment: the speaker's
    party; else the accused)."""
    if claim.date is None:
        return None
    span = dt.timedelta(days=days)
    window = (claim.date, claim.date + span) if claim.kind == "commitment" else (claim.date - span, claim.date)
    if claim.kind == "commitment":
        parties: tuple[str, ...] = (claim.speaker_party,) if claim.speaker_party else ()
    else:
        parties = claim.accused
    if claim.obligation is not None:
        return window, ((claim.obligation,), (), parties)
    obligations = tuple(o.id for o in agreement.obligations if o.category == claim.category)
    return window, (obligations, (claim.category,) if claim.category else (), parties)


def judge_claim(
    agreement: Agreement, claim: NewsClaim, read: Callable[[Span, ClaimScope], Sequence[Finding]]
) -> ClaimVerdict:
    """``claim`` judged as :func:`claims_ledger` judges it, on the findings ``read(span, scope)``
    gives for its :func:`claim_scope`: it must give, in the run's order, at least the
    ``violation`` and ``possible_violation`` findings of that scope and span (the only ones its
    verdict reads), so that a run of a million findings is not read whole to judge a claim
    (issue 14). The verdict equals the one judged on every finding."""
    scope = claim_scope(agreement, claim)
    return assess_claims(agreement, [claim], read(*scope) if scope is not None else ())[0]
