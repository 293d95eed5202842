"""The worked confidence examples of docs/rules.md ("Corroboration"), computed by the real code.

The test reads the docs' table; each row's first cell names the records it is about, and
``RECORDS`` holds those records (keyed by that cell, so a row without records, or records without
a row, fails). The records go through ``verify_table`` as any input does; the row's confidence,
its c₁ (the representative's own confidence, halved when a disagreement is left open) and any
status, attribution or standing perpetrator the row states are compared with the one finding
made. The docs' arithmetic is checked too: each side of every ``=`` has the same value.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from factories import agreement, incident, obligation, run

from ceasefire.corroboration import DISPUTED
from ceasefire.model import Finding, Incident, Party, Rule

DOCS = Path(__file__).resolve().parents[1] / "docs" / "rules.md"
GOV, OPP = "Military Forces of Syria (2000-)", "Free Army"
AG = agreement(
    obligation("zone", Rule("no_attacks", zones=("z",)), bound=("syria-gov", "opposition")),
    parties=(
        Party("syria-gov", "Government of Syria", ("Military Forces of Syria",), side="government", aircraft=True),
        Party("opposition", "Opposition", (OPP,), side="opposition"),
    ),
)
KM_LON = 1 / 91.2  # degrees of longitude per km at 35.2° N (the factories' zone: 36.0-36.4 E)


def _record(ident: str, file: str, source: str, **kw: object) -> Incident:
    kw.setdefault("actor1", GOV)
    kw.setdefault("actor2", "Civilians (Syria)")
    kw.setdefault("weapon", "artillery")
    return incident(ident, file=file, source=source, **kw)


# A 50 km disc centred 10 km inside the zone's west edge holds 0.5 + 10 / 100 = 60 % of it in the
# zone; one centred on the edge holds half (docs/rules.md, "Geometry").
ACLED_60 = _record("a", "acled.csv", "acled", lon=36.0 + 10 * KM_LON, radius_m=50_000.0)
UCDP_50 = _record("u", "ged.csv", "ucdp", lon=36.0, radius_m=50_000.0)
# A report whose reporting source is the opposition's, accusing the government: a party's, grade E.
PARTY_50 = _record("p", "reports", "report", source_name=OPP, lon=36.0, radius_m=50_000.0)
BATTLE = {"event_type": "Battles", "actor1": GOV, "actor2": f"{OPP} (Syria)"}  # 0.9: initiator open
ACLED_1, UCDP_1 = _record("a", "acled.csv", "acled"), _record("u", "ged.csv", "ucdp")
MONITOR_OPP = _record("m", "monitor.geojson", "geojson", actor1=OPP)

RECORDS: dict[str, tuple[Incident, ...]] = {
    "ACLED only, 60 % of the disc in the zone": (ACLED_60,),
    "ACLED 0.6 and UCDP 0.5, both naming syria-gov": (ACLED_60, UCDP_50),
    "the same, plus a party's report (E) at 0.5 naming syria-gov": (ACLED_60, UCDP_50, PARTY_50),
    "a battle (0.9, initiator open) seen by ACLED and a monitor (A)": (
        _record("a", "acled.csv", "acled", **BATTLE),
        _record("m", "monitor.geojson", "geojson", **BATTLE),
    ),
    "ACLED names syria-gov, a monitor names the opposition, both 1.0": (ACLED_1, MONITOR_OPP),
    "ACLED and UCDP name syria-gov, a monitor the opposition": (ACLED_1, UCDP_1, MONITOR_OPP),
}

_OPERATORS: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
}


def _value(text: str) -> float:
    """The value of a docs' arithmetic expression (numbers, +, − and ×, parentheses)."""

    def walk(node: ast.expr) -> float:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return float(node.value)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](walk(node.left), walk(node.right))
        raise AssertionError(f"docs/rules.md: not plain arithmetic: {text!r}")

    plain = text.replace("*", "").replace("−", "-").replace("×", "*").strip()
    return walk(ast.parse(plain, mode="eval").body)


def _examples() -> list[list[str]]:
    """The rows of the worked examples' table (the first table after "Worked examples"), as cells."""
    lines = DOCS.read_text(encoding="utf-8").split("Worked examples", 1)[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("|")), len(lines))
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in lines[start:end]]
    assert rows[0] == ["records", "c₁", "other sources", "confidence"], f"docs/rules.md: {rows[0]}"
    return rows[2:]  # past the header and its rule


EXAMPLES = _examples()


def test_every_example_has_its_records_and_no_records_are_stale() -> None:
    assert [r[0] for r in EXAMPLES] == list(RECORDS)


def _finding(records: tuple[Incident, ...]) -> Finding:
    (found,) = run(AG, *records).finding_objects()
    return found


@pytest.mark.parametrize("row", EXAMPLES, ids=[r[0] for r in EXAMPLES])
def test_a_worked_example_is_what_the_code_computes(row: list[str]) -> None:
    described, c1_cell, _, result = row
    records = RECORDS[described]
    finding = _finding(records)
    assert sorted(finding.incidents) == sorted(r.id for r in records), "the records make one event"
    stated = re.findall(r"\*\*(\d\.\d\d)\*\*", result) or re.findall(r"\d\.\d\d", result)
    assert finding.confidence == float(stated[-1])
    # c₁: the representative's own confidence (one record alone), halved when the sources'
    # disagreement is left open.
    (representative,) = [r for r in records if r.id == finding.record]
    left_open = "The sources disagree" in finding.explanation and finding.attribution == "ambiguous"
    alone = _finding((representative,)).confidence * (DISPUTED if left_open else 1.0)
    assert round(alone, 2) == round(_value(c1_cell), 2)
    if status := re.search(r"`(\w+)`", result):
        assert finding.status == status[1]
    if "ambiguous" in result:
        assert finding.attribution == "ambiguous"
    if stands := re.search(r"(\S+) stands", result):
        assert finding.parties == (stands[1],) and finding.attribution == "certain"


@pytest.mark.parametrize("row", EXAMPLES, ids=[r[0] for r in EXAMPLES])
def test_the_docs_arithmetic_adds_up(row: list[str]) -> None:
    for cell in row[1:]:
        sides = cell.split(",")[0].split("=") if "=" in cell else []
        values = [_value(s) for s in sides]
        for value in values[1:]:  # equal to the two decimals shown (0.945 is "0.95")
            assert abs(values[0] - value) <= 0.005 + 1e-9, cell
