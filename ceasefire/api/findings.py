"""``/api/v1/findings``: a stored verification run, read-only (``/clocks``: ``api/tallies.py``).

Which run a caller reads (:func:`visible_run`): analysts and admins the newest run; everyone
else, the public (no token) included, the newest *published* run (``POST /runs/{id}/publish``).
Findings drawn from submitted reports (incident ``report-ID``) are shown only to those who may
see that report (:func:`visible_findings`); findings from imported event files to every reader
of the run.

Everything derived from findings is derived from the findings the viewer may see
(:func:`viewer_figures`, issue 11): a clock counting a report the public may not see would tell
the public the report exists, its day and its obligation. The figures are computed once per run
and viewer class (``auth.viewer_class``) and kept in the app (:class:`FigureCache`).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar, cast

from fastapi import APIRouter, Depends, Query, Request
from starlette.applications import Starlette

from ceasefire.api.agreements import loaded
from ceasefire.api.auth import Caller, StoreDep, ViewerDep, report_scope, viewer_class
from ceasefire.api.body import JSONBody
from ceasefire.api.memo import Memo
from ceasefire.api.paging import PageDep, decode_cursor, encode_cursor, sliced
from ceasefire.ledger import JSONValue, canonical_json
from ceasefire.model import REPORT_PREFIX, STATUSES, Agreement, Finding, RunSummary
from ceasefire.rules.clocks import clocks_from_counts, daily_from_findings
from ceasefire.service.workflow import all_reports
from ceasefire.store import SQLStore
from ceasefire.store.aggregates import FindingCount, tally_findings
from ceasefire.store.pages import FindingFilter
from ceasefire.store.protocol import ReportScope, RunRecord

__all__ = [
    "Counts",
    "FigureCache",
    "Figures",
    "FiguresDep",
    "agreement_of_run",
    "app_figures",
    "counted_total",
    "figure_cache",
    "figures_key",
    "hidden_reports",
    "imported_extent",
    "imported_incidents",
    "imports_before",
    "report_days",
    "router",
    "run_figures",
    "run_imports",
    "run_reports",
    "stored_form",
    "viewer_counted",
    "viewer_counts",
    "viewer_figures",
    "visible_findings",
    "visible_run",
]

router = APIRouter(tags=["findings"])
Status = Literal["violation", "possible_violation", "exempt"]


def sees_everything(who: Caller | None) -> bool:
    return who is not None and who.role in ("admin", "analyst")


def visible_run(db: SQLStore, who: Caller | None) -> RunRecord | None:
    """The run ``who`` reads: the newest (analyst, admin) or the newest published (the rest)."""
    runs = db.runs()
    if not sees_everything(who):
        published = db.published_runs()
        runs = [run for run in runs if run.id in published]
    return runs[-1] if runs else None


def visible_reports(db: SQLStore, who: Caller | None) -> set[int] | None:
    """The ids of the reports ``who`` may see; None: all of them."""
    if sees_everything(who):
        return None
    scope = ReportScope() if who is None else report_scope(who)
    return {report.id for report in all_reports(db, scope)}


def stored_form(document: JSONValue) -> Any:
    """A document (``Finding.to_document``, ``Clock.to_document``) as the API has always
    answered it: as the database stores it, canonical JSON, so with its keys sorted."""
    return json.loads(canonical_json(document))


def from_visible(incident_ids: Sequence[str], reports: set[int] | None) -> bool:
    """Whether every incident behind a finding may be seen by who sees ``reports``."""
    if reports is None:
        return True
    return all(not i.startswith(REPORT_PREFIX) or int(i[len(REPORT_PREFIX) :]) in reports for i in incident_ids)


def visible_findings(db: SQLStore, who: Caller | None, run: RunRecord | None) -> list[Finding]:
    """The findings of ``run`` that ``who`` may see (none when ``run`` is None)."""
    if run is None:
        return []
    reports = visible_reports(db, who)
    return [f for f in db.run_findings(run.id) if from_visible(f.incidents, reports)]


@dataclass(frozen=True)
class Figures:
    """What a viewer may know of a run: the findings it may see, the summary (counts, clocks)
    of those findings, and how many of the run's incidents it may know of."""

    findings: tuple[Finding, ...]
    summary: RunSummary
    incidents: int


