"""The evidence the ``/claims`` page shows beside each claim, read without every finding (issue 14).

``views.claims_evidence(claims, findings)`` takes every finding the viewer may see; at a million
findings that is the whole run read for a page of claims. :func:`claims_evidence` gives the same
page from what a claim's evidence needs: its counts by status from the viewer's tallies
(``api/tallies.py``, per obligation, status and parties), and its ``top`` findings from the
most confident ones of its obligations and parties read in SQL (``SQLStore.top_findings``) with
the findings its verdict rests on (``api.claims.Ledger.cited``). A claim naming a category is
judged on that category's obligations in the run's agreement: a finding's category is its
obligation's there.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from ceasefire.api.body import JSONBody
from ceasefire.api.claims import Ledger
from ceasefire.api.tallies import Tallies
from ceasefire.model import COUNTED, Agreement, Finding
from ceasefire.news.verdicts import ClaimVerdict
from ceasefire.store import SQLStore
from ceasefire.store.aggregates import FindingCount
from ceasefire.store.protocol import RunRecord
from ceasefire.web import views

__all__ = ["claims_evidence"]


def claims_evidence(
    db: SQLStore,
    run: RunRecord | None,
    agreement: Agreement | None,
    shown: Sequence[ClaimVerdict],
    judged: tuple[Ledger, Tallies],
    top: int = 3,
) -> JSONBody:
    """``views.claims_evidence(shown, findings)`` for the findings the viewer may see, where
    ``judged`` holds the viewer's ledger (its cited findings) and tallies (its hidden reports
    and counts)."""
    if run is None or agreement is None:
        return views.claims_evidence(shown, [], top)
    ledger, tallies = judged
    counts: defaultdict[str, list[FindingCount]] = defaultdict(list)
    for c in tallies.counts:
        counts[c.obligation].append(c)
    rows = []
    for claim in shown:
        obligations, parties = _scope(claim, agreement)
        cited = [ledger.cited[i] for i in dict.fromkeys(claim.findings) if i in ledger.cited]
        strongest = db.top_findings(run.id, (obligations, parties), COUNTED, tallies.hidden, top + len(cited))
        ids = {f.id for f in cited}
        candidates: list[Finding] = [*cited, *(f for f in strongest if f.id not in ids)]
        row = views.claims_evidence([claim], candidates, top)["claims"][0]
        row["evidence"]["counts"] = _counted([c for o in obligations for c in counts[o]], parties)
        rows.append(row)
    verdicts = Counter(c.verdict for c in shown)
    return {
        "claims": rows,
        "total": len(rows),
        "verdicts": {v: verdicts[v] for v in ("supports", "contradicts", "no_evidence")},
    }


def _scope(verdict: ClaimVerdict, agreement: Agreement) -> tuple[list[str], list[str]]:
    """(the obligations, the parties) whose findings bear on the claim, as ``views`` picks them."""
    claim = verdict.claim
    parties = [claim.speaker_party] if claim.kind == "commitment" and claim.speaker_party else list(claim.accused)
    if claim.obligation:
        return [claim.obligation], parties
    if claim.category:
        return [o.id for o in agreement.obligations if o.category == claim.category], parties
    return [], parties


def _counted(counts: Sequence[FindingCount], parties: Sequence[str]) -> dict[str, int]:
    """Findings by status among ``counts`` naming any of ``parties``, every status shown."""
    by_status: Counter[str] = Counter()
    for c in counts:
        if set(c.parties) & set(parties):
            by_status[c.status] += c.findings
    return {s: by_status[s] for s in views.STATUS_LABELS}
