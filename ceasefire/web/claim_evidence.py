"""The evidence the ``/claims`` page shows beside each claim, read without every finding (issue 14).

``views.claims_evidence(claims, findings)`` takes every finding the viewer may see; at a million
findings that is the whole run read for a page of claims. :func:`claims_evidence` gives the same
page from what a claim's evidence needs: its counts by status from the viewer's tallies
(``api/tallies.py``: per obligation, status and parties; a finding's category is its
obligation's in the run's agreement), and its ``top`` findings from those its verdict rests on
(``api.claims.Ledger.cited``) and the most confident of its obligation (or its category's) and
parties read in SQL (``SQLStore.top_findings``), only those shown read whole. Each claim's
evidence is kept with the ledger.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from functools import partial

from ceasefire.api.body import JSONBody
from ceasefire.api.claims import Ledger
from ceasefire.api.tallies import Tallies
from ceasefire.model import COUNTED, Agreement, Finding
from ceasefire.news.verdicts import ClaimVerdict
from ceasefire.store import SQLStore
from ceasefire.store.aggregates import FindingCount
from ceasefire.web import views

__all__ = ["claims_evidence"]


def claims_evidence(
    db: SQLStore,
    agreement: Agreement | None,
    shown: Sequence[tuple[int, ClaimVerdict]],
    judged: tuple[Ledger, Tallies],
    top: int = 3,
) -> JSONBody:
    """``views.claims_evidence`` of the claims ``shown`` (place in the ledger, verdict) on the
    findings the viewer may see, where ``judged`` holds the viewer's ledger and tallies."""
    led, tallies = judged
    if led.run is None or agreement is None:
        return views.claims_evidence([v for _, v in shown], [], top)
    counted = (
        led.kept("counts", partial(_by_obligation, tallies.counts)),
        {o.id: o.category for o in agreement.obligations},
    )
    rows = [led.kept(("evidence", n, top), partial(_evidence, db, led, n, v, counted, top)) for n, v in shown]
    verdicts = Counter(v.verdict for _, v in shown)
    return {
        "claims": rows,
        "total": len(rows),
        "verdicts": {v: verdicts[v] for v in ("supports", "contradicts", "no_evidence")},
    }


Counted = tuple[Mapping[str, Sequence[FindingCount]], Mapping[str, str]]  # by obligation; categories


def _by_obligation(counts: Sequence[FindingCount]) -> dict[str, list[FindingCount]]:
    out: defaultdict[str, list[FindingCount]] = defaultdict(list)
    for c in counts:
        out[c.obligation].append(c)
    return dict(out)


def _evidence(db: SQLStore, led: Ledger, n: int, verdict: ClaimVerdict, counted: Counted, top: int) -> JSONBody:
    """One claim's row of the page: ``views.claims_evidence`` on the findings it needs."""
    claim = verdict.claim
    parties = [claim.speaker_party] if claim.kind == "commitment" and claim.speaker_party else list(claim.accused)
    category_of = counted[1]
    if claim.obligation:
        obligations = [claim.obligation]
    else:
        obligations = [o for o, c in category_of.items() if claim.category and c == claim.category]
    cited = led.cited(db, n)  # as a verdict reads them: ranked here, read whole for the few shown
    ids = {f.id for f in cited}
    shown = [f.id for f in sorted(cited, key=lambda f: (-f.confidence, f.date, f.id))[:top]]
    strongest: list[Finding] = []
    if len(cited) < top and led.run is not None:  # else the cited ones alone are the top
        strongest = db.top_findings(led.run.id, (obligations, [], parties), COUNTED, led.hidden, top + len(cited))
    candidates = [*db.findings_by_id(led.run.id, shown), *(f for f in strongest if f.id not in ids)] if led.run else []
    row: JSONBody = views.claims_evidence([verdict], candidates, top)["claims"][0]
    # claims on one obligation (or category) and parties share their counts: each is a pass over
    # the viewer's tallies (issue 14: a third of the first ``/claims`` at 1M, counted per claim)
    concerns = (claim.obligation, None if claim.obligation else claim.category, tuple(parties))
    row["evidence"]["counts"] = dict(led.kept(("counted", concerns), partial(_counted, counted, *concerns)))
    return row


def _counted(counted: Counted, obligation: str | None, category: str | None, parties: Sequence[str]) -> dict[str, int]:
    """Findings by status among the counts of ``obligation`` (else of the obligations of
    ``category``) naming any of ``parties``, every status shown."""
    by_obligation, category_of = counted
    if obligation:
        related = list(by_obligation.get(obligation, ()))
    else:
        related = [c for o, cs in by_obligation.items() if category and category_of.get(o) == category for c in cs]
    named, by_status = set(parties), Counter[str]()
    for c in related:
        if named.intersection(c.parties):
            by_status[c.status] += c.findings
    return {s: by_status[s] for s in views.STATUS_LABELS}