NO_FIGURES = Figures((), RunSummary({}, {}), 0)
T = TypeVar("T")


class FigureCache:
    """The figures of the latest (run, viewer class, visible reports) keys, least recently used
    dropped first; thread-safe (routes run in a thread pool). A report published or submitted
    changes the reports a class sees, hence the key, so nothing stale is served. A key being
    made is made once: a request asking for it meanwhile (the server's warm-up, ``api/warmer.py``,
    makes the public's figures of a new run) waits for that computation instead of repeating it."""

    def __init__(self, size: int = 128) -> None:
        self._memo = Memo[Any](size)

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        """The value kept under ``key``, else ``make()`` kept (``memo.Memo``). A key names one
        kind of value (see ``viewer_figures``), hence the cast."""
        return cast(T, self._memo.get(key, make))


_APP_LOCK = threading.Lock()


def app_figures(app: Starlette) -> FigureCache:
    """``app``'s figure cache, made on first use (whichever route asks first)."""
    with _APP_LOCK:
        cache: FigureCache | None = getattr(app.state, "figures", None)
        if cache is None:
            cache = app.state.figures = FigureCache()
    return cache


def figure_cache(request: Request) -> FigureCache:
    """The app's figure cache, as a dependency."""
    return app_figures(request.app)


FiguresDep = Annotated[FigureCache, Depends(figure_cache)]


def viewer_figures(cache: FigureCache, db: SQLStore, who: Caller | None, run: RunRecord | None) -> Figures:
    """The figures of ``run`` for ``who``: the stored ones for analysts and admins, else those
    of the findings ``who`` may see (computed once per class and set of visible reports)."""
    if run is None:
        return NO_FIGURES
    key, reports = _key(db, who, run)
    if reports is None:
        return cache.get(key, lambda: _stored_figures(db, run, cache))
    return cache.get(key, lambda: run_figures(db, run, reports, cache))


def figures_key(db: SQLStore, who: Caller | None, run: RunRecord | None) -> Hashable:
    """What decides everything ``who`` may read derived from ``run``'s findings: the run, the
    viewer class (``auth.viewer_class``) and the reports the class sees now (publishing or
    submitting a report changes it). Key any cache of such derived content by it."""
    return _key(db, who, run)[0] if run is not None else None


def _key(db: SQLStore, who: Caller | None, run: RunRecord) -> tuple[Hashable, set[int] | None]:
    if sees_everything(who):
        return (run.id, "full"), None
    reports = visible_reports(db, who)
    return (run.id, viewer_class(who), frozenset(reports or ())), reports


def _stored_figures(db: SQLStore, run: RunRecord, cache: FigureCache) -> Figures:
    return Figures(_all_findings(db, run, cache), db.run_summary(run.id), run.incidents)


def _all_findings(db: SQLStore, run: RunRecord, cache: FigureCache | None) -> tuple[Finding, ...]:
    """Every finding of ``run``, read once and shared by every class's figures (each keeps a
    tuple of references into it, not copies)."""
    if cache is None:
        return tuple(db.run_findings(run.id))
    return cache.get((run.id, "findings"), lambda: tuple(db.run_findings(run.id)))


def run_figures(db: SQLStore, run: RunRecord, reports: set[int] | None, cache: FigureCache | None = None) -> Figures:
    """The figures of ``run`` computed from the findings of imported incidents and of
    ``reports`` (None: every report) with the engine's clock rule. The clocks run to the last day
    of the incidents the viewer may know of: a later hidden report must not lengthen them.
    With ``reports`` None they equal the stored summary (but for ``unresolved_actors``, which
    only the stored summary carries)."""
    found = tuple(f for f in _all_findings(db, run, cache) if from_visible(f.incidents, reports))
    agreement = agreement_of_run(db, run)
    imported, last = imported_extent(cache, db, run)
    in_run = report_days(db, run.incidents - imported)
    seen = [day for rid, day in in_run if reports is None or rid in reports]
    days = [d for d in (last, *seen) if d is not None]
    last_day = dt.date.fromordinal(max(days)) if days else None
    clocks = clocks_from_counts(agreement, daily_from_findings(agreement, found), last_day)
    unresolved = db.run_summary(run.id).unresolved_actors if reports is None else ()
    summary = RunSummary(_by_party(agreement, found), _by_obligation(agreement, found), tuple(clocks), unresolved)
    return Figures(found, summary, imported + len(seen))


