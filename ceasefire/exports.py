"""Findings as tables and maps for other tools: ACLED-style CSV, HXL-tagged CSV, GeoJSON.

One piece of code serves ``ceasefire verify --format csv|hxl|geojson`` (``formats.py``) and the
server's ``GET /export/findings.csv|.hxl.csv|.geojson`` (``api/exports.py``):

- a **row** is one finding: ACLED's column names for its incident (``ACLED_COLUMNS``), then the
  finding's own columns (``FINDING_COLUMNS``); the HXL CSV is the same table with a second row
  of HXL hashtags (``HXL_TAGS``, docs/exports.md says why each was chosen);
- a **feature** is one finding as an RFC 7946 point (properties: the finding's JSON fields).

Rows take a ``model.Finding`` and its incident as a mapping of ``model.Incident`` field names
(``incident_fields``), so the caller decides where incidents come from: the verifier's columnar
table or the store. A feature's properties are the finding's document (``Finding.to_document``,
or the ``document`` function the caller gives).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TextIO

from ceasefire.model import FINDING_EXPORT_COLUMNS, Finding, Incident

__all__ = [
    "ACLED_COLUMNS",
    "FINDING_COLUMNS",
    "HXL_TAGS",
    "INCIDENT_FIELDS",
    "csv_header",
    "csv_lines",
    "csv_row",
    "feature",
    "feature_collection",
    "filter_findings",
    "incident_fields",
    "rows_with_incidents",
    "spreadsheet_safe",
    "write_csv",
    "write_geojson",
]

ACLED_COLUMNS = {  # ACLED column -> Incident field ("year" is derived from the date)
    "event_id_cnty": "id",
    "event_date": "date",
    "year": "year",
    "time_precision": "date_precision",
    "event_type": "event_type",
    "sub_event_type": "sub_event_type",
    "actor1": "actor1",
    "assoc_actor_1": "assoc_actor_1",
    "actor2": "actor2",
    "assoc_actor_2": "assoc_actor_2",
    "country": "country",
    "admin1": "admin1",
    "location": "location",
    "latitude": "lat",
    "longitude": "lon",
    "geo_precision": "geo_precision",
    "source": "source_name",
    "notes": "notes",
    "fatalities": "fatalities",
    "weapon": "weapon",
}
INCIDENT_FIELDS = tuple(field for field in ACLED_COLUMNS.values() if field != "year")
FINDING_COLUMNS = FINDING_EXPORT_COLUMNS

# Column -> HXL hashtag with attributes (HXL 1.1: core hashtags only; attributes beyond the
# core ones are allowed by the tagging conventions). Numbers carry +num where HXL tools
# validate them as numbers; precision codes are not dates, so they are not tagged #date.
HXL_TAGS = {
    "event_id_cnty": "#event+id",
    "event_date": "#date+occurred",
    "year": "#date+year",
    "time_precision": "#meta+precision+date",
    "event_type": "#event+type",
    "sub_event_type": "#event+type+sub",
    "actor1": "#org+perpetrator",
    "assoc_actor_1": "#org+perpetrator+assoc",
    "actor2": "#org+target",
    "assoc_actor_2": "#org+target+assoc",
    "country": "#country+name",
    "admin1": "#adm1+name",
    "location": "#loc+name",
    "latitude": "#geo+lat",
    "longitude": "#geo+lon",
    "geo_precision": "#meta+precision+geo",
    "source": "#meta+source",
    "notes": "#description+notes",
    "fatalities": "#affected+killed",
    "weapon": "#event+weapon",
    "finding_id": "#meta+id",
    "obligation": "#indicator+obligation+code",
    "category": "#indicator+obligation+type",
    "status": "#status+finding",
    "parties": "#org+party+list",
    "attribution": "#status+attribution",
    "confidence": "#indicator+confidence+num",
    "rule": "#indicator+rule+code",
    "distance_m": "#indicator+distance+num",
    "radius_m": "#geo+radius+num",
    "explanation": "#description+finding",
}

IncidentFields = Mapping[str, object]  # Incident field name -> value, as a CSV cell shows it
Document = Callable[[Finding], Mapping[str, object]]


def incident_fields(incident: Incident) -> dict[str, object]:
    """The ACLED-column fields of ``incident``; the date is the one the source reports."""
    values = {field: getattr(incident, field) for field in INCIDENT_FIELDS}
    values["date"] = (incident.date_reported or incident.date).isoformat()
    return values


def _from_finding(finding: Finding) -> dict[str, object]:
    """Incident fields as far as the finding itself carries them (its incident is not at hand,
    e.g. a report the reader may see only through the finding)."""
    document = finding.to_document()
    names = {
        "id": finding.record,
        "source_name": finding.source,
        "date_precision": "",
        "geo_precision": "",
    }
    return {field: names.get(field, document.get(field, "")) for field in INCIDENT_FIELDS}


def csv_header(*, hxl: bool = False) -> list[list[str]]:
    """The header row, and with ``hxl`` the row of hashtags under it."""
    names = [*ACLED_COLUMNS, *FINDING_COLUMNS]
    return [names, [HXL_TAGS[name] for name in names]] if hxl else [names]


def _text(value: object) -> object:
    return "" if value is None else value


def csv_row(finding: Finding, incident: IncidentFields | None) -> list[object]:
    """One finding as a row: its incident's ACLED columns, then its own columns. ``incident``
    maps Incident field names (``incident_fields``); None: taken from the finding."""
    values = dict(incident) if incident is not None else _from_finding(finding)
    date = str(values.get("date") or finding.date.isoformat())
    values["year"] = date[:4]
    acled = [_text(values.get(field)) for field in ACLED_COLUMNS.values()]
    own = [
        finding.id,
        finding.obligation,
        finding.category,
        finding.status,
        ";".join(finding.parties),
        finding.attribution,
        finding.confidence,
        finding.rule,
        _text(finding.distance_m),
        finding.radius_m,
        finding.explanation,
    ]
    return [spreadsheet_safe(value) for value in (*acled, *own)]


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_safe(value: object) -> object:
    """``value`` as a cell a spreadsheet shows as text, never runs (issue 11: formula injection).

    A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a single
    quote in front, as OWASP's "CSV Injection" page recommends: a party's report titled
    ``=HYPERLINK(...)`` reaches analysts' spreadsheets as that text. A genuine number written
    as text (``-3.5``, ``+2``, ``-1e3``) stays as it is, and so does every non-text value.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_lines(rows: Iterable[tuple[Finding, IncidentFields | None]], *, hxl: bool = False) -> Iterator[str]:
    """The CSV text, a line at a time (for streaming answers)."""
    buffer = _LineBuffer()
    writer = csv.writer(buffer, lineterminator="\n")
    for header in csv_header(hxl=hxl):
        writer.writerow(header)
        yield buffer.take()
    for finding, incident in rows:
        writer.writerow(csv_row(finding, incident))
        yield buffer.take()


