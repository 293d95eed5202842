"""A run's incidents and findings as the map's compact columns, read in bulk (issue 14).

The map needs little of each record: an incident's id, place, day shown and the three fields its
list row shows (``location``, ``event_type``, ``radius_m``); a finding's status, obligation,
parties and the incidents it names (not its id: a list page or a popup reads those of its few
incidents). :func:`imported_events` and :func:`run_findings` read just
those, a chunk of plain rows at a time (``store.pages.map_incident_rows``/``map_finding_rows``),
straight into numpy arrays: ids as UTF-8 bytes, repeated text as codes into a list of its
values, no ``Incident``, ``Finding`` or dict per record. At a million incidents the columns
take a few tens of megabytes and a few seconds of CPU to build, where objects took gigabytes.

Everything else a popup shows is read for its few records when it opens (``mapevents``). A
finding's one incident and an incident's day are computed in SQL (most findings name one
incident: no JSON parsed in Python for them).
"""

from __future__ import annotations

import functools
import itertools
import json
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ceasefire.api.mapfilter import STATUSES
from ceasefire.model import REPORT_PREFIX, Incident
from ceasefire.store import SQLStore
from ceasefire.store.pages import MapChunk, map_finding_rows, map_incident_rows
from ceasefire.store.protocol import RunRecord

__all__ = [
    "Coded",
    "FindingColumns",
    "MapEvents",
    "Texts",
    "as_names",
    "events_of",
    "imported_events",
    "json_arrays",
    "rank_of",
    "run_findings",
]

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int32]
Names = npt.NDArray[np.bytes_]  # ids as UTF-8 bytes: a quarter of numpy's str, the same order
REPORT_MARK = REPORT_PREFIX.encode("utf-8")


def rank_of(status: str) -> int:
    """A status as a code that grows with severity: no_finding 0, exempt 1 ... violation 3."""
    return len(STATUSES) - 1 - STATUSES.index(status)


def as_names(values: Sequence[str]) -> Names:
    """``values`` as UTF-8 bytes (numpy keeps trailing NULs off: an id holds none)."""
    try:
        return np.array(values, dtype=np.bytes_)  # ASCII: encoded by numpy, no object per value
    except UnicodeEncodeError:
        return np.array([v.encode("utf-8") for v in values], dtype=np.bytes_)


@dataclass(frozen=True)
class Coded:
    """A text column dictionary-encoded: ``codes`` into ``values``."""

    codes: Ints
    values: tuple[str, ...]

    def at(self, position: int) -> str:
        return self.values[int(self.codes[position])]

    def take(self, positions: npt.NDArray[np.intp]) -> Coded:
        return Coded(self.codes[positions], self.values)

    def then(self, other: Coded) -> Coded:
        """This column, then ``other``'s values (its codes renumbered into one list)."""
        index = {text: n for n, text in enumerate(self.values)}
        remap = np.array([index.setdefault(text, len(index)) for text in other.values], dtype=np.int32)
        more = remap[other.codes] if len(remap) else other.codes
        return Coded(np.concatenate([self.codes, more]), tuple(index))


def columns(chunk: MapChunk, width: int) -> list[list[Any]]:
    """The ``width`` columns of a chunk of rows (``zip(*chunk)`` spreads ten thousand rows as
    arguments: several times slower)."""
    return [list(map(operator.itemgetter(k), chunk)) for k in range(width)]


class Texts:
    """A text column dictionary-encoded as it is read, chunk by chunk (first seen, first code)."""

    def __init__(self) -> None:
        self._index: dict[str, int] = {}
        self._parts: list[Ints] = []

    def add(self, column: Sequence[object]) -> None:
        codes, uniques = pd.factorize(np.array(column, dtype=object))
        known = np.array([self._index.setdefault(str(u), len(self._index)) for u in uniques], dtype=np.int32)
        self._parts.append(known[codes] if len(known) else np.zeros(len(codes), dtype=np.int32))

    def done(self) -> Coded:
        codes = np.concatenate(self._parts) if self._parts else np.zeros(0, dtype=np.int32)
        return Coded(codes.astype(np.int32), tuple(self._index))


