"""The columnar outputs (issue 16) against the object path, on generated data.

``verify --format json|csv|hxl`` is written from Arrow columns (``column_writers``); the
reference is the per-``Finding`` path (``formats.write_json``/``write_csv``, ``Finding.to_document``),
which must give the same bytes. The data come from bench/synth.py, salted with the text that
trips encoders: quotes, commas, newlines, backslashes, control characters, non-ASCII, date ranges.
"""

from __future__ import annotations

import io
import json
import math
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ceasefire import formats
from ceasefire.actor_resolution import AliasResolver
from ceasefire.column_writers import _json_lines, write_arrow, write_binary_slices, write_parquet
from ceasefire.finding_columns import finding_column_slices, finding_columns
from ceasefire.table import IncidentTable
from ceasefire.text_columns import fixed, iso_dates, json_floats, json_strings
from ceasefire.verification import Verification, verify_table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import synth

ODD_TEXT = [
    "=HYPERLINK(1)",
    "-3.5",
    "+2",
    "-1e3",
    "@x",
    "-",
    "\tlead",
    "-٣",
    'say "no"',
    "a, b",
    "line\nbreak",
    "back\\slash",
    "tab\there",
    "bell\x07",
    "Ḑayr az-Zawr ☢",
    "cr\rhere",
    "",
]


@pytest.fixture(scope="module")
def verification() -> Verification:
    n = 4000
    columns = synth.incidents(n, seed=16)
    rng = np.random.default_rng(16)
    for name in ("location", "notes", "actor2", "actor1", "event_type"):
        values = np.asarray(columns.get(name, np.full(n, "", dtype=object)), dtype=object)
        salted = rng.random(n) < 0.3
        values[salted] = rng.choice(np.array(ODD_TEXT, dtype=object), int(salted.sum()))
        columns[name] = values
    columns["date_end"] = np.where(rng.random(n) < 0.2, columns["date"] + rng.integers(0, 9, n), 0)
    columns["lat"][:5] = [33.00005, 34.12345, 35.5, 36.0, 33.99995]
    agreement = synth.agreement(n_zones=30, n_routes=6)
    resolver = AliasResolver(agreement)
    return verify_table(agreement, IncidentTable.from_columns(columns, resolver), resolver)


def test_there_is_something_to_compare(verification: Verification) -> None:
    statuses = set(verification.findings.status.tolist())
    assert len(verification.findings) > 500 and len(statuses) >= 3


def test_each_json_line_is_the_finding_document(verification: Verification) -> None:
    fc = finding_columns(verification)
    lines = [line[:-2] for line in _json_lines(fc, fc.table, fc.party_code).to_pylist()]  # less ", "
    expected = [json.dumps(f.to_document(), ensure_ascii=False) for f in verification.finding_objects()]
    assert lines == expected


@pytest.mark.parametrize("fmt", ["json", "csv", "hxl"], ids=["json", "csv", "hxl"])
def test_columnar_text_equals_the_object_path(verification: Verification, fmt: str) -> None:
    columnar, objects = io.StringIO(), io.StringIO()
    formats.render(verification, fmt, columnar)
    if fmt == "json":
        formats.write_json(verification, objects)
    else:
        formats.write_csv(verification, objects, hxl=fmt == "hxl")
    assert columnar.getvalue() == objects.getvalue()


def test_binary_formats_hold_the_findings(verification: Verification) -> None:
    fc = finding_columns(verification)
    parquet, arrow = io.BytesIO(), io.BytesIO()
    write_parquet(fc, parquet)
    write_arrow(fc, arrow)
    from_parquet = pq.read_table(io.BytesIO(parquet.getvalue()))
    from_arrow = pa.ipc.open_file(pa.BufferReader(arrow.getvalue())).read_all()
    assert from_parquet.equals(from_arrow)
    findings = list(verification.finding_objects())
    assert from_parquet.column("id").to_pylist() == [f.id for f in findings]
    assert from_parquet.column("explanation").to_pylist() == [f.explanation for f in findings]
    assert from_parquet.column("parties").to_pylist() == [list(f.parties) for f in findings]


def test_no_findings_still_writes_the_document() -> None:
    agreement = synth.agreement(n_zones=3, n_routes=1)
    resolver = AliasResolver(agreement)
    empty = verify_table(agreement, IncidentTable.from_columns(synth.incidents(0), resolver), resolver)
    columnar, objects = io.StringIO(), io.StringIO()
    formats.render(empty, "json", columnar)
    formats.write_json(empty, objects)
    assert columnar.getvalue() == objects.getvalue()


# Decimal ties (33.12345 at 4 places, 2.675 at 2) are where a vectorized rounding goes wrong.
TIES = st.builds(lambda i, d: i / 10**d, st.integers(-(10**8), 10**8), st.integers(1, 6))
FLOATS = (
    st.floats(allow_nan=True, allow_infinity=True) | st.floats(-1e6, 1e6) | TIES | st.sampled_from([0.125, 2.5, -0.0])
)


@given(st.lists(FLOATS, min_size=1, max_size=30), st.sampled_from([0, 1, 2, 4]))
def test_fixed_is_python_format(values: list[float], digits: int) -> None:
    assert fixed(np.array(values), digits).to_pylist() == [f"{v:.{digits}f}" for v in values]


@given(st.lists(FLOATS, min_size=1, max_size=30))
def test_json_floats_are_json_dumps(values: list[float]) -> None:
    assert json_floats(np.array(values)).to_pylist() == [json.dumps(v) for v in values]
    finite = [v for v in values if math.isfinite(v)]
    assert json_floats(np.array(finite, np.float64), repr).to_pylist() == [repr(v) for v in finite]


