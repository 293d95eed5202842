"""The agreement loader: every problem reported as FILE:LINE, valid files into the model.

Most bad-input cases start from ``BASE``, a valid agreement with one top-level key per line
(flow style), and replace one line; so the expected line of a problem is the line of that key.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import subprocess
import sys
import tempfile
import zoneinfo
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ceasefire import model
from ceasefire.agreement import SCHEMA, load_agreement
from ceasefire.agreement.documents import read_yaml
from ceasefire.agreement.loader import TOP_KEYS
from ceasefire.agreement.nodes import Problems
from ceasefire.agreement.rule_params import PARAMETERS
from ceasefire.agreement.sections import (
    EXCLUDED_KEYS,
    OBLIGATION_KEYS,
    PARTY_KEYS,
    PLACE_KEYS,
    ZONE_KEYS,
)
from ceasefire.cli import app
from ceasefire.errors import AgreementError

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "agreements"
BAD = DATA / "bad"
VALID_FIXTURES = [DATA / "full.yaml", DATA / "minimal.yaml"]
SCHEMA_FILE = ROOT / "docs" / "agreement.schema.json"
PROBLEM_LINE = re.compile(r"^.+:\d+: \S.*$")

SQUARE = "{type: Polygon, coordinates: [[[36, 36], [37, 36], [37, 37], [36, 36]]]}"
BASE: dict[str, str] = {  # key -> flow-style value; the n-th key is on line n
    "schema": SCHEMA,
    "id": "test",
    "title": "Test agreement",
    "signed": "2016-09-09",
    "effective": "2016-09-12T19:00:00+03:00",
    "expires": "null",
    "timezone": "Asia/Damascus",
    "parties": "[{id: gov, name: Government, aliases: [Syrian army], aircraft: true}, "
    "{id: opp, name: Opposition, guarantor: gov}]",
    "excluded": "[{id: isis, name: Islamic State, aliases: [Daesh]}]",
    "zones": f"[{{id: z1, kind: designated_area, geometry: {SQUARE}}}]",
    "routes": "[{id: r1, geometry: {type: LineString, coordinates: [[36, 36], [37, 37]]}}]",
    "lines": "[{id: l1, geometry: {type: LineString, coordinates: [[36, 35], [37, 35]]}}]",
    "obligations": "[{id: o1, category: cessation_of_hostilities, text: Stop, bound: [gov, opp], "
    "rule: {kind: no_attacks}}]",
}
LINE = {key: number for number, key in enumerate(BASE, start=1)}
EXTRA = len(BASE) + 1  # the line of the first extra line


def render(overrides: dict[str, str | None], extra: str = "") -> str:
    """BASE with values replaced; ``None`` comments a key out, keeping the line numbers."""
    lines = []
    for key, default in BASE.items():
        value = overrides.get(key, default)
        lines.append(f"# {key} left out" if value is None else f"{key}: {value}")
    return "\n".join(lines) + "\n" + extra


def obligation(rule: str = "{kind: no_attacks}", **fields: str) -> str:
    """An ``obligations`` value holding one obligation (o1), fields replaced or added."""
    values = {"id": "o1", "category": "withdrawal", "text": "T", "bound": "[gov]", "rule": rule}
    values.update(fields)
    body = ", ".join(f"{key}: {value}" for key, value in values.items() if value != "-")
    return f"[{{{body}}}]"


def zone(**fields: str) -> str:
    values = {"id": "z1", "kind": "designated_area", "geometry": SQUARE}
    values.update(fields)
    body = ", ".join(f"{key}: {value}" for key, value in values.items() if value != "-")
    return f"[{{{body}}}]"


def polygon(coordinates: str) -> str:
    return zone(geometry=f"{{type: Polygon, coordinates: {coordinates}}}")


def problems(path: Path) -> list[str]:
    """The problem lines ``load_agreement`` raises for ``path`` (failing if it loads)."""
    with pytest.raises(AgreementError) as raised:
        load_agreement(path)
    assert raised.value.problems, "an AgreementError must list its problems"
    assert str(raised.value).splitlines() == raised.value.problems
    return raised.value.problems


def assert_reported(found: list[str], prefix: str, phrase: str) -> None:
    hits = [line for line in found if line.startswith(prefix) and phrase in line]
    assert hits, f"no problem starting {prefix!r} containing {phrase!r} in:\n" + "\n".join(found)


def write(tmp_path: Path, text: str, name: str = "agreement.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# (id, overrides of BASE, extra lines, line, path in the message, key phrase)
CASES: list[tuple[str, dict[str, str | None], str, int, str, str]] = [
    # top level
    ("schema-missing", {"schema": None}, "", 1, "", "missing required key 'schema'"),
    (
        "schema-wrong",
        {"schema": "ceasefire/agreement/v2"},
        "",
        LINE["schema"],
        "schema",
        "expected 'ceasefire/agreement/v1'",
    ),
    ("id-not-slug", {"id": "Test_Agreement"}, "", LINE["id"], "id", "is not a slug"),
    ("id-number", {"id": "2016"}, "", LINE["id"], "id", "expected a string, got 2016"),
    ("title-missing", {"title": None}, "", 1, "", "missing required key 'title'"),
    ("title-blank", {"title": "' '"}, "", LINE["title"], "title", "must not be empty"),
    ("title-null", {"title": "null"}, "", LINE["title"], "title", "required but empty"),
    ("unknown-top-key", {}, "obligation: []\n", EXTRA, "obligation", "did you mean 'obligations'?"),
    ("key-with-line-break", {}, '"obligations\\n": []\n', EXTRA, "['obligations\\n']", "unknown top-level key"),
    ("obligations-missing", {"obligations": None}, "", 1, "", "missing required key 'obligations'"),
    # times
    (
        "timezone-unknown",
        {"timezone": "Asia/Damascas"},
        "",
        LINE["timezone"],
        "timezone",
        "did you mean 'Asia/Damascus'?",
    ),
    ("timezone-nonsense", {"timezone": "../etc/passwd"}, "", LINE["timezone"], "timezone", "unknown timezone"),
    ("effective-text", {"effective": "soon"}, "", LINE["effective"], "effective", "expected a date-time"),
    ("effective-no-such-day", {"effective": "2016-02-30"}, "", LINE["effective"], "effective", "got '2016-02-30'"),
    ("effective-number", {"effective": "2016"}, "", LINE["effective"], "effective", "got 2016"),
    ("signed-datetime", {"signed": "2016-09-09T10:00:00"}, "", LINE["signed"], "signed", "expected a date such as"),
    ("expires-before", {"expires": "2016-09-01"}, "", LINE["expires"], "expires", "must be after effective"),
    (
        "until-before-from",
        {"obligations": obligation(**{"from": "2016-09-20", "until": "2016-09-19"})},
        "",
        LINE["obligations"],
        "obligations[0].until",
        "must be after from",
    ),
    (
        "until-before-effective",
        {"obligations": obligation(until="2016-09-12T18:00:00+03:00")},
        "",
        LINE["obligations"],
        "obligations[0].until",
        "must be after effective",
    ),
    (
        "from-not-date",
        {"obligations": obligation(**{"from": "[1]"})},
        "",
        LINE["obligations"],
        "obligations[0].from",
        "expected a date-time",
    ),
    # parties and excluded groups
    ("parties-empty", {"parties": "[]"}, "", LINE["parties"], "parties", "list at least one party"),
    (
        "parties-mapping",
        {"parties": "{id: gov, name: G}"},
        "",
        LINE["parties"],
        "parties",
        "expected a list, got a mapping",
    ),
    ("party-not-mapping", {"parties": "[gov]"}, "", LINE["parties"], "parties[0]", "expected a party"),
    (
        "party-name-missing",
        {"parties": "[{id: gov}]"},
        "",
        LINE["parties"],
        "parties[0]",
        "missing required key 'name'",
    ),
    ("party-id-missing", {"parties": "[{name: G}]"}, "", LINE["parties"], "parties[0]", "missing required key 'id'"),
    (
        "party-id-spaces",
        {"parties": "[{id: the gov, name: G}]"},
        "",
        LINE["parties"],
        "parties[0].id",
        "is not a valid id",
    ),
    (
        "party-aircraft-yes",
        {"parties": "[{id: gov, name: G, aircraft: yes}]"},
        "",
        LINE["parties"],
        "parties[0].aircraft",
        "expected true or false, got 'yes'",
    ),
    (
        "party-aircraft-int",
        {"parties": "[{id: gov, name: G, aircraft: 1}]"},
        "",
        LINE["parties"],
        "parties[0].aircraft",
        "expected true or false, got 1",
    ),
    (
        "party-aliases-string",
        {"parties": "[{id: gov, name: G, aliases: Army}]"},
        "",
        LINE["parties"],
        "parties[0].aliases",
        "expected a list, got 'Army'",
    ),
    (
        "party-alias-empty",
        {"parties": "[{id: gov, name: G, aliases: [Army, '  ']}]"},
        "",
        LINE["parties"],
        "parties[0].aliases[1]",
        "must not be empty",
    ),
    (
        "party-alias-list",
        {"parties": "[{id: gov, name: G, aliases: [[Army]]}]"},
        "",
        LINE["parties"],
        "parties[0].aliases[0]",
        "expected a string, got a list",
    ),
    (
        "party-side-list",
        {"parties": "[{id: gov, name: G, side: [a]}]"},
        "",
        LINE["parties"],
        "parties[0].side",
        "expected a string",
    ),
    (
        "party-unknown-key",
        {"parties": "[{id: gov, name: G, alias: [Army]}]"},
        "",
        LINE["parties"],
        "parties[0].alias",
        "did you mean 'aliases'?",
    ),
    (
        "guarantor-unknown",
        {"parties": "[{id: gov, name: G, guarantor: rusia}, {id: russia, name: R}]"},
        "",
        LINE["parties"],
        "parties[0].guarantor",
        "unknown party 'rusia' (did you mean 'russia'?",
    ),
    (
        "guarantor-after-bad-entry",
        {"parties": "[gov, {id: opp, name: O, guarantor: nobody}]"},
        "",
        LINE["parties"],
        "parties[1].guarantor",
        "unknown party 'nobody'",
    ),
    (
        "guarantor-excluded",
        {"parties": "[{id: gov, name: G, guarantor: isis}]"},
        "",
        LINE["parties"],
        "parties[0].guarantor",
        "'isis' is an excluded group",
    ),
    (
        "guarantor-self",
        {"parties": "[{id: gov, name: G, guarantor: gov}]"},
        "",
        LINE["parties"],
        "parties[0].guarantor",
        "its own guarantor",
    ),
    (
        "party-duplicate-id",
        {"parties": "[{id: gov, name: G}, {id: gov, name: H}]"},
        "",
        LINE["parties"],
        "parties[1].id",
        "duplicate party or excluded group id 'gov', first used at line 8",
    ),
    (
        "excluded-duplicates-party",
        {"excluded": "[{id: opp, name: Other}]"},
        "",
        LINE["excluded"],
        "excluded[0].id",
        "first used at line 8 (parties[1].id)",
    ),
    ("excluded-not-list", {"excluded": "isis"}, "", LINE["excluded"], "excluded", "expected a list, got 'isis'"),
    (
        "excluded-unknown-key",
        {"excluded": "[{id: isis, name: IS, side: x}]"},
        "",
        LINE["excluded"],
        "excluded[0].side",
        "unknown key",
    ),
    (
        "alias-on-two-entries",
        {"excluded": "[{id: isis, name: IS, aliases: [' SYRIAN Army']}]"},
        "",
        LINE["excluded"],
        "excluded[0].aliases[0]",
        "'SYRIAN Army' also names parties[0] 'gov' (line 8)",
    ),
    (
        "alias-is-other-name",
        {"excluded": "[{id: isis, name: IS, aliases: [opposition]}]"},
        "",
        LINE["excluded"],
        "excluded[0].aliases[0]",
        "also names parties[1] 'opp'",
    ),
    # zones, routes, lines and their geometry
    (
        "zone-kind-unknown",
        {"zones": zone(kind="buffer_zone")},
        "",
        LINE["zones"],
        "zones[0].kind",
        "unknown zone kind 'buffer_zone'",
    ),
    ("zone-kind-missing", {"zones": zone(kind="-")}, "", LINE["zones"], "zones[0]", "missing required key 'kind'"),
    (
        "zone-no-geometry",
        {"zones": zone(geometry="-")},
        "",
        LINE["zones"],
        "zones[0]",
        "needs 'geometry' (inline GeoJSON) or 'file'",
    ),
    (
        "zone-geometry-and-file",
        {"zones": zone(file="z.geojson")},
        "",
        LINE["zones"],
        "zones[0].file",
        "either 'geometry' or 'file', not both",
    ),
    (
        "zone-duplicate-id",
        {"zones": f"[{{id: z1, kind: other, geometry: {SQUARE}}}, {{id: z1, kind: other, geometry: {SQUARE}}}]"},
        "",
        LINE["zones"],
        "zones[1].id",
        "duplicate zone id 'z1', first used at line 10",
    ),
    (
        "zone-unknown-key",
        {"zones": zone(geometery=SQUARE)},
        "",
        LINE["zones"],
        "zones[0].geometery",
        "did you mean 'geometry'?",
    ),
    (
        "zone-file-missing",
        {"zones": zone(geometry="-", file="zones/nowhere.geojson")},
        "",
        LINE["zones"],
        "zones[0].file",
        "zones/nowhere.geojson: file not found",
    ),
    (
        "geometry-not-mapping",
        {"zones": zone(geometry="[1, 2]")},
        "",
        LINE["zones"],
        "zones[0].geometry",
        "expected a GeoJSON geometry",
    ),
    (
        "geometry-point",
        {"zones": zone(geometry="{type: Point, coordinates: [36, 36]}")},
        "",
        LINE["zones"],
        "zones[0].geometry.type",
        "expected type Polygon or MultiPolygon, got 'Point'",
    ),
    (
        "geometry-no-coordinates",
        {"zones": zone(geometry="{type: Polygon}")},
        "",
        LINE["zones"],
        "zones[0].geometry",
        "missing required key 'coordinates'",
    ),
    (
        "geometry-unknown-key",
        {"zones": zone(geometry="{type: Polygon, coordinates: [[[36, 36], [37, 36], [37, 37], [36, 36]]], crs: x}")},
        "",
        LINE["zones"],
        "zones[0].geometry.crs",
        "unknown geometry key",
    ),
    (
        "coordinates-not-numbers",
        {"zones": polygon("[[[36, 36], [37, x], [37, 37], [36, 36]]]")},
        "",
        LINE["zones"],
        "zones[0].geometry.coordinates[0][1]",
        "coordinates must be numbers, got [37, 'x']",
    ),
    (
        "coordinates-bool",
        {"zones": polygon("[[[36, 36], [true, 36], [37, 37], [36, 36]]]")},
        "",
        LINE["zones"],
        "zones[0].geometry.coordinates[0][1]",
        "must be numbers",
    ),
    (
        "coordinates-not-position",
        {"zones": polygon("[[[36, 36], 37, [37, 37], [36, 36]]]")},
        "",
        LINE["zones"],
        "zones[0].geometry.coordinates[0][1]",
        "expected a position [longitude, latitude], got 37",
    ),
    (
        "longitude-out-of-range",
        {"zones": polygon("[[[36, 36], [181, 36], [37, 37], [36, 36]]]")},
        "",
        LINE["zones"],
        "zones[0].geometry.coordinates[0][1]",
        "longitude 181 is outside [-180, 180]",
    ),
    (
        "latitude-out-of-range",
        {"zones": polygon("[[[36, 36], [37, -91], [37, 37], [36, 36]]]")},
        "",
        LINE["zones"],
        "zones[0].geometry.coordinates[0][1]",
        "latitude -91 is outside [-90, 90]",
    ),
    (
        "latitude-swapped",
        {"zones": polygon("[[[36, 36], [36, 120], [37, 37], [36, 36]]]")},
        "",
        LINE["zones"],
        "zones[0].geometry.coordinates[0][1]",
        "longitude first",
    ),
    (
        "coordinate-nan",
        {"zones": polygon("[[[36, 36], [.nan, 36], [37, 37], [36, 36]]]")},
        "",
        LINE["zones"],
        "zones[0].geometry.coordinates[0][1]",
        "longitude nan is outside",
    ),
    (
        "ring-not-closed",
        {"zones": polygon("[[[36, 36], [37, 36], [37, 37], [36, 37]]]")},
        "",
        LINE["zones"],
        "zones[0].geometry.coordinates[0]",
        "ring is not closed",
    ),
    (
        "ring-too-short",
        {"zones": polygon("[[[36, 36], [37, 36], [36, 36]]]")},
        "",
        LINE["zones"],
        "zones[0].geometry.coordinates[0]",
        "at least 4 positions",
    ),
    (
        "polygon-no-rings",
        {"zones": polygon("[]")},
        "",
        LINE["zones"],
        "zones[0].geometry.coordinates",
        "at least one ring",
    ),
    (
        "polygon-self-intersecting",
        {"zones": polygon("[[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]")},
        "",
        LINE["zones"],
        "zones[0].geometry.coordinates",
        "invalid Polygon: Self-intersection at longitude 0.5, latitude 0.5",
    ),
    (
        "hole-outside-shell",
        {"zones": polygon("[[[0, 0], [1, 0], [1, 1], [0, 0]], [[5, 5], [6, 5], [6, 6], [5, 5]]]")},
        "",
        LINE["zones"],
        "zones[0].geometry.coordinates",
        "Hole lies outside shell",
    ),
    (
        "multipolygon-overlap",
        {
            "zones": zone(
                geometry="{type: MultiPolygon, coordinates: [[[[0, 0], [2, 0], [2, 2], [0, 0]]], [[[1, 0], [3, 0], [3, 2], [1, 0]]]]}"
            )
        },
        "",
        LINE["zones"],
        "zones[0].geometry.coordinates",
        "invalid MultiPolygon",
    ),
    (
        "line-one-point",
        {"routes": "[{id: r1, geometry: {type: LineString, coordinates: [[36, 36]]}}]"},
        "",
        LINE["routes"],
        "routes[0].geometry.coordinates",
        "a line needs at least 2 positions, got 1",
    ),
    (
        "line-repeated-point",
        {"lines": "[{id: l1, geometry: {type: LineString, coordinates: [[36, 36], [36, 36]]}}]"},
        "",
        LINE["lines"],
        "lines[0].geometry.coordinates",
        "invalid LineString: Too few points",
    ),
    (
        "multiline-empty-part",
        {"lines": "[{id: l1, geometry: {type: MultiLineString, coordinates: [[[36, 36], [37, 36]], []]}}]"},
        "",
        LINE["lines"],
        "lines[0].geometry.coordinates[1]",
        "at least 2 positions, got 0",
    ),
    (
        "route-polygon",
        {"routes": f"[{{id: r1, geometry: {SQUARE}}}]"},
        "",
        LINE["routes"],
        "routes[0].geometry.type",
        "expected type LineString or MultiLineString, got 'Polygon'",
    ),
    (
        "route-duplicate-id",
        {"routes": "[{id: r1, file: a.geojson}, {id: r1, file: b.geojson}]"},
        "",
        LINE["routes"],
        "routes[1].id",
        "duplicate route id 'r1'",
    ),
    (
        "line-unknown-key",
        {"lines": "[{id: l1, kind: other, geometry: {type: LineString, coordinates: [[36, 35], [37, 35]]}}]"},
        "",
        LINE["lines"],
        "lines[0].kind",
        "unknown key",
    ),
    # obligations
    (
        "obligation-not-mapping",
        {"obligations": "[o1]"},
        "",
        LINE["obligations"],
        "obligations[0]",
        "expected an obligation",
    ),
    (
        "obligation-category-unknown",
        {"obligations": obligation(category="ceasefire")},
        "",
        LINE["obligations"],
        "obligations[0].category",
        "unknown category 'ceasefire'",
    ),
    (
        "obligation-text-missing",
        {"obligations": obligation(text="-")},
        "",
        LINE["obligations"],
        "obligations[0]",
        "missing required key 'text'",
    ),
    (
        "obligation-unknown-key",
        {"obligations": obligation(start="2016-09-13")},
        "",
        LINE["obligations"],
        "obligations[0].start",
        "unknown key",
    ),
    (
        "obligation-duplicate-id",
        {
            "obligations": "[{id: o1, category: withdrawal, text: T, bound: [gov]}, {id: o1, category: withdrawal, text: T, bound: [gov]}]"
        },
        "",
        LINE["obligations"],
        "obligations[1].id",
        "duplicate obligation id 'o1'",
    ),
    (
        "bound-unknown",
        {"obligations": obligation(bound="[gov, novorossiya]")},
        "",
        LINE["obligations"],
        "obligations[0].bound[1]",
        "unknown party 'novorossiya' (known: gov, opp)",
    ),
    (
        "bound-excluded",
        {"obligations": obligation(bound="[gov, isis]")},
        "",
        LINE["obligations"],
        "obligations[0].bound[1]",
        "'isis' is an excluded group, not a party",
    ),
    (
        "bound-empty",
        {"obligations": obligation(bound="[]")},
        "",
        LINE["obligations"],
        "obligations[0].bound",
        "list at least one party",
    ),
    (
        "bound-string",
        {"obligations": obligation(bound="gov")},
        "",
        LINE["obligations"],
        "obligations[0].bound",
        "expected a list, got 'gov'",
    ),
    # rules
    (
        "rule-not-mapping",
        {"obligations": obligation(rule="no_attacks")},
        "",
        LINE["obligations"],
        "obligations[0].rule",
        "expected a rule such as {kind: no_attacks}",
    ),
    (
        "rule-kind-missing",
        {"obligations": obligation(rule="{zones: [z1]}")},
        "",
        LINE["obligations"],
        "obligations[0].rule",
        "missing required key 'kind'",
    ),
    (
        "rule-kind-unknown",
        {"obligations": obligation(rule="{kind: no_atacks}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.kind",
        "did you mean 'no_attacks'?",
    ),
    (
        "rule-parameter-unknown",
        {"obligations": obligation(rule="{kind: no_attacks, distance_m: 5}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.distance_m",
        "unknown parameter for rule kind 'no_attacks'",
    ),
    (
        "no-attacks-zone-unknown",
        {"obligations": obligation(rule="{kind: no_attacks, zones: [z2]}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.zones[0]",
        "unknown zone 'z2'",
    ),
    (
        "no-attacks-event-types-string",
        {"obligations": obligation(rule="{kind: no_attacks, event_types: Battles}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.event_types",
        "expected a list, got 'Battles'",
    ),
    (
        "no-attacks-sub-event-types-number",
        {"obligations": obligation(rule="{kind: no_attacks, sub_event_types: [3]}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.sub_event_types[0]",
        "expected a string, got 3",
    ),
    (
        "no-air-strikes-zones-missing",
        {"obligations": obligation(rule="{kind: no_air_strikes}")},
        "",
        LINE["obligations"],
        "obligations[0].rule",
        "rule kind 'no_air_strikes' needs 'zones'",
    ),
    (
        "no-air-strikes-zones-empty",
        {"obligations": obligation(rule="{kind: no_air_strikes, zones: []}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.zones",
        "needs at least one entry",
    ),
    (
        "no-air-strikes-route-id",
        {"obligations": obligation(rule="{kind: no_air_strikes, zones: [r1]}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.zones[0]",
        "unknown zone 'r1'",
    ),
    (
        "keep-clear-no-target",
        {"obligations": obligation(rule="{kind: keep_clear, distance_m: 500}")},
        "",
        LINE["obligations"],
        "obligations[0].rule",
        "needs one of 'route', 'zone' or 'line'",
    ),
    (
        "keep-clear-two-targets",
        {"obligations": obligation(rule="{kind: keep_clear, route: r1, line: l1, distance_m: 500}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.line",
        "give only one of 'route', 'zone' or 'line'",
    ),
    (
        "keep-clear-no-distance",
        {"obligations": obligation(rule="{kind: keep_clear, route: r1}")},
        "",
        LINE["obligations"],
        "obligations[0].rule",
        "needs one of 'distance_m' or 'weapons'",
    ),
    (
        "keep-clear-both-distances",
        {"obligations": obligation(rule="{kind: keep_clear, route: r1, distance_m: 5, weapons: {tank: 5}}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.weapons",
        "give only one of 'distance_m' or 'weapons'",
    ),
    (
        "keep-clear-route-unknown",
        {"obligations": obligation(rule="{kind: keep_clear, route: castello, distance_m: 5}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.route",
        "unknown route 'castello' (known: r1)",
    ),
    (
        "keep-clear-line-is-zone",
        {"obligations": obligation(rule="{kind: keep_clear, line: z1, distance_m: 5}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.line",
        "unknown line 'z1'",
    ),
    (
        "keep-clear-zone-unknown",
        {"obligations": obligation(rule="{kind: keep_clear, zone: z9, distance_m: 5}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.zone",
        "unknown zone 'z9'",
    ),
    (
        "keep-clear-distance-negative",
        {"obligations": obligation(rule="{kind: keep_clear, route: r1, distance_m: -5}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.distance_m",
        "must be a positive number of metres, got -5",
    ),
    (
        "keep-clear-distance-text",
        {"obligations": obligation(rule="{kind: keep_clear, route: r1, distance_m: 3.5 km}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.distance_m",
        "expected a number of metres, got '3.5 km'",
    ),
    (
        "keep-clear-distance-bool",
        {"obligations": obligation(rule="{kind: keep_clear, route: r1, distance_m: true}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.distance_m",
        "expected a number of metres, got true",
    ),
    (
        "keep-clear-weapons-list",
        {"obligations": obligation(rule="{kind: keep_clear, route: r1, weapons: [tank]}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.weapons",
        "expected a mapping of weapon class to metres",
    ),
    (
        "keep-clear-weapons-empty",
        {"obligations": obligation(rule="{kind: keep_clear, route: r1, weapons: {}}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.weapons",
        "list at least one weapon class",
    ),
    (
        "keep-clear-weapon-unknown",
        {"obligations": obligation(rule="{kind: keep_clear, route: r1, weapons: {tanks: 500}}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.weapons.tanks",
        "unknown weapon class 'tanks' (did you mean 'tank'?",
    ),
    (
        "keep-clear-weapon-zero",
        {"obligations": obligation(rule="{kind: keep_clear, route: r1, weapons: {tank: 0}}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.weapons.tank",
        "must be a positive number of metres",
    ),
    (
        "no-territorial-gains-zone-unknown",
        {"obligations": obligation(rule="{kind: no_territorial_gains, zones: [z2]}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.zones[0]",
        "unknown zone 'z2'",
    ),
    (
        "no-territorial-gains-parameter",
        {"obligations": obligation(rule="{kind: no_territorial_gains, routes: [r1]}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.routes",
        "unknown parameter for rule kind 'no_territorial_gains'",
    ),
    (
        "humanitarian-route-unknown",
        {"obligations": obligation(rule="{kind: humanitarian_access, routes: [r2]}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.routes[0]",
        "unknown route 'r2'",
    ),
    (
        "humanitarian-distance-zero",
        {"obligations": obligation(rule="{kind: humanitarian_access, distance_m: 0}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.distance_m",
        "must be a positive number",
    ),
    (
        "condition-over-missing",
        {"obligations": obligation(rule="{kind: condition, consecutive_days: 7}")},
        "",
        LINE["obligations"],
        "obligations[0].rule",
        "rule kind 'condition' needs 'over'",
    ),
    (
        "condition-days-missing",
        {
            "obligations": obligation(rule="{kind: condition, over: [o2]}")[:-1]
            + ", {id: o2, category: withdrawal, text: T, bound: [gov], rule: {kind: no_attacks}}]"
        },
        "",
        LINE["obligations"],
        "obligations[0].rule",
        "needs 'consecutive_days'",
    ),
    (
        "condition-over-self",
        {"obligations": obligation(rule="{kind: condition, over: [o1], consecutive_days: 7}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.over[0]",
        "cannot count its own obligation",
    ),
    (
        "condition-over-unknown",
        {"obligations": obligation(rule="{kind: condition, over: [o9], consecutive_days: 7}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.over[0]",
        "unknown obligation 'o9'",
    ),
    (
        "condition-over-empty",
        {"obligations": obligation(rule="{kind: condition, over: [], consecutive_days: 7}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.over",
        "needs at least one entry",
    ),
    (
        "condition-over-condition",
        {
            "obligations": obligation(rule="{kind: condition, over: [o2], consecutive_days: 7}")[:-1]
            + ", {id: o2, category: coordination, text: T, bound: [gov], rule: {kind: condition, over: [o1], consecutive_days: 1}}]"
        },
        "",
        LINE["obligations"],
        "obligations[0].rule.over[0]",
        "'o2' is itself a condition",
    ),
    (
        "condition-over-no-rule",
        {
            "obligations": obligation(rule="{kind: condition, over: [o2], consecutive_days: 7}")[:-1]
            + ", {id: o2, category: coordination, text: T, bound: [gov]}]"
        },
        "",
        LINE["obligations"],
        "obligations[0].rule.over[0]",
        "'o2' has no rule",
    ),
    (
        "condition-max-negative",
        {"obligations": obligation(rule="{kind: condition, over: [o1], max_per_day: -1, consecutive_days: 7}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.max_per_day",
        "must be >= 0, got -1",
    ),
    (
        "condition-max-float",
        {"obligations": obligation(rule="{kind: condition, over: [o1], max_per_day: 1.5, consecutive_days: 7}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.max_per_day",
        "expected a whole number >= 0, got 1.5",
    ),
    (
        "condition-days-zero",
        {"obligations": obligation(rule="{kind: condition, over: [o1], consecutive_days: 0}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.consecutive_days",
        "must be >= 1, got 0",
    ),
    (
        "condition-days-bool",
        {"obligations": obligation(rule="{kind: condition, over: [o1], consecutive_days: true}")},
        "",
        LINE["obligations"],
        "obligations[0].rule.consecutive_days",
        "expected a whole number >= 1, got true",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "extra", "line", "where", "phrase"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_agreement_reports_file_line_and_what(
    tmp_path: Path, overrides: dict[str, str | None], extra: str, line: int, where: str, phrase: str
) -> None:
    path = write(tmp_path, render(overrides, extra))
    prefix = f"{path}:{line}: " + (f"{where}: " if where else "")
    assert_reported(problems(path), prefix, phrase)


def test_base_agreement_is_valid(tmp_path: Path) -> None:
    """The cases above each break exactly what they name: BASE itself loads."""
    path = write(tmp_path, render({}))
    agreement = load_agreement(path)
    assert [party.id for party in agreement.parties] == ["gov", "opp"]
    jsonschema.Draft202012Validator(schema()).validate(yaml_data(path))


# (id, file content, line, key phrase): files that are not even an agreement mapping
RAW_CASES: list[tuple[str, bytes, int, str]] = [
    ("empty", b"", 1, "the file is empty"),
    ("only-comments", b"# nothing\n", 1, "the file is empty"),
    ("top-level-list", b"- schema: x\n", 1, "expected a mapping with keys such as schema"),
    ("top-level-scalar", b"just words\n", 1, "got 'just words'"),
    ("unclosed-flow", b"schema: x\nparties: [a, b\nid: y\n", 3, "YAML syntax error"),
    ("bad-indentation", b"schema: x\nparties:\n  - id: a\n name: b\n", 4, "YAML syntax error"),
    ("tab-indentation", b"schema: x\nparties:\n\t- id: a\n", 3, "YAML syntax error"),
    ("duplicate-key", b"schema: x\nid: a\nid: b\n", 3, 'duplicate key "id"'),
    ("undefined-alias", b"schema: x\nid: *nothing\n", 2, "undefined alias"),
    ("two-documents", b"schema: x\n---\nid: y\n", 2, "expected a single document"),
    ("not-utf8", b"schema: x\nid: \xff\xfe\n", 2, "not UTF-8"),
    ("control-character", b"schema: x\x07\n", 1, "YAML syntax error"),
    ("deep-nesting", b"[" * 5000, 1, "YAML syntax error"),
]


@pytest.mark.parametrize(("content", "line", "phrase"), [case[1:] for case in RAW_CASES], ids=[c[0] for c in RAW_CASES])
def test_unreadable_agreement_reports_file_line(tmp_path: Path, content: bytes, line: int, phrase: str) -> None:
    path = tmp_path / "agreement.yaml"
    path.write_bytes(content)
    assert_reported(problems(path), f"{path}:{line}: ", phrase)


@pytest.mark.parametrize("name", ["missing.yaml", "."], ids=["missing-file", "directory"])
def test_file_that_cannot_be_opened(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    assert_reported(problems(path), f"{path}:1: ", f"cannot read {path}")


# (id, GeoJSON fixture in tests/data/agreements/bad, line in it, path in the message, phrase)
GEOJSON_CASES = [
    ("ring-not-closed", "open-ring.geojson", 2, "zones[0].file: geometry.coordinates[0]", "ring is not closed"),
    ("not-json", "not-json.geojson", 2, "zones[0].file", "not valid JSON: Expecting ',' delimiter"),
    ("point", "point.geojson", 1, "zones[0].file: type", "expected type Polygon or MultiPolygon, got 'Point'"),
    ("no-features", "no-features.geojson", 1, "zones[0].file: features", "at least one feature"),
    ("null-geometry", "null-geometry.geojson", 2, "zones[0].file: features[0].geometry", "required but empty"),
    ("self-intersecting", "bowtie.geojson", 3, "zones[0].file: geometry.coordinates", "Self-intersection"),
]


@pytest.mark.parametrize(
    ("fixture", "line", "where", "phrase"),
    [case[1:] for case in GEOJSON_CASES],
    ids=[case[0] for case in GEOJSON_CASES],
)
def test_bad_geojson_file_reports_its_own_file_and_line(
    tmp_path: Path, fixture: str, line: int, where: str, phrase: str
) -> None:
    """Problems inside a ``file:`` zone cite the GeoJSON file, by the path the loader opened."""
    path = write(tmp_path, render({"zones": zone(geometry="-", file=str(BAD / fixture))}))
    assert_reported(problems(path), f"{BAD / fixture}:{line}: {where}: ", phrase)


def test_several_problems_are_reported_at_once() -> None:
    """One run lists every problem, sorted by line, each on its own line."""
    path = BAD / "several-problems.yaml"
    found = problems(path)
    expected = [
        (1, "schema: expected 'ceasefire/agreement/v1'"),
        (2, "id: 'Several Problems' is not a slug"),
        (4, "effective: expected a date-time"),
        (5, "timezone: unknown timezone 'Asia/Damascas'"),
        (6, "obligation: unknown top-level key (did you mean 'obligations'?"),
        (10, "parties[0].aircraft: expected true or false, got 'yes'"),
        (13, "parties[1].aliases[0]: must not be empty"),
        (14, "parties[1].guarantor: unknown party 'russia'"),
        (16, "excluded[0].id: duplicate party or excluded group id 'dpr', first used at line 11"),
        (16, "excluded[0].aliases[0]: 'donetsk' also names parties[1] 'dpr' (line 13)"),
        (19, "zones[0].kind: unknown zone kind 'buffer'"),
        (23, "zones[0].geometry.coordinates[0][1]: longitude 190.0 is outside [-180, 180]"),
        (24, "zones[0].geometry.coordinates[1]: a ring needs at least 4 positions"),
        (25, "zones[1].geometry.coordinates: invalid Polygon: Self-intersection"),
        (26, "zones[2].file: cannot read"),
        (29, "obligations[0].category: unknown category 'ceasefire'"),
        (31, "obligations[0].bound[1]: unknown party 'novorossiya' (known: dpr, ukraine)"),
        (31, "obligations[0].bound[2]: 'dpr' is an excluded group"),
        (33, "obligations[0].until: must be after from"),
        (34, "obligations[0].rule.distance: unknown parameter for rule kind 'keep_clear'"),
        (34, "obligations[0].rule.route: unknown route 'r'"),
        (34, "obligations[0].rule: rule kind 'keep_clear' needs one of 'distance_m' or 'weapons'"),
        (35, "obligations[1].id: duplicate obligation id 'o1', first used at line 28"),
        (38, "obligations[1].bound: expected a list, got 'ukraine'"),
        (39, "obligations[1].rule.over[0]: a condition cannot count its own obligation"),
        (39, "obligations[1].rule.over[1]: unknown obligation 'o3'"),
        (39, "obligations[1].rule.max_per_day: must be >= 0, got -1"),
        (39, "obligations[1].rule.consecutive_days: must be >= 1, got 0"),
    ]
    for line, text in expected:
        assert_reported(found, f"{path}:{line}: {text}", "")
    lines = [int(problem.split(":")[1]) for problem in found]
    assert lines == sorted(lines)
    assert all(PROBLEM_LINE.match(problem) for problem in found)


FULL = DATA / "full.yaml"
DAMASCUS = zoneinfo.ZoneInfo("Asia/Damascus")


def test_full_agreement_times_keep_offsets_and_use_the_timezone() -> None:
    agreement = load_agreement(FULL)
    assert (agreement.id, agreement.timezone, agreement.source) == ("test-full", "Asia/Damascus", str(FULL))
    assert agreement.signed == dt.date(2016, 9, 9)
    # an explicit offset is kept as written; a bare date is 00:00 in the agreement's timezone
    assert agreement.effective == dt.datetime(2016, 9, 12, 19, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    assert agreement.effective.utcoffset() == dt.timedelta(hours=3)
    assert agreement.expires == dt.datetime(2016, 10, 12, tzinfo=DAMASCUS)
    flights = agreement.obligation("no-flights")
    assert flights.start == dt.datetime(2016, 9, 14, 19, tzinfo=DAMASCUS)  # naive: local time
    assert flights.until == dt.datetime(2016, 9, 30, tzinfo=DAMASCUS)
    assert agreement.obligation("cease-attacks").start == agreement.effective  # the default
    assert agreement.obligation("separate-nusra").until is None


def test_full_agreement_parties_and_excluded_groups() -> None:
    agreement = load_agreement(FULL)
    gov, opposition, russia, _ = agreement.parties
    assert gov.aliases == ("Military Forces of Syria", "Syrian army", "Damascus")  # stripped, deduplicated
    assert (gov.side, gov.guarantor, gov.aircraft) == ("government", "russia", True)
    assert (opposition.aircraft, russia.guarantor, russia.side) == (False, None, None)
    assert [group.id for group in agreement.excluded] == ["isis", "nusra"]
    assert agreement.excluded[1].aliases == ()
    assert agreement.obligation("cease-attacks").bound == ("syria-gov", "opposition")


def test_full_agreement_geometries() -> None:
    agreement = load_agreement(FULL)
    zones = {zone.id: zone for zone in agreement.zones}
    assert zones["zone-b"].name == "zone-b"  # name defaults to the id
    assert zones["east-aleppo"].geometry.geom_type == "Polygon"
    assert zones["east-aleppo"].geometry.contains(shapely.Point(37.17, 36.2))
    assert len(zones["zone-b"].geometry.interiors) == 1  # the hole survives the file
    assert zones["two-areas"].geometry.geom_type == "MultiPolygon"  # two features, unioned
    assert len(zones["two-areas"].geometry.geoms) == 2
    routes = {route.id: route for route in agreement.routes}
    assert routes["castello-road"].geometry.geom_type == "LineString"
    assert routes["aid-roads"].geometry.geom_type == "MultiLineString"
    assert agreement.lines[0].geometry.geom_type == "MultiLineString"


def test_full_agreement_rules() -> None:
    rules = {o.id: o.rule for o in load_agreement(FULL).obligations}
    assert rules == {
        "cease-attacks": model.Rule("no_attacks", event_types=("Battles", "Explosions/Remote violence")),
        "no-flights": model.Rule("no_air_strikes", zones=("zone-b", "two-areas")),
        "castello-pullback": model.Rule(
            "keep_clear",
            event_types=("Battles",),
            route="castello-road",
            weapons=(("artillery", 3500.5), ("mortar", 2500.0), ("tank", 3500.0)),
        ),
        "line-pullback": model.Rule("keep_clear", line="contact-line", distance_m=500.0),
        "no-gains": model.Rule("no_territorial_gains", zones=("east-aleppo",)),
        "aid-access": model.Rule(
            "humanitarian_access", zones=("east-aleppo",), routes=("castello-road", "aid-roads"), distance_m=1000.0
        ),
        "jic-condition": model.Rule(
            "condition", over=("cease-attacks", "no-flights"), max_per_day=2, consecutive_days=7
        ),
        "separate-nusra": None,
    }


def test_loading_is_repeatable() -> None:
    first, second = (load_agreement(FULL) for _ in range(2))
    assert [o for o in first.obligations] == [o for o in second.obligations]
    assert all(a.geometry.equals(b.geometry) for a, b in zip(first.zones, second.zones, strict=True))


def test_minimal_agreement_gets_defaults() -> None:
    agreement = load_agreement(str(DATA / "minimal.yaml"))
    assert agreement.effective == dt.datetime(2016, 2, 27, tzinfo=zoneinfo.ZoneInfo("Asia/Damascus"))
    assert (agreement.signed, agreement.expires, agreement.excluded, agreement.zones) == (None, None, (), ())
    assert agreement.obligations == ()


# -- Hypothesis: polygons and coordinates -------------------------------------------------------

HEADER = f"""schema: {SCHEMA}
id: generated
title: Generated
effective: 2016-09-12T19:00:00+03:00
timezone: Asia/Damascus
parties: [{{id: gov, name: Government}}]
obligations: []
zones:
  - id: z
    kind: other
    geometry:
      type: Polygon
      coordinates:
        -
