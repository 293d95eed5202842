"""docs/inputs.md shows the same tables the code uses."""

from __future__ import annotations

from pathlib import Path

from ceasefire.sources.precision import PLACE_PRECISION
from ceasefire.sources.taxonomy import OLD_EVENT_TYPES
from ceasefire.sources.weapons import WEAPON_RULES

DOC = Path(__file__).resolve().parents[2] / "docs" / "inputs.md"
SCALES = {"acled": "ACLED, GeoJSON", "ucdp": "UCDP", "gdelt": "GDELT", "news": "news text"}


def table_rows(first_cell: str) -> list[list[str]]:
    """Cells of the markdown table whose header row starts with ``first_cell``."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith(f"| {first_cell} |"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def test_precision_table() -> None:
    documented = [tuple(row[:4]) for row in table_rows("source")]
    expected = [(SCALES[p.scale], p.column, str(p.code), f"{p.radius_m:,.0f}") for p in PLACE_PRECISION]
    assert documented == expected


def test_weapon_table() -> None:
    documented = [(row[1], row[2], row[3], row[4]) for row in table_rows("#")]
    expected = [
        (
            rule.weapon,
            ", ".join((*rule.keywords, *rule.acronyms)),
            ", ".join(rule.sub_event_types),
            rule.remote_sub_type,
        )
        for rule in WEAPON_RULES
    ]
    assert documented == expected


def test_old_event_type_table() -> None:
    documented = [row[0] for row in table_rows("pre-2019 event_type")]
    # "Violence against civilians" is also a current name: the code has nothing to map.
    documented.remove("Violence against civilians")
    assert documented == list(OLD_EVENT_TYPES)