@dataclass(frozen=True)
class MapEvents:
    """Incidents as columns, position by position: ``ids`` (UTF-8 bytes), ``lon``/``lat``,
    ``day`` (the date shown, ``date_reported`` or ``date``, as an ordinal), ``x``/``y`` (Web
    Mercator, 0..1 from the west and the north edge), ``radius_m``, ``location`` and ``event_type``."""

    ids: Names
    lon: Floats
    lat: Floats
    day: Ints
    radius_m: Floats
    location: Coded
    event_type: Coded

    @functools.cached_property
    def x(self) -> Floats:
        return (self.lon + 180.0) / 360.0

    @functools.cached_property
    def y(self) -> Floats:
        lat = np.radians(np.clip(self.lat, -85.05, 85.05))
        return (1.0 - np.log(np.tan(lat) + 1.0 / np.cos(lat)) / np.pi) / 2.0

    def id_at(self, position: int) -> str:
        return bytes(self.ids[position]).decode("utf-8")

    def take(self, positions: npt.NDArray[np.intp]) -> MapEvents:
        return MapEvents(
            self.ids[positions],
            self.lon[positions],
            self.lat[positions],
            self.day[positions],
            self.radius_m[positions],
            self.location.take(positions),
            self.event_type.take(positions),
        )

    def then(self, other: MapEvents) -> MapEvents:
        """These events, then ``other`` (these themselves when ``other`` is empty: no copy)."""
        if not len(other.ids):
            return self
        return MapEvents(
            np.concatenate([self.ids, other.ids]),
            np.concatenate([self.lon, other.lon]),
            np.concatenate([self.lat, other.lat]),
            np.concatenate([self.day, other.day]),
            np.concatenate([self.radius_m, other.radius_m]),
            self.location.then(other.location),
            self.event_type.then(other.event_type),
        )


class _EventParts:
    """The columns of incident rows (``MAP_INCIDENT_FIELDS``) as they are read, chunk by chunk."""

    def __init__(self) -> None:
        self.ids: list[Names] = []
        self.numbers: list[Floats] = []
        self.days: list[Ints] = []
        self.location, self.event_type = Texts(), Texts()

    def add(self, chunk: MapChunk) -> None:
        ids, lat, lon, day, location, event_type, radius = columns(chunk, 7)
        self.ids.append(as_names(ids))
        self.numbers.append(np.array([lon, lat, radius], dtype=np.float64))
        self.days.append(np.array(day, dtype=np.int32))
        self.location.add(location)
        self.event_type.add(event_type)

    def done(self) -> MapEvents:
        if not self.ids:
            return events_of(())
        numbers = np.concatenate(self.numbers, axis=1)
        return MapEvents(
            np.concatenate(self.ids),
            numbers[0],
            numbers[1],
            np.concatenate(self.days),
            numbers[2],
            self.location.done(),
            self.event_type.done(),
        )


def imported_events(db: SQLStore, run: RunRecord) -> tuple[MapEvents, npt.NDArray[np.intp]]:
    """The incidents imported before ``run``, the first of each id (as verification keeps
    them), in import then file order; and the positions that sort their ids (one sort finds the
    repeated ids and serves the lookups of the ids findings name)."""
    parts = _EventParts()
    map_incident_rows(db.db, run.log_index, parts.add)
    events = parts.done()
    sorter = np.argsort(events.ids, kind="stable")
    ordered = events.ids[sorter]
    first = np.ones(len(ordered), dtype=np.bool_)
    first[1:] = ordered[1:] != ordered[:-1]
    if first.all():
        return events, sorter
    events = events.take(np.sort(sorter[first]))
    return events, np.argsort(events.ids, kind="stable")


def events_of(incidents: Iterable[Incident]) -> MapEvents:
    """The columns of ``incidents`` (few: submitted reports), in their order."""
    listed = list(incidents)
    location, event_type = Texts(), Texts()
    location.add([i.location for i in listed])
    event_type.add([i.event_type for i in listed])
    return MapEvents(
        as_names([i.id for i in listed]),
        np.array([i.lon for i in listed], dtype=np.float64),
        np.array([i.lat for i in listed], dtype=np.float64),
        np.array([(i.date_reported or i.date).toordinal() for i in listed], dtype=np.int32),
        np.array([i.radius_m for i in listed], dtype=np.float64),
        location.done(),
        event_type.done(),
    )


