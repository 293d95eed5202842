"""Verification results as JSON (the docs/contracts.md contract), CSV, HXL CSV, GeoJSON and a Rich table.

The JSON keys of the contract come first and never change; extra keys only extend them.
CSV rows use ACLED's column names for the incident, then the finding's columns; rows and
features are built by ``ceasefire.exports``, which the server's exports share.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

import numpy as np
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ceasefire import exports
from ceasefire.extras import MissingExtra, require_extra
from ceasefire.findings import Status
from ceasefire.model import Clock
from ceasefire.verification import Verification

if TYPE_CHECKING:
    from ceasefire.news.verdicts import ClaimVerdict

__all__ = ["OUTPUT_FORMATS", "render", "render_binary", "to_json", "write_csv", "write_geojson", "write_table"]

# hxl: the csv table, HXL hashtags on its second row; parquet, arrow: the findings as columns (binary)
OUTPUT_FORMATS = ("table", "json", "csv", "geojson", "hxl", "parquet", "arrow")


def to_json(v: Verification) -> dict[str, Any]:
    """The whole result as one JSON-ready dict (``write_json`` streams the same document)."""
    return {"agreement": v.agreement.id, "findings": [f.to_document() for f in v.finding_objects()], **_tail(v)}


def write_json(v: Verification, out: TextIO, chunk: int = 5_000) -> None:
    """The JSON document through ``Finding`` objects, findings encoded a chunk at a time with
    the C encoder. ``render`` writes the same bytes from columns (``column_writers``); this
    object path is the reference the differential tests hold it to."""
    out.write('{"agreement": ' + json.dumps(v.agreement.id) + ', "findings": [')
    batch: list[str] = []
    first = True
    for f in v.finding_objects():
        batch.append(json.dumps(f.to_document(), ensure_ascii=False))
        if len(batch) >= chunk:
            out.write(("" if first else ", ") + ", ".join(batch))
            batch, first = [], False
    if batch:
        out.write(("" if first else ", ") + ", ".join(batch))
    out.write("], " + json.dumps(_tail(v), ensure_ascii=False)[1:] + "\n")


def _tail(v: Verification) -> dict[str, Any]:
    """Everything after the findings: summary, clocks, unresolved actors, inputs."""
    claims = {} if v.claims is None else {"claims": [c.to_document() for c in v.claims]}
    return {
        **claims,
        **v.summary().to_document(),
        "inputs": {
            "files": v.intake.files,
            "incidents": v.intake.incidents,
            "outside_period": v.intake.outside_period,
            "duplicates": v.intake.duplicates,
            "bad_rows": v.intake.bad_row_count,
            "bad_row_messages": v.intake.bad_rows,
            "not_incidents": v.intake.not_incidents,
            "no_place": v.intake.no_place,
            "bad_rows_by_reason": _by_reason(v),
            "by_file": [f.inputs() for f in v.intake.by_file],
        },
    }


def _by_reason(v: Verification) -> dict[str, int]:
    """Bad rows per reason over every file (each file's own counts are in ``by_file``)."""
    total: dict[str, int] = {}
    for counts in v.intake.by_file:
        for reason, n in counts.bad_rows_by_reason.items():
            total[reason] = total.get(reason, 0) + n
    return total


def _incident_value(v: Verification, row: int, field: str) -> Any:
    if field == "date":
        return v.table.date_of(row).isoformat()
    value = v.table.columns[field][row]
    return value.item() if hasattr(value, "item") else value


def write_csv(v: Verification, out: TextIO, *, hxl: bool = False) -> None:
    """One row per finding (``exports.csv_row``); with ``hxl``, HXL hashtags on the second row.
    The object path: ``render`` writes the same bytes from columns."""
    rows = (
        (
            f,
            {field: _incident_value(v, f.row, field) for field in exports.INCIDENT_FIELDS},
        )
        for f in v.finding_objects()
    )
    exports.write_csv(rows, out, hxl=hxl)


def write_geojson(v: Verification, out: TextIO) -> None:
    exports.write_geojson(v.finding_objects(), v.agreement.id, out)


def write_table(v: Verification, out: TextIO, width: int = 120) -> None:
    console = Console(file=out, width=width, force_terminal=False, no_color=not out.isatty())
    a = v.agreement
    console.print(f"[bold]{a.title}[/bold] ({a.id}) — {v.intake.incidents} incidents, {len(v.findings)} findings")
    console.print(_party_table(v))
    if v.clocks:
        console.print(_clock_table(v.clocks))
    console.print(_serious_table(v))
    if v.claims:
        console.print(_claims_table(v.claims))
    if v.unresolved_actors():
        names = v.unresolved_actors()
        console.print(
            f"Actors matching no alias ({len(names)}): " + "; ".join(names[:12]) + (" …" if len(names) > 12 else "")
        )
    for counts in v.intake.by_file:
        console.print(counts.summary(), highlight=False, markup=False, soft_wrap=True)
    if v.intake.bad_row_count:
        console.print(f"Skipped {v.intake.bad_row_count} bad rows (first: {v.intake.bad_rows[0]})")


def _party_table(v: Verification) -> Table:
    """Obligations down, parties across: 'violations / possible violations' in each cell."""
    table = Table(title="Violations / possible violations by obligation and party")
    table.add_column("obligation")
    for party in v.agreement.parties:
        table.add_column(party.id, justify="right")
    for k, o in enumerate(v.agreement.obligations):
        if not o.rule or o.rule.kind == "condition":
            continue
        sub = v.findings.where(v.findings.obligation == k)
        table.add_row(o.id, *(_pair(sub.count_by_party(bit)) for bit in range(len(v.agreement.parties))))
    table.add_row(
        "[bold]total[/bold]", *(_pair(v.findings.count_by_party(bit)) for bit in range(len(v.agreement.parties)))
    )
    return table


def _pair(counts: dict[str, int]) -> str:
    return f"{counts['violation']} / {counts['possible_violation']}"


def _clock_table(clocks: Iterable[Clock]) -> Table:
    table = Table(title="Clocks (violations per day; ✓ quiet day)")
    for col in ("clock", "needs", "met on", "days"):
        table.add_column(col)
    for c in clocks:
        strip = Text()
        for d in c.days:
            strip.append(f"{d.date:%d}:{d.violations}{'✓' if d.quiet else '✗'} ", style="green" if d.quiet else "red")
        needs = f"{c.consecutive_days} days ≤ {c.max_per_day}/day"
        table.add_row(c.obligation, needs, c.met_on.isoformat() if c.met_on else "not met", strip)
    return table


def _serious_table(v: Verification, limit: int = 15) -> Table:
    """The most serious findings: violations before possible ones, then confidence, then deaths,
    then date. Chosen with array operations, so only these few are materialized."""
    ft = v.findings
    fatalities = np.asarray(v.table.columns["fatalities"])[ft.incident]
    rank = np.select([ft.status == Status.VIOLATION, ft.status == Status.POSSIBLE], [0, 1], 9)
    order = np.lexsort((v.table.day[ft.incident], -fatalities, -ft.confidence, rank))
    keep = np.zeros(len(ft), bool)
    keep[order[rank[order] < 9][:limit]] = True
    subset = Verification(v.agreement, v.table, ft.where(keep), [], v.resolver)
    findings = sorted(
        subset.finding_objects(),
        key=lambda f: (f.status != "violation", -f.confidence, -f.fatalities, f.date),
    )
    table = Table(title=f"Most serious findings (top {limit})")
    for col in ("date", "obligation", "status", "parties", "conf.", "incident"):
        table.add_column(col)
    for f in findings:
        table.add_row(
            f.date.isoformat(),
            f.obligation,
            f.status,
            ", ".join(f.parties) or "?",
            f"{f.confidence:.2f}",
            f"{f.incidents[0]} {f.location}",
        )
    return table


def _claims_table(claims: list[ClaimVerdict]) -> Table:
    table = Table(title="Claims against the evidence")
    for col in ("date", "speaker", "kind", "accused", "obligation", "verdict", "findings"):
        table.add_column(col)
    for c in claims:
        claim = c.claim
        table.add_row(
            claim.date.isoformat() if claim.date else "",
            f"{claim.speaker} ({claim.speaker_party or '?'})",
            claim.kind,
            ", ".join(claim.accused),
            str(claim.obligation or claim.category or ""),
            c.verdict,
            str(len(c.findings)),
        )
    return table


def _columnar() -> bool:
    """Whether pyarrow (the scale extra) is installed: json, csv and hxl are then written from
    columns; without it, from ``Finding`` objects, with the same bytes (tests/test_columnar.py)."""
    try:
        require_extra("scale", ["pyarrow"])
    except MissingExtra:
        return False
    return True


def render(v: Verification, fmt: str, out: TextIO) -> None:
    """Write the verification in one of the text formats of ``OUTPUT_FORMATS`` (json, csv and
    hxl from the findings' columns when pyarrow is installed); ``render_binary`` writes parquet
    and arrow."""
    if fmt in ("json", "csv", "hxl") and _columnar():
        from ceasefire import column_writers
        from ceasefire.finding_columns import finding_column_slices

        if fmt == "json":
            head = '{"agreement": ' + json.dumps(v.agreement.id) + ', "findings": ['
            tail = "], " + json.dumps(_tail(v), ensure_ascii=False)[1:] + "\n"
            column_writers.write_json_slices(finding_column_slices(v), head, tail, out)
        else:
            column_writers.write_csv_slices(finding_column_slices(v), out, hxl=fmt == "hxl")
    elif fmt == "json":
        write_json(v, out)
    elif fmt in ("csv", "hxl"):
        write_csv(v, out, hxl=fmt == "hxl")
    elif fmt == "geojson":
        write_geojson(v, out)
    else:
        write_table(v, out)


def render_binary(v: Verification, fmt: str, out: BinaryIO) -> None:
    """The findings as columns (``finding_columns``) in Parquet or the Arrow IPC file format,
    assembled and written a slice at a time (``finding_column_slices``: one Parquet row group
    per slice), one slice after the other: the memory bound of a 10M-row input (issue 16: < 3 GB)
    before the threads' speed; needs pyarrow (the scale extra)."""
    from ceasefire import column_writers
    from ceasefire.finding_columns import finding_column_slices

    column_writers.write_binary_slices(finding_column_slices(v, threads=1), fmt, out)
