"""The map's incidents as columns, built once per run and viewer class (issue 14).

The map page, its JSON twin and ``/api/v1/map`` read a run's incidents through a
:class:`MapView`: numpy columns of every incident the viewer may know of (the run's imported
incidents, first of each id, then the submitted reports the viewer may see, as
``/api/v1/incidents`` lists them) and of the run's findings, linked by position where the viewer
may see the finding. A filter (``mapfilter.MapFilter``) is then a few vectorized passes, not a
walk over objects, so a million incidents filter, count, page and cluster in milliseconds.

The run's imported incidents and findings, the same for every class, are read once in bulk as
compact columns (:class:`RunColumns`, read by ``mapcolumns``: no object per record; at a million incidents tens of
megabytes, not gigabytes). Views are kept in the app (``memo``) under ``findings.figures_key``:
the run, the viewer class and the reports that class sees, so a party's unpublished report never
reaches another class's view (issue 11).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from starlette.applications import Starlette

from ceasefire.api.auth import Caller
from ceasefire.api.body import JSONBody
from ceasefire.api.findings import app_figures, figures_key, run_imports, visible_reports, visible_run
from ceasefire.api.mapcolumns import FindingColumns, MapEvents, events_of, imported_events, rank_of, run_findings
from ceasefire.api.mapfilter import STATUSES, MapFilter
from ceasefire.api.memo import memo_of
from ceasefire.service.workflow import all_reports, report_incident
from ceasefire.store import SQLStore
from ceasefire.store.protocol import RunRecord

__all__ = ["DETAIL_FIELDS", "MapEvents", "MapView", "map_view", "rank_of", "status_name"]

Ints = npt.NDArray[np.int32]
Codes = npt.NDArray[np.int8]
Mask = npt.NDArray[np.bool_]
# What a popup shows of an incident beyond its place and day (``/api/v1/incidents`` properties).
DETAIL_FIELDS = (
    "location",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "fatalities",
    "radius_m",
    "geo_precision",
    "admin1",
    "source_name",
    "source",
)
HIDDEN = -1  # an incident's code when a party or obligation filter leaves it no finding
ANSWERS = 32  # answers kept per view (``MapView.answer``), each of at most SMALL markers
SMALL = 200


def status_name(code: int) -> str:
    return STATUSES[len(STATUSES) - 1 - code]


@dataclass(frozen=True)
class RunColumns:
    """What every viewer class's view of one run starts from: the incidents imported before it
    (``events``), all its findings, and where each incident a finding names is among those
    incidents (``at``, per link of ``findings.owner``/``names``; -1: not imported, a report)."""

    events: MapEvents
    findings: FindingColumns
    at: Ints


def run_columns(
    db: SQLStore, run: RunRecord, imported: tuple[MapEvents, npt.NDArray[np.intp]] | None = None
) -> RunColumns:
    """The columns of ``run`` (read in bulk: ``mapcolumns``); ``imported``: its imported events
    and their sorter (``imported_events``) when already read."""
    events, sorter = imported or imported_events(db, run)
    findings = run_findings(db, run)
    return RunColumns(events, findings, _positions(events.ids, sorter, findings.names))


def _positions(ids: npt.NDArray[np.bytes_], sorter: npt.NDArray[np.intp], names: npt.NDArray[np.bytes_]) -> Ints:
    """Each of ``names``'s position in ``ids`` (``sorter`` sorts them; -1: not there). Both
    sides are searched sorted: a binary search that walks memory in order, several times faster
    than one through ``sorter`` at a million ids."""
    out = np.full(len(names), -1, dtype=np.int32)
    if not len(ids) or not len(names):
        return out
    ordered, needles = ids[sorter], np.argsort(names, kind="stable")
    wanted = names[needles]
    at = np.minimum(np.searchsorted(ordered, wanted), len(ordered) - 1)
    found = ordered[at] == wanted
    out[needles[found]] = sorter[at[found]]
    return out


@dataclass(frozen=True)
class MapView:
    """What one viewer class may see of one run, as columns.

    ``findings``: every finding of the run (a hidden one is linked to nothing);
    ``pair_incident``/``pair_finding``: each (incident position, finding position) link of the
    findings the class may see, sorted by incident then finding (a finding names every record of
    its event); ``order``: the positions by (day, id), the order lists show; ``event``: each
    position's event, as the position of its first record (issue 13: the map shows one marker
    per event, at that record; a record no finding links is an event of its own); ``hidden``:
    the reports behind the run's findings the class may not see (``findings.hidden_reports``).
    ``_statuses`` keeps each filter's statuses (a map's pans and zooms ask again and again with
    the same filter), ``_answers`` the latest answers of ``/api/v1/map``."""

    run: RunRecord
    events: MapEvents
    findings: FindingColumns
    pair_incident: Ints
    pair_finding: Ints
    order: npt.NDArray[np.intp]
    event: npt.NDArray[np.intp]
    hidden: frozenset[int]
    _statuses: dict[tuple[str | None, str | None], Codes] = field(default_factory=dict, compare=False)
    _answers: dict[Hashable, JSONBody] = field(default_factory=dict, compare=False)

    def answer(self, key: Hashable, make: Callable[[], JSONBody]) -> JSONBody:
        """The answer kept under ``key`` (what it depends on besides this view: filters, box,
        zoom), else ``make()``: every visitor's first view asks the same, and a view is one run
        and viewer class, so answers are cached per run and class (issue 14). Only an answer of
        at most SMALL markers is kept: a zoomed-in one, up to MAX_SINGLES, is quick to make
        from a small box and large to keep."""
        found = self._answers.get(key)
        if found is None:
            found = make()
            if len(found.get("incidents") or ()) <= SMALL:
                self._answers[key] = found
            while len(self._answers) > ANSWERS:
                self._answers.pop(next(iter(self._answers)), None)  # another thread may pop it too
        return found

    def statuses(self, party: str | None, obligation: str | None) -> Codes:
        """Each incident's status code under a party and obligation filter (HIDDEN: no finding
        matches while one of them is set)."""
        key = (party, obligation)
        found = self._statuses.get(key)
        if found is None:
            found = self._statuses[key] = self._compute(party, obligation)
            while len(self._statuses) > 32:
                self._statuses.pop(next(iter(self._statuses)), None)  # another thread may pop it too
        return found

    def _compute(self, party: str | None, obligation: str | None) -> Codes:
        unfiltered = party is None and obligation is None
        out = np.full(len(self.events.ids), 0 if unfiltered else HIDDEN, dtype=np.int8)
        keep = np.ones(len(self.findings.rank), dtype=np.bool_)
        if obligation is not None:
            keep &= self.findings.with_obligation(obligation)
        if party is not None:
            keep &= self.findings.naming(party)
        linked = keep[self.pair_finding]
        np.maximum.at(out, self.pair_incident[linked], self.findings.rank[self.pair_finding[linked]])
        return out

    @functools.cached_property
    def lead(self) -> Mask:
        """The positions that stand for their event on the map (its first record)."""
        out: Mask = self.event == np.arange(len(self.event))
        return out

    @functools.cached_property
    def sizes(self) -> npt.NDArray[np.intp]:
        """Each position's count of records in its event."""
        out: npt.NDArray[np.intp] = np.bincount(self.event, minlength=len(self.event))[self.event]
        return out

    def records(self, position: int) -> npt.NDArray[np.intp]:
        """The positions of the records of ``position``'s event, first record first."""
        out: npt.NDArray[np.intp] = np.flatnonzero(self.event == self.event[position])
        return out

    def select(self, chosen: MapFilter) -> tuple[Mask, Codes]:
        """(which events ``chosen`` keeps, as their first records' positions, every incident's
        status code under it; the records of one event share their findings, so their codes)."""
        codes = self.statuses(chosen.party, chosen.obligation)
        keep = (codes != HIDDEN) & self.lead
        if chosen.date_from is not None:
            keep &= self.events.day >= chosen.date_from.toordinal()
        if chosen.date_to is not None:
            keep &= self.events.day <= chosen.date_to.toordinal()
        if chosen.statuses:
            keep &= np.isin(codes, [rank_of(s) for s in chosen.statuses])
        return keep, codes

    def finding_ids(self, db: SQLStore, positions: Sequence[int]) -> list[list[str]]:
        """The ids of the visible findings of the incident at each of ``positions``, in run
        order (read for these few incidents: the view keeps no finding ids)."""
        ids = [self.events.id_at(p) for p in positions]
        found = db.incident_findings(self.run.id, ids, self.hidden)
        return [[finding for finding, _ in found.get(i, [])] for i in ids]

    def position(self, incident_id: str) -> int | None:
        """The position of the incident ``incident_id`` (None: not in this view)."""
        found = np.flatnonzero(self.events.ids == incident_id.encode("utf-8"))
        return int(found[0]) if len(found) else None

    def dates(self) -> list[str] | None:
        """[first, last] day of every incident of the view (None: no incident)."""
        if not len(self.events.day):
            return None
        return [dt.date.fromordinal(int(d)).isoformat() for d in (self.events.day.min(), self.events.day.max())]