@given(st.lists(st.text(), min_size=1, max_size=30))
def test_json_strings_are_json_dumps(values: list[str]) -> None:
    values = [v for v in values if not any("\ud800" <= ch <= "\udfff" for ch in v)]  # Arrow holds UTF-8
    encoded = json_strings(pa.array(values, pa.string())).to_pylist()
    assert encoded == [json.dumps(v, ensure_ascii=False) for v in values]


@given(st.lists(st.integers(1, 3652059), min_size=1, max_size=30))
def test_iso_dates(ordinals: list[int]) -> None:
    import datetime as dt

    expected = [dt.date.fromordinal(d).isoformat() for d in ordinals]
    assert iso_dates(np.array(ordinals, np.int64)).to_pylist() == expected


@pytest.mark.parametrize("fmt", ["json", "csv"], ids=["json", "csv"])
def test_slices_join_up(verification: Verification, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    whole, sliced = io.StringIO(), io.StringIO()
    formats.render(verification, fmt, whole)
    monkeypatch.setattr("ceasefire.column_writers.SLICE", 7)
    formats.render(verification, fmt, sliced)
    assert sliced.getvalue() == whole.getvalue()


def _outputs(verification: Verification) -> dict[str, bytes]:
    texts = {fmt: io.StringIO() for fmt in ("json", "csv", "hxl")}
    for fmt, out in texts.items():
        formats.render(verification, fmt, out)
    parquet = io.BytesIO()
    write_parquet(finding_columns(verification), parquet)
    return {**{fmt: out.getvalue().encode() for fmt, out in texts.items()}, "parquet": parquet.getvalue()}


def test_threads_write_the_same_bytes(verification: Verification, monkeypatch: pytest.MonkeyPatch) -> None:
    """Slices made on several threads (issue 16) come out in order: the same bytes as one thread
    and as a single slice, for explanations and for the JSON and CSV texts."""
    whole = _outputs(verification)
    monkeypatch.setattr("ceasefire.explanations.SLICE_ROWS", 97)
    monkeypatch.setattr("ceasefire.column_writers.SLICE", 101)
    assert len(finding_columns(verification).table.column("explanation").chunks) > 5
    by_threads = {}
    for threads in (1, 3):
        monkeypatch.setattr("ceasefire.parallel.THREADS", threads)
        by_threads[threads] = _outputs(verification)
    assert by_threads[1] == by_threads[3] == whole


def test_slices_are_the_whole(verification: Verification, monkeypatch: pytest.MonkeyPatch) -> None:
    """Findings assembled and written a slice at a time (issue 16: a 10M-row input's findings
    never held at once) hold the same rows as the whole: the tables, the Parquet and Arrow files,
    and the bytes of the text formats (written from slices by ``formats.render``)."""
    whole = finding_columns(verification).table
    pieces = list(finding_column_slices(verification, 222))
    assert len(pieces) > 3 and pa.concat_tables([p.table for p in pieces]).equals(whole)
    texts = {fmt: io.StringIO() for fmt in ("json", "csv")}
    for fmt, out in texts.items():
        formats.render(verification, fmt, out)
    monkeypatch.setattr("ceasefire.finding_columns.STREAM_ROWS", 222)
    for fmt, out in texts.items():
        sliced = io.StringIO()
        formats.render(verification, fmt, sliced)
        assert sliced.getvalue() == out.getvalue()
    for fmt in ("parquet", "arrow"):
        binary = io.BytesIO()
        write_binary_slices(finding_column_slices(verification, 222), fmt, binary)
        data = pa.BufferReader(binary.getvalue())
        table = pq.read_table(data) if fmt == "parquet" else pa.ipc.open_file(data).read_all()
        assert table.equals(whole)


CLI = [str(Path(sys.executable).parent / "ceasefire"), "verify"]
SYRIA = ["examples/syria-2016-09/agreement.yaml", "examples/syria-2016-09/incidents.csv"]
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("fmt", ["parquet", "arrow"], ids=["parquet", "arrow"])
def test_cli_binary_formats(fmt: str, tmp_path: Path) -> None:
    import os
    import subprocess

    out = tmp_path / f"findings.{fmt}"
    subprocess.run([*CLI, *SYRIA, "--format", fmt, "--out", str(out)], cwd=ROOT, check=True)
    piped = subprocess.run([*CLI, *SYRIA, "--format", fmt], cwd=ROOT, check=True, capture_output=True).stdout
    read = pq.read_table if fmt == "parquet" else (lambda p: pa.ipc.open_file(pa.memory_map(str(p))).read_all())
    table = read(out)
    assert table.num_rows == 121 and table.column_names[:3] == ["id", "obligation", "category"]
    assert piped == out.read_bytes()
    primary, replica = os.openpty()  # a terminal as stdout: refused with one line, exit 2
    try:
        done = subprocess.run([*CLI, *SYRIA, "--format", fmt], cwd=ROOT, stdout=replica, stderr=subprocess.PIPE)
    finally:
        os.close(primary)
        os.close(replica)
    assert done.returncode == 2
    assert (
        done.stderr.decode().strip()
        == f"--format {fmt} is binary: give --out FILE or redirect stdout to a file or pipe"
    )


@pytest.mark.parametrize("fmt", ["json", "csv", "hxl"], ids=["json", "csv", "hxl"])
def test_without_pyarrow_the_same_bytes(verification: Verification, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with_arrow, core = io.StringIO(), io.StringIO()
    formats.render(verification, fmt, with_arrow)
    monkeypatch.setattr(formats, "_columnar", lambda: False)  # a core install: no scale extra
    formats.render(verification, fmt, core)
    assert core.getvalue() == with_arrow.getvalue()
