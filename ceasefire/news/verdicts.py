"""Claim verdicts: each public claim set against the findings (issue 4).

``assess_claims(agreement, claims, findings, days=7)`` gives one ``ClaimVerdict`` per claim,
in the claims' order. A claim is judged on the findings of the obligation it names (or, when it
names only a category, of every obligation of that category) about the party whose conduct it
speaks of, dated within its window:

| kind | whose conduct | window | violations or possible violations found | none found |
|---|---|---|---|---|
| accusation | the accused | ``days`` before the claim | ``supports`` | ``no_evidence`` |
| demand | the accused (the party asked to act) | ``days`` before | ``supports``: the breach it asks to end is on record | ``no_evidence`` |
| denial | the accused (the denier's own side) | ``days`` before | ``contradicts`` when a finding of status ``violation`` exists; possible violations alone give ``no_evidence`` | ``no_evidence`` |
| assessment | the accused (the party said to comply) | ``days`` before | ``contradicts``, as for a denial | ``no_evidence`` |
| commitment | the speaker's party | ``days`` *after* the claim: a promise is tested by what follows it | ``contradicts``, as for a denial | ``no_evidence`` |

The window includes the claim's own day (an attack in the morning, the accusation at noon).
``exempt`` findings are never evidence. A claim with no obligation or category, no party to
look at, or no date gets ``no_evidence`` with a sentence saying why. A denial or assessment is
never ``supports``: findings can show a breach, not the absence of one. The function is pure: it
reads nothing and keeps no state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ceasefire.model import Agreement, Finding, NewsClaim, check_schema
from ceasefire.news.render import CLAIM_FIELDS, claim_row

__all__ = [
    "DEFAULT_DAYS",
    "VERDICTS",
    "ClaimVerdict",
    "assess_claims",
]

DEFAULT_DAYS = 7
VERDICTS = ("supports", "contradicts", "no_evidence")
_BLAMING = frozenset({"accusation", "demand"})  # findings against the party support the claim
_EVIDENCE = frozenset({"violation", "possible_violation"})


@dataclass(frozen=True, slots=True)
class ClaimVerdict:
    """One claim against the findings: the verdict, the findings it rests on, and why.
    ``window`` (the dates searched) is not part of the document, so it is not compared."""

    claim: NewsClaim
    verdict: str  # supports | contradicts | no_evidence
    findings: tuple[str, ...]  # ids of the findings the verdict rests on
    explanation: str
    window: tuple[dt.date, dt.date] | None = field(default=None, compare=False)  # both days included

    def to_document(self) -> dict[str, Any]:
        """An object of ``verify --format json``'s ``claims`` and of ``GET /api/v1/claims``
        (schema v1): the claim's contract fields, its ``date``, then ``verdict``, ``findings``
        (ids) and ``explanation``."""
        row = claim_row(self.claim)
        row["date"] = self.claim.date.isoformat() if self.claim.date else None
        row["verdict"] = self.verdict
        row["findings"] = list(self.findings)
        row["explanation"] = self.explanation
        return row

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> ClaimVerdict:
        check_schema(doc, "claim verdict")
        fields = {name: doc[name] for name in CLAIM_FIELDS}
        fields["accused"] = tuple(doc["accused"])
        fields["date"] = dt.date.fromisoformat(doc["date"]) if doc["date"] else None
        return cls(NewsClaim(**fields), doc["verdict"], tuple(doc["findings"]), doc["explanation"])


def assess_claims(
    agreement: Agreement,
    claims: Iterable[NewsClaim],
    findings: Iterable[Finding],
    days: int = DEFAULT_DAYS,
) -> list[ClaimVerdict]:
    """Each claim set against ``findings`` of the same obligation (or category) and party
    within ``days`` of its date (the table in this module's docstring)."""
    if days < 0:
        raise ValueError(f"days: {days} is negative; give the length of the window in days")
    evidence = [f for f in findings if f.status in _EVIDENCE]
    categories = {o.id: o.category for o in agreement.obligations}
    names = {p.id: p.name for p in agreement.parties}
    return [_assess(c, evidence, categories, names, days) for c in claims]


def _assess(
    claim: NewsClaim,
    evidence: Sequence[Finding],
    categories: dict[str, str],
    names: dict[str, str],
    days: int,
) -> ClaimVerdict:
    parties = _parties_of(claim)
    date = claim.date
    if date is None or not parties or not (claim.obligation or claim.category):
        return ClaimVerdict(claim, "no_evidence", (), _unassessable(claim, parties))
    window = _window(claim.kind, date, days)
    found = [
        f
        for f in evidence
        if window[0] <= f.date <= window[1] and _concerns(f, claim, categories) and set(f.parties) & set(parties)
    ]
    return _verdict(claim, found, window, [names.get(p, p) for p in parties])


def _parties_of(claim: NewsClaim) -> tuple[str, ...]:
    if claim.kind == "commitment":
        return (claim.speaker_party,) if claim.speaker_party else ()
    return claim.accused


def _unassessable(claim: NewsClaim, parties: tuple[str, ...]) -> str:
    """Why a claim cannot be set against findings."""
    if not (claim.obligation or claim.category):
        return "The claim names no obligation or category, so no finding can bear on it."
    if not parties:
        return "The claim names no party of the agreement whose conduct findings could show."
    return "The article has no date, so there is no window of findings to search."


def _window(kind: str, date: dt.date, days: int) -> tuple[dt.date, dt.date]:
    span = dt.timedelta(days=days)
    return (date, date + span) if kind == "commitment" else (date - span, date)


def _concerns(finding: Finding, claim: NewsClaim, categories: dict[str, str]) -> bool:
    if claim.obligation is not None:
        return finding.obligation == claim.obligation
    category = categories.get(finding.obligation, finding.category)
    return category == claim.category


def _verdict(
    claim: NewsClaim,
    found: list[Finding],
    window: tuple[dt.date, dt.date],
    who: list[str],
) -> ClaimVerdict:
    scope = f"obligation {claim.obligation}" if claim.obligation else f"the {claim.category} obligations"
    sure = [f for f in found if f.status == "violation"]
    if claim.kind in _BLAMING:
        verdict, basis = ("supports", found) if found else ("no_evidence", [])
    else:
        verdict, basis = ("contradicts", sure) if sure else ("no_evidence", [])
    ids = tuple(f.id for f in basis)
    text = _explain(claim.kind, verdict, found, sure, window, " or ".join(who), scope)
    return ClaimVerdict(claim, verdict, ids, text, window)


def _explain(
    kind: str,
    verdict: str,
    found: list[Finding],
    sure: list[Finding],
    window: tuple[dt.date, dt.date],
    who: str,
    scope: str,
) -> str:
    """One sentence: what was searched, what was found, what that means for the claim."""
    period = f"between {window[0].isoformat()} and {window[1].isoformat()}"
    parts = [(len(sure), "violation"), (len(found) - len(sure), "possible violation")]
    counted = " and ".join(_count(n, noun) for n, noun in parts if n)
    if not found:
        return f"No violation or possible violation of {scope} by {who} {period} is on record."
    if verdict == "supports":
        return f"The {kind} is borne out by {counted} of {scope} by {who} {period}."
    if verdict == "contradicts":
        return f"The {kind} stands against {counted} of {scope} by {who} {period}."
    return f"Only {counted} of {scope} by {who} {period}: not enough to contradict the {kind}."


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
