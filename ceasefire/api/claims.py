"""``/api/v1/claims``: the claims ledger, read-only.

Claims come from public news (``ceasefire import --news``), so every role and the public may read
them. Each is judged against the findings the caller may read (``findings.visible_run``, less
those drawn from reports hidden from the caller), exactly as the ``claims`` section of ``verify
--format json`` (``ceasefire.news.verdicts``), reading only the findings dated within the claims'
windows (issue 14); the verdicts are kept per run, viewer class and stored claims.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from ceasefire.api.auth import Caller, StoreDep, ViewerDep
from ceasefire.api.body import JSONBody
from ceasefire.api.findings import FigureCache, FiguresDep, figures_key, hidden_reports, visible_run
from ceasefire.api.paging import PageDep, decode_cursor, encode_cursor, sliced
from ceasefire.model import COUNTED, Finding
from ceasefire.news.verdicts import ClaimVerdict
from ceasefire.service.claims import claims_ledger, windowed_ledger
from ceasefire.store import SQLStore
from ceasefire.store.protocol import RunRecord

__all__ = ["Ledger", "judged", "judged_ledger", "ledger", "router"]

router = APIRouter(tags=["claims"])
Verdict = Literal["supports", "contradicts", "no_evidence"]


@router.get("/claims", summary="The claims ledger: stored claims judged against the findings, a page at a time")
def claims(
    db: StoreDep,
    who: ViewerDep,
    cache: FiguresDep,
    page: PageDep,
    date_from: Annotated[dt.date | None, Query(alias="from", description="First date (YYYY-MM-DD).")] = None,
    date_to: Annotated[dt.date | None, Query(alias="to", description="Last date (YYYY-MM-DD).")] = None,
    party: Annotated[str | None, Query(max_length=200, description="The speaker's party or an accused party.")] = None,
    obligation: Annotated[str | None, Query(max_length=200)] = None,
    verdict: Verdict | None = None,
) -> JSONBody:
    """``{"claims": [...], "total", "next"}``: a page (``api/paging.py``) of the claims passing
    the filters, each claim's fields, ``date``, ``verdict``, ``findings`` (ids) and
    ``explanation``; a date filter leaves out claims without a date. The claims are judged once
    per run and viewer (``ledger``) and paged by their place in the ledger, which only grows."""
    after = decode_cursor(page.cursor, "claims", (int,))
    wanted = _Wanted(date_from, date_to, party, obligation, verdict)
    passing = [(n, c) for n, c in enumerate(ledger(db, who, cache)) if wanted.passes(c)]
    start = -1 if after is None else int(after[0])
    shown, more = sliced([(n, c) for n, c in passing if n > start][: page.limit + 1], page.limit)
    return {
        "claims": [c.to_document() for _, c in shown],
        "total": len(passing),
        "next": encode_cursor("claims", (shown[-1][0],)) if more else None,
    }


@dataclass(frozen=True)
class _Wanted:
    """The filters of ``GET /claims``."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    party: str | None = None
    obligation: str | None = None
    verdict: str | None = None

    def passes(self, c: ClaimVerdict) -> bool:
        return (
            (self.date_from is None or (c.claim.date is not None and c.claim.date >= self.date_from))
            and (self.date_to is None or (c.claim.date is not None and c.claim.date <= self.date_to))
            and (self.party is None or self.party == c.claim.speaker_party or self.party in c.claim.accused)
            and (self.obligation is None or c.claim.obligation == self.obligation)
            and (self.verdict is None or c.verdict == self.verdict)
        )


def judged(
    db: SQLStore,
    who: Caller | None,
    cache: FigureCache,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    party: str | None = None,
    obligation: str | None = None,
    verdict: str | None = None,
) -> list[ClaimVerdict]:
    """The stored claims judged on the findings ``who`` may read, filtered as ``GET /claims``."""
    wanted = _Wanted(date_from, date_to, party, obligation, verdict)
    return [c for c in ledger(db, who, cache) if wanted.passes(c)]


@dataclass(frozen=True)
class Ledger:
    """The stored claims judged for a viewer, and the findings their verdicts rest on, by id."""

    verdicts: tuple[ClaimVerdict, ...]
    cited: Mapping[str, Finding]


def ledger(db: SQLStore, who: Caller | None, cache: FigureCache) -> list[ClaimVerdict]:
    """Every stored claim judged on the findings ``who`` may read (:func:`judged_ledger`)."""
    return list(judged_ledger(db, who, cache).verdicts)


def judged_ledger(db: SQLStore, who: Caller | None, cache: FigureCache) -> Ledger:
    """Every stored claim judged on the findings ``who`` may read, judged once per (run, viewer
    class and visible reports, agreement version, number of stored claims): claims are only
    ever added, and judging re-reads the agreement bundle. Only the findings dated within the
    claims' windows are read (``service.claims.windowed_ledger``; issue 14), not the run."""
    run = visible_run(db, who)
    version = db.current_agreement()
    key = ("claims", figures_key(db, who, run), version.version if version else None, len(db.stored_claims()))
    return cache.get(key, lambda: _judged(db, who, run))


def _judged(db: SQLStore, who: Caller | None, run: RunRecord | None) -> Ledger:
    if run is None:  # no run to read: every claim judged on no findings
        return Ledger(tuple(claims_ledger(db, ())), {})
    hidden = hidden_reports(db, who, run)
    read: list[Finding] = []

    def evidence(spans: Sequence[tuple[dt.date, dt.date]]) -> list[Finding]:
        read.extend(db.span_findings(run.id, spans, COUNTED, hidden))
        return read

    verdicts = tuple(windowed_ledger(db, evidence))
    wanted = {i for v in verdicts for i in v.findings}
    cited: dict[str, Finding] = {}
    for f in read:
        if f.id in wanted:
            cited.setdefault(f.id, f)
    return Ledger(verdicts, cited)