def agreement_of_run(db: SQLStore, run: RunRecord) -> Agreement:
    """The agreement version ``run`` was made under."""
    version = next(v for v in db.agreement_versions() if v.version == run.agreement_version)
    return loaded(version)


def imported_incidents(db: SQLStore, run: RunRecord) -> tuple[int, int | None]:
    """(how many imported incidents the run verified, the ordinal of their last possible day),
    counted in SQL (issue 14: not a million incidents read back to count them)."""
    count, last = db.imported_extent(run.log_index)
    return count, None if last is None else last.toordinal()


def imports_before(db: SQLStore, run: RunRecord) -> tuple[int, ...]:
    """The ids of the imports ``run`` verified (those logged before it): all its imported
    incidents depend on (the first of each id among them). Runs over the same imports (every run
    after new reports only) share what is counted from those incidents alone."""
    return tuple(i.id for i in db.imports() if i.log_index < run.log_index)


def run_imports(cache: FigureCache, db: SQLStore, run: RunRecord) -> tuple[int, ...]:
    """``imports_before``, kept per run: an import logged later is never before the run."""
    return cache.get((run.id, "imports"), lambda: imports_before(db, run))


def imported_extent(cache: FigureCache | None, db: SQLStore, run: RunRecord) -> tuple[int, int | None]:
    """``imported_incidents``, kept per set of imports (``run_imports``): a new run over the
    same imports does not count a million incidents again (issue 14: 0.8 CPU s of the first
    request after a run, per run listed)."""
    if cache is None:
        return imported_incidents(db, run)
    return cache.get(("imported", run_imports(cache, db, run)), lambda: imported_incidents(db, run))


def report_days(db: SQLStore, count: int) -> list[tuple[int, int]]:
    """(id, day ordinal) of the reports a run verified: the ``count`` first ones (ids grow with
    time, and a run verifies every report stored then). The day is that of the latest version."""
    out: list[tuple[int, int]] = []
    for report in all_reports(db):
        if len(out) >= count:
            break
        out.append((report.id, dt.date.fromisoformat(report.submission.occurred_on).toordinal()))
    return out


def _by_party(agreement: Agreement, found: Sequence[Finding]) -> dict[str, dict[str, int]]:
    """As ``Verification.by_party``: per party, its violations and possible violations."""
    out = {p.id: {"violation": 0, "possible_violation": 0} for p in agreement.parties}
    for f in found:
        for party in f.parties:
            if party in out and f.status in out[party]:
                out[party][f.status] += 1
    return out


def _by_obligation(agreement: Agreement, found: Sequence[Finding]) -> dict[str, dict[str, int]]:
    """As ``Verification.by_obligation``: per obligation with findings, agreement order."""
    counted: dict[str, dict[str, int]] = {}
    for f in found:
        counted.setdefault(f.obligation, dict.fromkeys(STATUSES, 0))[f.status] += 1
    return {o.id: counted[o.id] for o in agreement.obligations if o.id in counted}


@dataclass(frozen=True)
class Counts:
    """How many of a run's incidents and findings a viewer may know of (as ``Figures`` counts them)."""

    incidents: int
    findings: int


def viewer_counts(cache: FigureCache, db: SQLStore, who: Caller | None, run: RunRecord) -> Counts:
    """The counts of ``run_figures`` for ``who``, from SQL without reading every finding
    (issue 14): imported incidents (first of each id; kept per run), the run's reports ``who``
    may see, and the findings drawn from none of the others (:func:`viewer_counted`)."""
    reports = visible_reports(db, who)
    if reports is None:
        return Counts(run.incidents, run.findings)
    imported = imported_extent(cache, db, run)[0]
    seen = [rid for rid, _ in report_days(db, run.incidents - imported) if rid in reports]
    hidden = frozenset(run_reports(cache, db, run) - reports)
    return Counts(imported + len(seen), sum(c.findings for c in viewer_counted(cache, db, run, hidden)))


def run_reports(cache: FigureCache, db: SQLStore, run: RunRecord) -> frozenset[int]:
    """The submitted reports any finding of ``run`` draws on (kept per run: a run never changes)."""
    return cache.get((run.id, "report-ids"), lambda: frozenset(db.run_report_ids(run.id)))