def build_view(db: SQLStore, run: RunRecord, base: RunColumns, who: Caller | None) -> MapView:
    """The view of ``run`` for ``who``: the imported incidents plus the reports ``who`` may see
    that the run verified, and the findings drawn from none of the reports ``who`` may not see."""
    reports = visible_reports(db, who)
    mine = [r for r in all_reports(db) if r.log_index < run.log_index and (reports is None or r.id in reports)]
    events = base.events.then(events_of(report_incident(r) for r in mine))
    findings = base.findings
    at, visible = base.at.copy(), np.ones(len(findings.rank), dtype=np.bool_)
    hidden: frozenset[int] = frozenset()
    links, numbers = findings.reports()
    if len(links):
        place = {r.id: len(base.events.ids) + n for n, r in enumerate(mine)}
        at[links] = np.array([place.get(int(k), -1) for k in numbers], dtype=np.int32)
        if reports is not None:  # a finding drawn from a report the class may not see is hidden (issue 11)
            unseen = ~np.isin(numbers, list(reports))
            visible[findings.owner[links[unseen]]] = False
            hidden = frozenset(int(k) for k in numbers[unseen])
    kept = (at >= 0) & visible[findings.owner]
    incident, finding = at[kept], findings.owner[kept]
    order = np.lexsort((finding, incident))
    incident, finding = incident[order], finding[order]
    event = _events(len(events.ids), incident, finding, len(findings.rank))
    return MapView(run, events, findings, incident, finding, np.lexsort((events.ids, events.day)), event, hidden)