def write_csv(rows: Iterable[tuple[Finding, IncidentFields | None]], out: TextIO, *, hxl: bool = False) -> None:
    """Write the header (and hashtags, with ``hxl``) and one row per (finding, incident)."""
    for line in csv_lines(rows, hxl=hxl):
        out.write(line)


class _LineBuffer:
    """What ``csv.writer`` wrote since the last ``take``."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def take(self) -> str:
        text, self.parts = "".join(self.parts), []
        return text


def feature(finding: Finding, document: Document = Finding.to_document) -> dict[str, object]:
    """One finding as an RFC 7946 Feature: a Point at its (lon, lat), the other fields of its
    ``document`` as properties, its id as the feature's ``id``."""
    props = {key: value for key, value in document(finding).items() if key not in ("lat", "lon")}
    point = {"type": "Point", "coordinates": [finding.lon, finding.lat]}
    return {"type": "Feature", "id": finding.id, "geometry": point, "properties": props}


def feature_collection(
    findings: Iterable[Finding], agreement: str | None, document: Document = Finding.to_document
) -> dict[str, object]:
    """The FeatureCollection of ``findings``; ``agreement`` (the agreement id) is a foreign
    member, which RFC 7946 (section 6.1) allows."""
    features = [feature(f, document) for f in findings]
    return {"type": "FeatureCollection", "agreement": agreement, "features": features}


def write_geojson(findings: Iterable[Finding], agreement: str | None, out: TextIO) -> None:
    json.dump(feature_collection(findings, agreement), out, ensure_ascii=False)
    out.write("\n")


def filter_findings(
    findings: Iterable[Finding],
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    party: str | None = None,
    obligation: str | None = None,
    status: str | None = None,
) -> list[Finding]:
    """The findings that pass every given filter: date within [date_from, date_to],
    ``party`` among the finding's parties, the ``obligation`` and the ``status`` given."""
    return [
        f
        for f in findings
        if (date_from is None or f.date >= date_from)
        and (date_to is None or f.date <= date_to)
        and (party is None or party in f.parties)
        and (obligation is None or f.obligation == obligation)
        and (status is None or f.status == status)
    ]


def rows_with_incidents(
    findings: Sequence[Finding],
    incidents: Mapping[str, Incident],
) -> Iterator[tuple[Finding, IncidentFields | None]]:
    """(finding, the fields of the record it was made from (``Finding.record``) or None when that
    incident is not in ``incidents``)."""
    for f in findings:
        found = incidents.get(f.record) if f.incidents else None
        yield f, incident_fields(found) if found is not None else None
