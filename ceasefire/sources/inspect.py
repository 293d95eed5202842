"""What an events file holds, before verifying it: ``ceasefire inspect`` (issue 12).

For every events file a path holds (an archive may hold several): the format and version
detected, the encoding, the date order and why, the rows by class (incidents, without a place,
not incidents, bad rows by reason) with the first line of each, the date range, the countries and
the precision mix. Bad rows are counted, never raised: inspecting reports, ``verify`` decides.
A path that cannot be read at all (not an events file, a missing required column) gets one
``error`` line instead.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ceasefire.errors import CeasefireError
from ceasefire.model import Incident
from ceasefire.sources.formats import read_events
from ceasefire.sources.rows import BadRows, FileCounts

__all__ = ["FileReport", "inspect_files", "render_text"]

TOP_COUNTRIES = 10


@dataclass
class _Tally:
    """What the incidents of one file add up to."""

    first: dt.date | None = None
    last: dt.date | None = None
    countries: Counter[str] = field(default_factory=Counter)
    place: Counter[int] = field(default_factory=Counter)
    date: Counter[int] = field(default_factory=Counter)
    first_line: str = ""

    def add(self, incident: Incident) -> None:
        end = incident.date_end or incident.date
        self.first = incident.date if self.first is None else min(self.first, incident.date)
        self.last = end if self.last is None else max(self.last, end)
        self.countries[incident.country or "(none)"] += 1
        self.place[incident.geo_precision] += 1
        self.date[incident.date_precision] += 1
        self.first_line = self.first_line or f"{incident.file}:{incident.line}: {incident.id}"


@dataclass(frozen=True)
class FileReport:
    """One events file as ``inspect`` shows it; ``error`` set when it could not be read at all."""

    file: str
    counts: FileCounts | None = None
    tally: _Tally | None = None
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        if self.counts is None or self.tally is None:
            return {"file": self.file, "error": self.error}
        c, t = self.counts, self.tally
        return {
            "file": c.file,
            "format": c.format,
            "version": c.version,
            "encoding": c.encoding,
            "date_order": c.date_order or None,
            "date_order_why": c.date_order_why or None,
            "rows": c.incidents + c.no_place + c.not_incidents + c.bad_rows,
            "incidents": c.incidents,
            "no_place": c.no_place,
            "not_incidents": c.not_incidents,
            "bad_rows": c.bad_rows,
            "bad_rows_by_reason": dict(c.bad_rows_by_reason),
            "first": {"incidents": t.first_line or None} | {k: c.first.get(k) for k in _CLASSES},
            "date_range": [t.first.isoformat(), t.last.isoformat()] if t.first and t.last else None,
            "countries": dict(t.countries.most_common(TOP_COUNTRIES)),
            "place_precision": {str(k): n for k, n in sorted(t.place.items())},
            "date_precision": {str(k): n for k, n in sorted(t.date.items())},
        }


_CLASSES = ("no_place", "not_incidents", "bad_rows")
_FIRST = {
    "incidents": "incident",
    "no_place": "row without a place",
    "not_incidents": "row not an incident",
    "bad_rows": "bad row",
}


def inspect_files(
    paths: Iterable[str | os.PathLike[str]], *, encoding: str | None = None, sheet: str | None = None
) -> list[FileReport]:
    """A report per events file the paths hold, in order; never raises for a bad row."""
    reports: list[FileReport] = []
    for path in paths:
        reports.extend(_inspect(os.fspath(path), encoding, sheet))
    return reports


def _inspect(path: str, encoding: str | None, sheet: str | None) -> Iterator[FileReport]:
    bad_rows = BadRows(skip=True)
    tallies: dict[str, _Tally] = {}
    try:
        for incident in read_events(path, bad_rows, encoding=encoding, sheet=sheet):
            tallies.setdefault(incident.file, _Tally()).add(incident)
    except CeasefireError as error:  # a file-level problem: this path cannot be read at all
        yield FileReport(path, error=str(error))
        return
    for counts in bad_rows.files:
        yield FileReport(counts.file, counts, tallies.get(counts.file, _Tally()))


def render_text(reports: Sequence[FileReport]) -> str:
    """The reports as lines a person reads."""
    return "\n".join(line for report in reports for line in _lines(report.as_dict())) + "\n"


def _lines(r: dict[str, Any]) -> Iterator[str]:
    if "error" in r:
        yield f"{r['file']}: cannot be read: {r['error']}"
        return
    yield f"{r['file']}: {r['format']} ({r['version']}), encoding {r['encoding']}"
    yield f"  dates: {r['date_order'] or 'no day/month order'}" + (
        f" ({r['date_order_why']})" if r["date_order_why"] else ""
    )
    yield (
        f"  rows: {r['rows']}: {r['incidents']} incidents, {r['no_place']} without a place, "
        f"{r['not_incidents']} not incidents, {r['bad_rows']} bad rows"
    )
    for reason, n in r["bad_rows_by_reason"].items():
        yield f"    {n} × {reason}"
    if r["date_range"]:
        yield f"  date range: {r['date_range'][0]} to {r['date_range'][1]}"
    if r["countries"]:
        yield "  countries: " + ", ".join(f"{name} {n}" for name, n in r["countries"].items())
    yield "  place precision codes: " + _mix(r["place_precision"])
    yield "  date precision codes: " + _mix(r["date_precision"])
    for kind, line in r["first"].items():
        if line:
            yield f"  first {_FIRST[kind]}: {line}"


def _mix(counts: dict[str, int]) -> str:
    return ", ".join(f"{code}: {n}" for code, n in counts.items()) or "none"
