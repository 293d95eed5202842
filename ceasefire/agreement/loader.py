"""``load_agreement``: an agreement YAML file (schema ``ceasefire/agreement/v1``) into the model.

The whole file is checked in one pass; if anything is wrong, one ``AgreementError`` lists every
problem as ``FILE:LINE: path: message`` (docs/agreement.md). No input raises anything else.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zoneinfo
from typing import NamedTuple

from ceasefire.agreement.documents import read_yaml
from ceasefire.agreement.nodes import Node, Problems, describe
from ceasefire.agreement.rule_params import Known
from ceasefire.agreement.sections import (
    Ids,
    Labels,
    check_guarantors,
    obligation_kinds,
    read_excluded,
    read_obligations,
    read_parties,
    read_places,
    read_zones,
)
from ceasefire.agreement.times import EPOCH, read_date, read_moment, read_timezone
from ceasefire.errors import AgreementError
from ceasefire.model import Agreement, Line, Route

__all__ = ["SCHEMA", "TOP_KEYS", "load_agreement"]

SCHEMA = "ceasefire/agreement/v1"
TOP_KEYS = (
    "schema",
    "id",
    "title",
    "signed",
    "effective",
    "expires",
    "timezone",
    "parties",
    "excluded",
    "zones",
    "routes",
    "lines",
    "obligations",
    "source_grades",
)
# Kinds of source an agreement may grade (linking.grades.DEFAULT_GRADES holds the defaults).
SOURCE_KINDS = ("monitor", "geojson", "acled", "ucdp", "gdelt", "news", "report", "party")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")


def load_agreement(path: str | os.PathLike[str]) -> Agreement:
    """Read and validate the agreement at ``path``.

    Returns a fully checked ``Agreement`` (aware datetimes, shapely geometries, resolved
    references). Raises ``AgreementError`` listing every problem, one ``FILE:LINE: message``
    each, with FILE as given; that is the only exception any file content can cause.
    """
    file = os.fspath(path)
    problems = Problems()
    doc = read_yaml(file, problems)
    agreement = None if doc is None else _read(Node(doc, problems, (), doc.data), file)
    if agreement is None or len(problems):
        raise AgreementError(problems.lines())
    return agreement


class _Header(NamedTuple):
    id: str
    title: str
    timezone: str
    zone: zoneinfo.ZoneInfo | None
    effective: dt.datetime | None
    expires: dt.datetime | None
    signed: dt.date | None


def _read(root: Node, file: str) -> Agreement | None:
    """The agreement at ``root`` (a whole document); ``None`` when it is not even a mapping."""
    if root.value is None:
        root.problem(f"the file is empty; an agreement starts with 'schema: {SCHEMA}'")
        return None
    if root.as_mapping(f"a mapping with keys such as schema, id, parties (schema {SCHEMA})") is None:
        return None
    root.check_keys(TOP_KEYS, "top-level key")
    header = _read_header(root)
    ids, labels = Ids("party or excluded group"), Labels()
    parties = read_parties(root, ids, labels)
    excluded = read_excluded(root, ids, labels)
    zones = read_zones(root, file)
    routes = read_places(root, "routes", file, Route)
    lines = read_places(root, "lines", file, Line)
    known = Known(  # ids that were missing are "" here: leave them out
        parties={party.id for party in parties} - {""},
        excluded={group.id for group in excluded} - {""},
        zones={zone.id for zone in zones} - {""},
        routes={route.id for route in routes} - {""},
        lines={line.id for line in lines} - {""},
        obligations=obligation_kinds(root),
    )
    check_guarantors(root, set(known.parties), set(known.excluded))
    return Agreement(
        id=header.id,
        title=header.title,
        effective=header.effective or EPOCH,
        timezone=header.timezone,
        parties=parties,
        excluded=excluded,
        zones=zones,
        routes=routes,
        lines=lines,
        obligations=read_obligations(root, known, header.zone, header.effective),
        signed=header.signed,
        expires=header.expires,
        source=file,
        source_grades=_source_grades(root),
    )


def _source_grades(root: Node) -> tuple[tuple[str, str], ...]:
    """``source_grades``: a mapping of source kind -> Admiralty reliability letter A-F (issue 13)."""
    node = root.field("source_grades", False)
    if node is None or node.as_mapping("a mapping of source kind to a grade A-F, e.g. {news: C}") is None:
        return ()
    node.check_keys(SOURCE_KINDS, "source kind")
    grades = []
    for kind in SOURCE_KINDS:
        letter = node.text(kind, required=False)
        if letter is None:
            continue
        if letter not in ("A", "B", "C", "D", "E", "F"):
            node.at(kind).problem(f"expected a reliability grade A-F (A: completely reliable), got {letter!r}")
            continue
        grades.append((kind, letter))
    return tuple(grades)


def _read_header(root: Node) -> _Header:
    """The scalar keys: schema, id, title, timezone, effective, expires, signed."""
    schema = root.text("schema")
    if schema is not None and schema != SCHEMA:
        root.at("schema").problem(
            f"expected '{SCHEMA}', got {describe(schema)}; this version of ceasefire reads only that schema"
        )
    agreement_id = root.text("id")
    if agreement_id is not None and not _SLUG.fullmatch(agreement_id):
        root.at("id").problem(
            f"{describe(agreement_id)} is not a slug: use lowercase letters, digits and hyphens, e.g. syria-2016-09"
        )
    title = root.text("title")
    zone = read_timezone(root)
    effective = read_moment(root, "effective", zone, required=True)
    expires = read_moment(root, "expires", zone)
    if effective is not None and expires is not None and expires <= effective:
        root.at("expires").problem(f"must be after effective ({effective.isoformat()}), got {expires.isoformat()}")
    return _Header(
        id=agreement_id or "",
        title=title or "",
        timezone=zone.key if zone is not None else "",
        zone=zone,
        effective=effective,
        expires=expires,
        signed=read_date(root, "signed"),
    )
