"""The map's incidents as columns, built once per run and viewer class (issue 14).

The map page, its JSON twin and ``/api/v1/map`` read a run's incidents through a
:class:`MapView`: numpy columns of every incident the viewer may know of (the run's imported
incidents, first of each id, then the submitted reports the viewer may see, as
``/api/v1/incidents`` lists them) and of the findings the viewer may see, linked by position.
A filter (``mapfilter.MapFilter``) is then a few vectorized passes, not a walk over objects, so
a million incidents filter, count, page and cluster in milliseconds.

Views are kept in the app (``memo``) under ``findings.figures_key``: the run, the viewer class
and the reports that class sees, so a party's unpublished report never reaches another class's
view (issue 11). The imported incidents of a run, the same for every class, are read once.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from starlette.applications import Starlette

from ceasefire.api.auth import Caller
from ceasefire.api.findings import FigureCache, app_figures, figures_key, viewer_figures, visible_reports, visible_run
from ceasefire.api.mapfilter import STATUSES, MapFilter
from ceasefire.api.memo import memo_of
from ceasefire.api.state import StorePool
from ceasefire.model import Finding, Incident, severity
from ceasefire.service.workflow import all_reports, report_incident
from ceasefire.store import SQLStore
from ceasefire.store.protocol import RunRecord

__all__ = ["DETAIL_FIELDS", "MapEvents", "MapView", "map_view", "rank_of", "status_name", "warm"]

Floats = npt.NDArray[np.float64]
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
log = logging.getLogger("ceasefire.api")
HIDDEN = -1  # an incident's code when a party or obligation filter leaves it no finding


def rank_of(status: str) -> int:
    """A status as a code that grows with severity: no_finding 0, exempt 1 ... violation 3."""
    return len(STATUSES) - 1 - STATUSES.index(status)


def status_name(code: int) -> str:
    return STATUSES[len(STATUSES) - 1 - code]


@dataclass(frozen=True)
class MapEvents:
    """Incidents as columns, position by position: ``ids`` (numpy str), ``lon``/``lat``, ``day``
    (the date shown, ``date_reported`` or ``date``, as an ordinal), ``x``/``y`` (Web Mercator,
    0..1 from the west and the north edge) and ``details`` (DETAIL_FIELDS, as lists)."""

    ids: npt.NDArray[np.str_]
    lon: Floats
    lat: Floats
    day: Ints
    details: dict[str, list[Any]]

    @functools.cached_property
    def x(self) -> Floats:
        return (self.lon + 180.0) / 360.0

    @functools.cached_property
    def y(self) -> Floats:
        lat = np.radians(np.clip(self.lat, -85.05, 85.05))
        return (1.0 - np.log(np.tan(lat) + 1.0 / np.cos(lat)) / np.pi) / 2.0


def events_of(incidents: Iterable[Incident]) -> MapEvents:
    """The columns of ``incidents`` (in their order); repeated strings are kept once."""
    ids: list[str] = []
    lon: list[float] = []
    lat: list[float] = []
    day: list[int] = []
    details: dict[str, list[Any]] = {name: [] for name in DETAIL_FIELDS}
    seen: dict[Any, Any] = {}
    for incident in incidents:
        ids.append(incident.id)
        lon.append(incident.lon)
        lat.append(incident.lat)
        day.append((incident.date_reported or incident.date).toordinal())
        for name, column in details.items():
            value = getattr(incident, name)
            column.append(seen.setdefault(value, value))
    return MapEvents(
        np.array(ids, dtype=np.str_),
        np.array(lon, dtype=np.float64),
        np.array(lat, dtype=np.float64),
        np.array(day, dtype=np.int32),
        details,
    )


def _joined(first: MapEvents, second: MapEvents) -> MapEvents:
    if not len(second.ids):
        return first
    details = {name: first.details[name] + second.details[name] for name in DETAIL_FIELDS}
    return MapEvents(
        np.concatenate([first.ids, second.ids]),
        np.concatenate([first.lon, second.lon]),
        np.concatenate([first.lat, second.lat]),
        np.concatenate([first.day, second.day]),
        details,
    )


def _imported(db: SQLStore, run: RunRecord) -> MapEvents:
    """The incidents imported before ``run``, the first of each id (as verification keeps them)."""
    seen: set[str] = set()

    def first() -> Iterable[Incident]:
        for incident in db.incidents(before=run.log_index):
            if incident.id not in seen:
                seen.add(incident.id)
                yield incident

    return events_of(first())


@dataclass(frozen=True)
class MapView:
    """What one viewer class may see of one run, as columns.

    ``pair_incident``/``pair_finding``: each (incident position, finding position) link, sorted
    by incident then finding (a finding names every record of its event); per finding its
    ``rank`` (``rank_of``) and ``obligations``; ``party_links``: (finding position, party) of
    every party a finding names; ``order``: the positions by
    (day, id), the order lists show; ``event``: each position's event, as the position of its
    first record (issue 13: the map shows one marker per event, at that record; a record no
    finding links is an event of its own). ``_statuses`` keeps each filter's statuses (a map's
    pans and zooms ask again and again with the same filter)."""

    run: RunRecord
    events: MapEvents
    findings: tuple[Finding, ...]
    pair_incident: Ints
    pair_finding: Ints
    rank: Codes
    obligations: npt.NDArray[np.str_]
    party_links: tuple[Ints, npt.NDArray[np.str_]]
    order: npt.NDArray[np.intp]
    event: npt.NDArray[np.intp]
    _statuses: dict[tuple[str | None, str | None], Codes] = field(default_factory=dict, compare=False)

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
        keep = np.ones(len(self.findings), dtype=np.bool_)
        if obligation is not None:
            keep &= self.obligations == obligation
        if party is not None:
            named = np.zeros(len(self.findings), dtype=np.bool_)
            named[self.party_links[0][self.party_links[1] == party]] = True
            keep &= named
        linked = keep[self.pair_finding]
        np.maximum.at(out, self.pair_incident[linked], self.rank[self.pair_finding[linked]])
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

    def linked(self, position: int) -> list[Finding]:
        """The visible findings of the incident at ``position``, in run order."""
        lo, hi = np.searchsorted(self.pair_incident, [position, position + 1])
        return [self.findings[int(i)] for i in self.pair_finding[lo:hi]]

    def position(self, incident_id: str) -> int | None:
        """The position of the incident ``incident_id`` (None: not in this view)."""
        found = np.flatnonzero(self.events.ids == incident_id)
        return int(found[0]) if len(found) else None

    def dates(self) -> list[str] | None:
        """[first, last] day of every incident of the view (None: no incident)."""
        if not len(self.events.day):
            return None
        return [dt.date.fromordinal(int(d)).isoformat() for d in (self.events.day.min(), self.events.day.max())]


def _links(events: MapEvents, findings: Sequence[Finding]) -> tuple[Ints, Ints]:
    """(incident position, finding position) of every link whose incident is in ``events``,
    sorted by incident then finding."""
    names = [incident for f in findings for incident in f.incidents]
    owners = np.fromiter((n for n, f in enumerate(findings) for _ in f.incidents), dtype=np.int32, count=len(names))
    if not names or not len(events.ids):
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
    sorter = np.argsort(events.ids, kind="stable")
    wanted = np.array(names, dtype=np.str_)
    at = np.minimum(np.searchsorted(events.ids, wanted, sorter=sorter), len(sorter) - 1)
    where = sorter[at]
    found = events.ids[where] == wanted
    incident, finding = where[found].astype(np.int32), owners[found]
    order = np.lexsort((finding, incident))
    return incident[order], finding[order]


def build_view(
    db: SQLStore, run: RunRecord, imported: MapEvents, findings: Sequence[Finding], who: Caller | None
) -> MapView:
    """The view of ``run`` for ``who``: ``imported`` plus the reports ``who`` may see that the
    run verified, and the ``findings`` ``who`` may see."""
    reports = visible_reports(db, who)
    own = (
        report_incident(r)
        for r in all_reports(db)
        if r.log_index < run.log_index and (reports is None or r.id in reports)
    )
    events = _joined(imported, events_of(own))
    incident, finding = _links(events, findings)
    rank = np.array([rank_of(f.status) if severity(f.status) < 3 else 0 for f in findings], dtype=np.int8)
    obligations = np.array([f.obligation for f in findings] or [""], dtype=np.str_)[: len(findings)]
    named = [(n, party) for n, f in enumerate(findings) for party in f.parties]
    party_links = (
        np.array([n for n, _ in named], dtype=np.int32),
        np.array([p for _, p in named] or [""], dtype=np.str_)[: len(named)],
    )
    order = np.lexsort((events.ids, events.day))
    event = _events(len(events.ids), incident, finding, len(findings))
    return MapView(run, events, tuple(findings), incident, finding, rank, obligations, party_links, order, event)


def _events(n: int, incident: Ints, finding: Ints, findings: int) -> npt.NDArray[np.intp]:
    """Each position's event as its lowest position: a finding names every record of its event
    (``corroboration``), so the lowest position among a finding's records is the same for every
    finding of the event."""
    first = np.full(findings, n, dtype=np.intp)
    np.minimum.at(first, finding, incident)
    event = np.arange(n, dtype=np.intp)
    np.minimum.at(event, incident, first[finding])
    return event


def warm(app: Starlette, pool: StorePool, *others: Callable[[Starlette, SQLStore], object]) -> None:
    """Make the public's view of the run it reads (what the first visitor asks for) ahead of
    time, then call each of ``others`` (other warmers) with the app and a store; a failure is
    logged, never raised (serving goes on; a request makes what is missing then)."""
    try:
        with pool.store() as db:
            map_view(app, app_figures(app), db, None)
            for other in others:
                other(app, db)
    except Exception:  # broad: warming is an optimisation, and the request path reports errors
        log.exception("making the map ahead of time failed; the first visit makes it")


def map_view(app: Starlette, cache: FigureCache, db: SQLStore, who: Caller | None) -> MapView | None:
    """The view of the run ``who`` reads, made once per (run, viewer class, visible reports)
    and kept in ``app`` (None: no run ``who`` may read)."""
    run = visible_run(db, who)
    if run is None:
        return None
    findings = viewer_figures(cache, db, who, run).findings
    imported = memo_of(app, "map_imported", 2).get(run.id, lambda: _imported(db, run))
    key = ("map", figures_key(db, who, run))
    made: MapView = memo_of(app, "map_views", 16).get(key, lambda: build_view(db, run, imported, findings, who))
    return made