def _events(n: int, incident: Ints, finding: Ints, findings: int) -> npt.NDArray[np.intp]:
    """Each position's event as its lowest position: a finding names every record of its event
    (``corroboration``), so the lowest position among a finding's records is the same for every
    finding of the event."""
    first = np.full(findings, n, dtype=np.intp)
    np.minimum.at(first, finding, incident)
    event = np.arange(n, dtype=np.intp)
    np.minimum.at(event, incident, first[finding])
    return event


def map_view(app: Starlette, db: SQLStore, who: Caller | None) -> MapView | None:
    """The view of the run ``who`` reads, made once per (run, viewer class, visible reports)
    and kept in ``app`` (None: no run ``who`` may read). The run's columns are read once and
    shared by every class's view."""
    run = visible_run(db, who)
    if run is None:
        return None
    base = memo_of(app, "map_imported", 2).get(run.id, lambda: run_columns(db, run, _imported(app, db, run)))
    key = ("map", figures_key(db, who, run))
    made: MapView = memo_of(app, "map_views", 16).get(key, lambda: build_view(db, run, base, who))
    return made


def _imported(app: Starlette, db: SQLStore, run: RunRecord) -> tuple[MapEvents, npt.NDArray[np.intp]]:
    """``imported_events`` of ``run``, kept per set of imports (``findings.run_imports``): a
    new run over the same imports (a run after new reports) reads none of its million incidents
    again (issue 14: half of the map's first request after a run)."""
    made: tuple[MapEvents, npt.NDArray[np.intp]] = memo_of(app, "map_incidents", 2).get(
        run_imports(app_figures(app), db, run), lambda: imported_events(db, run)
    )
    return made