"""
FIRST_POSITION_LINE = HEADER.count("\n") + 1


@st.composite
def star_polygons(draw: st.DrawFn) -> list[list[float]]:
    """A closed ring of 4-16 vertices around a centre, one per equal angular sector.

    Every sector is less than 180 degrees wide and holds one vertex, so the ring is simple.
    """
    lon = draw(st.floats(-170, 170))
    lat = draw(st.floats(-80, 80))
    count = draw(st.integers(4, 16))
    sector = 2 * math.pi / count
    ring = []
    for index in range(count):
        angle = sector * (index + draw(st.floats(0, 0.9)))
        radius = draw(st.floats(0.01, 8))
        ring.append([lon + radius * math.cos(angle), lat + radius * math.sin(angle)])
    return [*ring, ring[0]]


def polygon_document(ring: list[Any]) -> str:
    return HEADER + "".join(f"          - {json.dumps(position)}\n" for position in ring)


@settings(max_examples=80, deadline=None)
@given(ring=star_polygons())
def test_random_valid_polygons_load(ring: list[list[float]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        agreement = load_agreement(write(Path(folder), polygon_document(ring)))
    geometry = agreement.zones[0].geometry
    assert geometry.geom_type == "Polygon" and geometry.is_valid and geometry.area > 0
    assert geometry.equals(shapely.Polygon(ring))


bad_positions = st.one_of(
    st.tuples(st.floats(180.001, 1e9) | st.floats(-1e9, -180.001), st.floats(-90, 90)).map(list),
    st.tuples(st.floats(-180, 180), st.floats(90.001, 1e9) | st.floats(-1e9, -90.001)).map(list),
    st.tuples(st.text(max_size=5) | st.none() | st.booleans(), st.floats(-90, 90)).map(list),
    st.lists(st.floats(-90, 90), max_size=1),
    st.text(max_size=5),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ring=star_polygons(), data=st.data())
def test_invalid_coordinates_are_always_reported(ring: list[Any], data: st.DataObject) -> None:
    index = data.draw(st.integers(1, len(ring) - 2))
    ring[index] = data.draw(bad_positions)
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder), polygon_document(ring))
        found = problems(path)
    prefix = f"{path}:{FIRST_POSITION_LINE + index}: zones[0].geometry.coordinates[0][{index}]: "
    assert_reported(found, prefix, "")


# -- never a traceback --------------------------------------------------------------------------

FULL_TEXT = (DATA / "full.yaml").read_text(encoding="utf-8")


@settings(max_examples=150, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=200),
        st.builds(
            lambda cut, length, insert: FULL_TEXT[:cut] + insert + FULL_TEXT[cut + length :],
            st.integers(0, len(FULL_TEXT)),
            st.integers(0, 40),
            st.text(alphabet=" -:[]{}\n'\"#&*!|>x0.", max_size=6),
        ),
    )
)
def test_any_text_gives_an_agreement_or_file_line_problems(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        folder_path = Path(folder)
        (folder_path / "zones").mkdir()
        for geojson in (DATA / "zones").iterdir():
            (folder_path / "zones" / geojson.name).write_bytes(geojson.read_bytes())
        path = write(folder_path, text)
        try:
            load_agreement(path)
        except AgreementError as error:
            assert error.problems
            assert all(PROBLEM_LINE.match(problem) for problem in error.problems), error.problems


# -- the JSON Schema ----------------------------------------------------------------------------


def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return loaded


def yaml_data(path: Path) -> Any:
    """The file's data as the loader reads it (timestamps kept as strings)."""
    doc = read_yaml(str(path), Problems())
    assert doc is not None
    return doc.data


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())
    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("path", VALID_FIXTURES, ids=[path.stem for path in VALID_FIXTURES])