def viewer_counted(
    cache: FigureCache, db: SQLStore, run: RunRecord, hidden: frozenset[int]
) -> tuple[FindingCount, ...]:
    """The findings of ``run`` drawn from none of the ``hidden`` reports, counted by (date,
    obligation, status, parties): the run's summary rows (the findings drawn from no report,
    0025) and the findings drawn from the other reports (few), counted when first asked for
    and kept; a page's ``total`` is counted from them (issue 14: not a million rows counted in
    SQL per request, each tested against the hidden reports)."""
    base, _ = cache.get((run.id, "counts"), lambda: db.run_counts(run.id))
    return cache.get(("counted", run.id, hidden), lambda: (*base, *tally_findings(db.report_findings(run.id, hidden))))


def counted_total(counts: Sequence[FindingCount], where: FindingFilter) -> int:
    """How many of the counted findings pass ``where``'s filters (its ``hidden`` already applied)."""
    return sum(
        c.findings
        for c in counts
        if (where.date_from is None or c.date >= where.date_from)
        and (where.date_to is None or c.date <= where.date_to)
        and (where.party is None or where.party in c.parties)
        and (where.obligation is None or c.obligation == where.obligation)
        and (where.status is None or c.status == where.status)
    )


def run_dict(run: RunRecord | None, published: set[int], figures: Figures | Counts | None = None) -> JSONBody | None:
    """A run as the API shows it; ``figures``: the viewer's counts (default: the stored ones)."""
    if run is None:
        return None
    found = figures.findings if isinstance(figures, Counts) else None if figures is None else len(figures.findings)
    return {
        "id": run.id,
        "agreement_version": run.agreement_version,
        "created_at": run.created_at,
        "incidents": run.incidents if figures is None else figures.incidents,
        "findings": run.findings if found is None else found,
        "log_index": run.log_index,
        "published": run.id in published,
    }


@router.get("/findings", summary="Findings of the latest verification run, a page at a time")
def findings(
    db: StoreDep,
    who: ViewerDep,
    cache: FiguresDep,
    page: PageDep,
    date_from: Annotated[dt.date | None, Query(alias="from", description="First date (YYYY-MM-DD).")] = None,
    date_to: Annotated[dt.date | None, Query(alias="to", description="Last date (YYYY-MM-DD).")] = None,
    party: Annotated[str | None, Query(max_length=200)] = None,
    obligation: Annotated[str | None, Query(max_length=200)] = None,
    status: Status | None = None,
) -> JSONBody:
    """``{"agreement", "run", "findings": [...], "total", "next"}``: a page of the findings the
    caller may see that pass the filters, in the run's order (``api/paging.py``); ``total``
    counts them all. ``run`` is null when there is no run the caller may read (none yet; for
    the public, none published yet)."""
    after = decode_cursor(page.cursor, "findings", (str,))
    run = visible_run(db, who)
    rows: list[Finding] = []
    total, more = 0, False
    if run is not None:
        start = None if after is None else str(after[0])
        where = FindingFilter(date_from, date_to, party, obligation, status, _hidden(cache, db, who, run))
        rows, more = sliced(db.finding_page(run.id, where, start, page.limit + 1), page.limit)
        total = counted_total(viewer_counted(cache, db, run, where.hidden), where)
    return {
        "agreement": run.agreement_id if run else None,
        "run": run_dict(run, db.published_runs(), viewer_counts(cache, db, who, run) if run else None),
        "findings": [stored_form(f.to_document()) for f in rows],
        "total": total,
        "next": encode_cursor("findings", (rows[-1].id,)) if more else None,
    }


def _hidden(cache: FigureCache, db: SQLStore, who: Caller | None, run: RunRecord) -> frozenset[int]:
    """``hidden_reports``, the run's reports kept (``run_reports``)."""
    reports = visible_reports(db, who)
    return frozenset() if reports is None else run_reports(cache, db, run) - reports


def hidden_reports(db: SQLStore, who: Caller | None, run: RunRecord) -> frozenset[int]:
    """The submitted reports behind findings of ``run`` that ``who`` may not see: a finding
    drawn from any of them is not ``who``'s to see (as :func:`from_visible`), left out in SQL."""
    reports = visible_reports(db, who)
    if reports is None:
        return frozenset()
    return frozenset(db.run_report_ids(run.id) - reports)
