"""``/api/v1/claims``: the claims ledger, read-only.

Claims come from public news (``ceasefire import --news``), so every role and the public may read
them. Each is judged against the findings the caller may read (``findings.visible_run``, less
those drawn from reports hidden from the caller), exactly as the ``claims`` section of ``verify
--format json`` (``ceasefire.news.verdicts``), reading only the findings dated within the claims'
windows (issue 14); the verdicts are kept per run, viewer class and stored claims.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar, cast

from fastapi import APIRouter, Query

from ceasefire.api.agreements import loaded
from ceasefire.api.auth import Caller, StoreDep, ViewerDep
from ceasefire.api.body import JSONBody
from ceasefire.api.findings import FigureCache, FiguresDep, figures_key, hidden_reports, visible_run
from ceasefire.api.paging import PageDep, decode_cursor, encode_cursor, sliced
from ceasefire.model import COUNTED, Agreement, Finding, NewsClaim
from ceasefire.news.verdicts import ClaimVerdict
from ceasefire.service.claims import judge_claim
from ceasefire.store import SQLStore
from ceasefire.store.pages import ClaimScope
from ceasefire.store.protocol import RunRecord

__all__ = ["Ledger", "judged", "judged_ledger", "router"]

router = APIRouter(tags=["claims"])
Verdict = Literal["supports", "contradicts", "no_evidence"]
T = TypeVar("T")


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
    per run and viewer (``judged_ledger``), only those a page shows unless ``verdict`` filters
    them, and paged by their place in the ledger, which only grows."""
    after = decode_cursor(page.cursor, "claims", (int,))
    wanted = _Wanted(date_from, date_to, party, obligation, verdict)
    led = judged_ledger(db, who, cache)
    passing = [n for n, c in enumerate(led.claims) if wanted.concerns(c)]
    if verdict is not None:
        passing = [n for n in passing if led.verdict(db, n).verdict == verdict]
    start = -1 if after is None else int(after[0])
    shown, more = sliced([n for n in passing if n > start][: page.limit + 1], page.limit)
    return {
        "claims": [led.verdict(db, n).to_document() for n in shown],
        "total": len(passing),
        "next": encode_cursor("claims", (shown[-1],)) if more else None,
    }


@dataclass(frozen=True)
class _Wanted:
    """The filters of ``GET /claims``."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    party: str | None = None
    obligation: str | None = None
    verdict: str | None = None

    def concerns(self, c: NewsClaim) -> bool:
        """Whether the claim passes the filters but ``verdict`` (which needs it judged)."""
        return (
            (self.date_from is None or (c.date is not None and c.date >= self.date_from))
            and (self.date_to is None or (c.date is not None and c.date <= self.date_to))
            and (self.party is None or self.party == c.speaker_party or self.party in c.accused)
            and (self.obligation is None or c.obligation == self.obligation)
        )

    def passes(self, c: ClaimVerdict) -> bool:
        return self.concerns(c.claim) and (self.verdict is None or c.verdict == self.verdict)


def judged(
    db: SQLStore,
    who: Caller | None,
    cache: FigureCache,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    party: str | None = None,
    obligation: str | None = None,
    verdict: str | None = None,
) -> list[tuple[int, ClaimVerdict]]:
    """The stored claims judged on the findings ``who`` may read, filtered as ``GET /claims``,
    each with its place in the ledger (``judged_ledger``)."""
    wanted = _Wanted(date_from, date_to, party, obligation, verdict)
    led = judged_ledger(db, who, cache)
    found = [(n, led.verdict(db, n)) for n, c in enumerate(led.claims) if wanted.concerns(c)]
    return [(n, v) for n, v in found if wanted.passes(v)]


class Ledger:
    """The stored claims as one viewer class sees them judged, each judged when first asked for
    (``service.claims.judge_claim``: the findings of its week, obligation and parties, not the
    run's; issue 14) and kept, with the findings its verdict rests on and anything else a
    page derives from it (``kept``). Thread-safe: a claim judged twice at once is judged alike."""

    def __init__(
        self, claims: Sequence[NewsClaim], agreement: Agreement | None, run: RunRecord | None, hidden: frozenset[int]
    ) -> None:
        self.claims = tuple(claims)
        self._agreement, self._run, self.hidden = agreement, run, hidden
        self._verdicts: dict[int, tuple[ClaimVerdict, Mapping[str, Finding]]] = {}
        self._kept: dict[Hashable, Any] = {}
        self._lock = threading.Lock()

    @property
    def run(self) -> RunRecord | None:
        return self._run

    def verdict(self, db: SQLStore, n: int) -> ClaimVerdict:
        """The verdict of the ``n``-th claim (0: the first stored)."""
        return self._judged(db, n)[0]

    def cited(self, db: SQLStore, n: int) -> list[Finding]:
        """The findings the ``n``-th claim's verdict rests on, in its order, as a verdict reads
        them (``SQLStore.claim_findings``: what it and a ranking by confidence read, no more)."""
        verdict, found = self._judged(db, n)
        return [found[i] for i in dict.fromkeys(verdict.findings) if i in found]

    def kept(self, key: Hashable, make: Callable[[], T]) -> T:
        """What ``make`` gives, made once per ``key`` for this ledger."""
        with self._lock:
            if key in self._kept:
                return cast(T, self._kept[key])
        value = make()
        with self._lock:
            self._kept[key] = value
        return value

    def _judged(self, db: SQLStore, n: int) -> tuple[ClaimVerdict, Mapping[str, Finding]]:
        with self._lock:
            if n in self._verdicts:
                return self._verdicts[n]
        claim, run, agreement = self.claims[n], self._run, self._agreement
        assert agreement is not None  # a ledger without an agreement holds no claims
        read: list[Finding] = []

        def found(span: tuple[dt.date, dt.date], scope: ClaimScope) -> list[Finding]:
            if run is not None:  # no run: judged on no findings
                read.extend(db.claim_findings(run.id, span, scope, COUNTED, self.hidden))
            return read

        verdict = judge_claim(agreement, claim, found)
        cited = set(verdict.findings)
        made = (verdict, {f.id: f for f in reversed(read) if f.id in cited})  # reversed: the first of an id
        with self._lock:
            self._verdicts[n] = made
        return made


def judged_ledger(db: SQLStore, who: Caller | None, cache: FigureCache) -> Ledger:
    """The ledger of the stored claims as ``who`` sees them judged, made once per (run, viewer
    class and visible reports, agreement version, number of stored claims): claims are only
    ever added, and judging reads the current agreement version."""
    run = visible_run(db, who)
    version = db.current_agreement()
    stored = db.stored_claims()
    key = ("claims", figures_key(db, who, run), version.version if version else None, len(stored))

    def made() -> Ledger:
        hidden = hidden_reports(db, who, run) if run is not None else frozenset()
        if version is None:  # no agreement to judge under: no claim is judged (claims_ledger)
            return Ledger((), None, run, hidden)
        return Ledger(stored, loaded(version), run, hidden)

    return cache.get(key, made)