def test_valid_fixtures_match_the_schema(path: Path) -> None:
    load_agreement(path)  # valid for the loader ...
    jsonschema.Draft202012Validator(schema()).validate(yaml_data(path))  # ... and for the schema


def test_schema_rejects_a_bad_fixture() -> None:
    validator = jsonschema.Draft202012Validator(schema())
    assert not validator.is_valid(yaml_data(BAD / "several-problems.yaml"))


@pytest.mark.parametrize(
    ("definition", "vocabulary"),
    [
        ("category", model.CATEGORIES),
        ("zone_kind", model.ZONE_KINDS),
        ("rule_kind", model.RULE_KINDS),
        ("weapon_class", model.WEAPON_CLASSES),
    ],
    ids=["categories", "zone-kinds", "rule-kinds", "weapon-classes"],
)
def test_schema_vocabularies_equal_the_model(definition: str, vocabulary: tuple[str, ...]) -> None:
    assert tuple(schema()["$defs"][definition]["enum"]) == vocabulary


@pytest.mark.parametrize(
    ("definition", "keys"),
    [
        ("", TOP_KEYS),
        ("party", PARTY_KEYS),
        ("excluded", EXCLUDED_KEYS),
        ("zone", ZONE_KEYS),
        ("place", PLACE_KEYS),
        ("obligation", OBLIGATION_KEYS),
        *[(f"rule_{kind}", ("kind", *names)) for kind, names in PARAMETERS.items()],
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_schema_keys_equal_the_loader(definition: str, keys: tuple[str, ...]) -> None:
    node = schema()["$defs"][definition] if definition else schema()
    assert set(node["properties"]) == set(keys)
    assert node["additionalProperties"] is False


def test_schema_covers_every_rule_kind() -> None:
    branches = schema()["$defs"]["rule"]["allOf"]
    assert [branch["if"]["properties"]["kind"]["const"] for branch in branches] == list(model.RULE_KINDS)
    assert set(PARAMETERS) == set(model.RULE_KINDS)


def test_docs_describe_every_key_and_rule_parameter() -> None:
    docs = (ROOT / "docs" / "agreement.md").read_text(encoding="utf-8")
    names = {
        *TOP_KEYS,
        *PARTY_KEYS,
        *ZONE_KEYS,
        *OBLIGATION_KEYS,
        *model.CATEGORIES,
        *model.ZONE_KINDS,
        *model.WEAPON_CLASSES,
    }
    names |= {name for names in PARAMETERS.values() for name in names}
    missing = sorted(name for name in names if f"`{name}`" not in docs)
    assert not missing, f"docs/agreement.md does not mention: {missing}"
    for kind in model.RULE_KINDS:
        assert f"### `{kind}`" in docs


# -- through the CLI ----------------------------------------------------------------------------

runner = CliRunner()


@pytest.mark.parametrize("path", VALID_FIXTURES, ids=[path.stem for path in VALID_FIXTURES])
def test_cli_check_valid(path: Path) -> None:
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert f"{path}: ok:" in result.stdout


CLI_BAD = [
    ("several-problems", lambda tmp: BAD / "several-problems.yaml"),
    ("syntax-error", lambda tmp: write(tmp, "schema: [\n")),
    ("top-level-list", lambda tmp: write(tmp, "- a\n- b\n")),
    ("missing-file", lambda tmp: tmp / "nowhere.yaml"),
    ("bad-geojson", lambda tmp: write(tmp, render({"zones": zone(geometry="-", file=str(BAD / "not-json.geojson"))}))),
]


@pytest.mark.parametrize("make", [case[1] for case in CLI_BAD], ids=[case[0] for case in CLI_BAD])
def test_cli_check_invalid(tmp_path: Path, make: Any) -> None:
    path = make(tmp_path)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines and all(PROBLEM_LINE.match(line) for line in lines), lines
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_cli_entry_point_in_a_real_process(tmp_path: Path) -> None:
    executable = Path(sys.executable).parent / "ceasefire"
    bad = write(tmp_path, render({"obligations": obligation(bound="[novorossiya]")}))
    failed = subprocess.run([executable, "check", bad], capture_output=True, text=True, check=False)
    assert failed.returncode == 2
    assert failed.stderr.startswith(f"{bad}:{LINE['obligations']}: obligations[0].bound[0]: unknown party")
    assert "Traceback" not in failed.stderr
    passed = subprocess.run([executable, "check", DATA / "full.yaml"], capture_output=True, text=True, check=False)
    assert passed.returncode == 0, passed.stderr
