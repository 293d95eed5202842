"""The public compliance pages: ``/scorecards``, ``/clocks`` and ``/claims`` (twins ``.json``).

Each reads the run the viewer may read (``findings.visible_run``: the newest published one for
the public) and only the findings the viewer may see, with the clocks and counts of those
(counted: ``tallies.viewer_tallies``; a claim's evidence: ``web/claim_evidence.py``), then hands them to the pure functions of :mod:`ceasefire.web.views`. The page dict is the twin's body.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Query

from ceasefire.api import claims as claims_api
from ceasefire.api.agreements import loaded
from ceasefire.api.auth import StoreDep, ViewerDep
from ceasefire.api.body import JSONBody
from ceasefire.api.findings import Counts, Figures, FiguresDep, run_dict, visible_run
from ceasefire.api.problems import Problem
from ceasefire.api.tallies import viewer_tallies
from ceasefire.model import Agreement
from ceasefire.store import SQLStore
from ceasefire.store.protocol import RunRecord
from ceasefire.web import claim_evidence, views
from ceasefire.web.pages import page

__all__ = ["agreement_brief", "agreement_of", "claims_page", "clocks_page", "scorecards_page"]

DateFrom = Annotated[dt.date | None, Query(alias="from", description="First date (YYYY-MM-DD), inclusive.")]
DateTo = Annotated[dt.date | None, Query(alias="to", description="Last date (YYYY-MM-DD), inclusive.")]
Ident = Annotated[str | None, Query(max_length=200)]


def agreement_of(db: SQLStore, run: RunRecord | None) -> Agreement | None:
    """The agreement version ``run`` was made under (else the current one; None: none stored)."""
    if run is not None:
        for version in db.agreement_versions():
            if version.agreement_id == run.agreement_id and version.version == run.agreement_version:
                return loaded(version)
    current = db.current_agreement()
    return loaded(current) if current else None


def agreement_brief(agreement: Agreement | None) -> JSONBody | None:
    """What every page says of the agreement: id, title, time zone and the names of its actors."""
    if agreement is None:
        return None
    names = {p.id: p.name for p in agreement.parties} | {g.id: g.name for g in agreement.excluded}
    return {
        "id": agreement.id,
        "title": agreement.title,
        "timezone": agreement.timezone,
        "names": names,
        "parties": [p.id for p in agreement.parties],
        "obligations": [o.id for o in agreement.obligations],
    }


def _frame(db: SQLStore, run: RunRecord | None, agreement: Agreement | None, seen: Figures | Counts) -> JSONBody:
    return {"agreement": agreement_brief(agreement), "run": run_dict(run, db.published_runs(), seen)}


def _check_span(date_from: dt.date | None, date_to: dt.date | None) -> None:
    if date_from and date_to and date_from > date_to:
        message = f"from ({date_from}) is after to ({date_to})"
        raise Problem(
            422, f"invalid request: from: {message}", errors=[{"field": "from", "in": "query", "message": message}]
        )


@page("/scorecards", "scorecards.html", title="Scorecards")
def scorecards_page(
    db: StoreDep, who: ViewerDep, cache: FiguresDep, date_from: DateFrom = None, date_to: DateTo = None
) -> JSONBody:
    """Per party: violations and possible violations per obligation, and violations per day
    (views.scorecards_of_counts), over the findings the viewer may see, within ``from``..``to``:
    from the viewer's counts (``api/tallies.py``), never every finding (issue 14)."""
    _check_span(date_from, date_to)
    run = visible_run(db, who)
    agreement = agreement_of(db, run)
    seen = viewer_tallies(cache, db, who, run)
    parties = agreement.parties if agreement else ()
    obligations = agreement.obligations if agreement else ()
    cards = views.scorecards_of_counts(seen.counts, parties, obligations, date_from, date_to)
    return {**_frame(db, run, agreement, seen.counted()), **cards}


@page("/clocks", "clocks.html", title="Clocks")
def clocks_page(db: StoreDep, who: ViewerDep, cache: FiguresDep) -> JSONBody:
    """Each clock judged from the findings the viewer may see, as a day strip with its
    threshold (views.clock_strips), from the viewer's counts (``api/tallies.py``)."""
    run = visible_run(db, who)
    agreement = agreement_of(db, run)
    seen = viewer_tallies(cache, db, who, run)
    texts = {o.id: o.text for o in agreement.obligations} if agreement else {}
    return {**_frame(db, run, agreement, seen.counted()), **views.clock_strips(seen.summary.clocks, texts)}


@page("/claims", "claims.html", title="Claims and evidence")
def claims_page(
    db: StoreDep,
    who: ViewerDep,
    cache: FiguresDep,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    party: Ident = None,
    obligation: Ident = None,
    verdict: claims_api.Verdict | None = None,
) -> JSONBody:
    """The claims ledger as ``GET /api/v1/claims`` filters it, each claim beside the findings
    the viewer may see for its obligation and party (views.claims_evidence; read as
    ``web/claim_evidence.py`` reads them, not the run's every finding: issue 14)."""
    _check_span(date_from, date_to)
    shown = claims_api.judged(db, who, cache, date_from, date_to, party, obligation, verdict)
    run = visible_run(db, who)
    agreement = agreement_of(db, run)
    seen = viewer_tallies(cache, db, who, run)
    filters = {
        "from": date_from.isoformat() if date_from else None,
        "to": date_to.isoformat() if date_to else None,
        "party": party,
        "obligation": obligation,
        "verdict": verdict,
    }
    judged = (claims_api.judged_ledger(db, who, cache), seen)  # the ledger ``shown`` came from
    return {
        **_frame(db, run, agreement, seen.counted()),
        "filters": filters,
        **claim_evidence.claims_evidence(db, agreement, shown, judged),
    }