@dataclass(frozen=True)
class FindingColumns:
    """A run's findings as columns, in the run's order: ``rank`` (``rank_of`` its status; an
    unknown status 0), ``obligation`` and ``parties`` (the canonical JSON array, coded: a run has
    few distinct sets of parties); ``owner``/``names``: each (finding, incident id) it names, in
    the finding's order. Their ids are not kept: a list page or a popup reads those of its few
    incidents (``SQLStore.incident_findings``)."""

    rank: npt.NDArray[np.int8]
    obligation: Coded
    parties: Coded
    owner: Ints
    names: Names

    def naming(self, party: str) -> npt.NDArray[np.bool_]:
        """Which findings name ``party`` among their parties."""
        sets = np.array([party in json.loads(text) for text in self.parties.values] or [False], dtype=np.bool_)
        out: npt.NDArray[np.bool_] = sets[self.parties.codes]
        return out

    def with_obligation(self, obligation: str) -> npt.NDArray[np.bool_]:
        if obligation not in self.obligation.values:
            return np.zeros(len(self.rank), dtype=np.bool_)
        out: npt.NDArray[np.bool_] = self.obligation.codes == self.obligation.values.index(obligation)
        return out

    def reports(self) -> tuple[Ints, npt.NDArray[np.int64]]:
        """(link index, report number) of each link naming a submitted report (``report-N``)."""
        marked = np.flatnonzero(np.char.startswith(self.names, REPORT_MARK))
        numbers = [bytes(n)[len(REPORT_MARK) :] for n in self.names[marked]]
        valid = [n.isdigit() and len(n) <= 18 for n in numbers]
        number = np.array([int(n) if ok else -1 for n, ok in zip(numbers, valid, strict=True)], dtype=np.int64)
        return marked.astype(np.int32), number


class _FindingParts:
    """The columns of finding rows (``MAP_FINDING_FIELDS``) as they are read, chunk by chunk."""

    def __init__(self) -> None:
        self.statuses, self.obligation, self.parties = Texts(), Texts(), Texts()
        self.counts: list[npt.NDArray[np.int64]] = []
        self.names: list[Names] = []

    def add(self, chunk: MapChunk) -> None:
        status, obligation, parties, named, incidents = columns(chunk, 5)
        self.statuses.add(status)
        self.obligation.add(obligation)
        self.parties.add(parties)
        counts = np.array(named, dtype=np.int64)
        self.counts.append(counts)
        self.names.append(as_names(_flat(incidents, counts)))

    def done(self) -> FindingColumns:
        statuses = self.statuses.done()
        ranks = np.array([rank_of(s) if s in STATUSES else 0 for s in statuses.values] or [0], dtype=np.int8)
        counts = np.concatenate(self.counts) if self.counts else np.zeros(0, dtype=np.int64)
        return FindingColumns(
            ranks[statuses.codes],
            self.obligation.done(),
            self.parties.done(),
            np.repeat(np.arange(len(counts), dtype=np.int32), counts),
            np.concatenate(self.names) if self.names else as_names([]),
        )


def _flat(incidents: Sequence[str], counts: npt.NDArray[np.int64]) -> Sequence[str]:
    """The ids a chunk's findings name, in order: ``incidents`` holds the id of a finding naming
    one, else the JSON array of its ids (``store.pages.MAP_FINDING_FIELDS``)."""
    arrays: list[int] = np.flatnonzero(counts != 1).tolist()
    if not arrays:
        return incidents
    parsed = dict(zip(arrays, json_arrays([incidents[k] for k in arrays]), strict=True))
    return list(itertools.chain.from_iterable(parsed.get(k, (text,)) for k, text in enumerate(incidents)))


def json_arrays(texts: Sequence[str]) -> list[list[str]]:
    """JSON arrays of strings, parsed in one call (the arrays joined into one array)."""
    parsed: list[list[str]] = json.loads("[" + ",".join(texts) + "]")
    return parsed


def run_findings(db: SQLStore, run: RunRecord) -> FindingColumns:
    """Every finding of ``run`` as columns, in the run's order."""
    parts = _FindingParts()
    map_finding_rows(db.db, run.id, parts.add)
    return parts.done()
