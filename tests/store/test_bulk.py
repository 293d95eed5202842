"""Issue 14: incidents go into the store and back a column at a time, and the log does not notice.

The bulk paths must store and hash exactly what the row paths did: the same ``incidents`` rows
(``sqlstore.incident_row``), the same children digest (``log_entries.children_digest``), the same
columns read back (``table.columns_of`` of ``store.incidents()``), the same findings.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store.storekit import DATA, OpenTarget, agreement_copy

from ceasefire.actor_resolution import AliasResolver
from ceasefire.ledger import LogError
from ceasefire.service.bundles import load_bundle
from ceasefire.service.stored_columns import forget
from ceasefire.service.workflow import import_events, init_database, verify_stored
from ceasefire.sources import BadRows, read_events
from ceasefire.store import open_store
from ceasefire.store.log_entries import INCIDENT_COLUMNS, children_digest, chunks_digest
from ceasefire.store.sqlstore import incident_row
from ceasefire.table import IncidentTable, columns_of, normalized_columns
from ceasefire.verification import verify_table

EVENTS = DATA / "events"
FILES = (EVENTS / "acled_current.csv", EVENTS / "points.geojson", EVENTS / "ucdp_ged.csv")

scalars = st.one_of(
    st.none(),
    st.text(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
)


@st.composite
def tables(draw: st.DrawFn) -> tuple[tuple[str, ...], list[tuple[Any, ...]], int]:
    names = tuple(draw(st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=6, unique=True)))
    column_kinds = [draw(st.sampled_from(["mixed", "str", "int", "float"])) for _ in names]
    pick = {
        "mixed": scalars,
        "str": st.text(),
        "int": st.integers(min_value=-(2**63), max_value=2**63 - 1),
        "float": st.floats(allow_nan=False, allow_infinity=False),
    }
    row = st.tuples(*(pick[k] for k in column_kinds))
    return names, draw(st.lists(row, max_size=30)), draw(st.integers(min_value=1, max_value=7))


@settings(max_examples=200, deadline=None)
@given(tables())
def test_the_chunked_digest_is_the_children_digest(table: tuple[tuple[str, ...], list[tuple[Any, ...]], int]) -> None:
    names, rows, size = table
    chunks = [rows[k : k + size] for k in range(0, len(rows), size)]
    assert chunks_digest(names, chunks) == children_digest(dict(zip(names, row, strict=True)) for row in rows)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, b"bytes"], ids=["nan", "inf", "-inf", "bytes"])
def test_the_chunked_digest_refuses_what_the_log_refuses(value: Any) -> None:
    with pytest.raises(LogError, match=r"\$\.lat"):
        chunks_digest(("lat",), [[(1.0,), (value,)]])
    with pytest.raises(LogError, match=r"\$\.lat"):
        children_digest([{"lat": value}])


def _imported(open_target: OpenTarget, tmp_path: Path) -> Any:
    store = open_target()
    init_database(store, agreement_copy(tmp_path))
    import_events(store, list(FILES))
    return store


def test_bulk_import_stores_the_rows_the_row_path_stored(open_target: OpenTarget, tmp_path: Path) -> None:
    store = _imported(open_target, tmp_path)
    for record, path in zip(store.imports(), FILES, strict=True):
        expected = [incident_row(record.id, seq, i) for seq, i in enumerate(read_events(path, BadRows()))]
        rows = store.db.execute(
            f"SELECT {', '.join(INCIDENT_COLUMNS)} FROM incidents WHERE import_id = ? ORDER BY seq", (record.id,)
        )
        assert [tuple(r) for r in rows] == expected
    assert store.verify_log().ok


def test_columns_read_back_are_those_of_the_stored_incidents(open_target: OpenTarget, tmp_path: Path) -> None:
    store = _imported(open_target, tmp_path)
    read = normalized_columns(store.incident_columns())
    rows = normalized_columns(columns_of(store.incidents()))
    assert read.keys() == rows.keys()
    for name, column in rows.items():
        assert np.asarray(read[name]).tolist() == np.asarray(column).tolist(), name


def test_a_run_from_columns_finds_what_the_objects_found(open_target: OpenTarget, tmp_path: Path) -> None:
    store = _imported(open_target, tmp_path)
    import_events(store, [FILES[0]])  # again: a no-op, but duplicates ids across files are kept once
    verification, run = verify_stored(store)
    agreement = load_bundle(store.current_agreement().bundle)  # type: ignore[union-attr]
    resolver = AliasResolver(agreement)
    seen: set[str] = set()
    first = [i for i in store.incidents() if not (i.id in seen or seen.add(i.id))]  # type: ignore[func-returns-value]
    expected = verify_table(agreement, IncidentTable.from_incidents(first, resolver), resolver)
    assert list(verification.finding_objects()) == list(expected.finding_objects())
    assert run.incidents == len(first)
    assert store.verify_log().ok


ACLED_LINES = (EVENTS / "acled_current.csv").read_text(encoding="utf-8").splitlines(keepends=True)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(min_value=2, max_value=len(ACLED_LINES) - 1), geojson_first=st.booleans())
def test_a_run_after_an_appended_file_is_a_full_run(
    tmp_path_factory: pytest.TempPathFactory, cut: int, geojson_first: bool
) -> None:
    """Runs after an appended file (each reading only the records near its days,
    ``service.partial_runs``) store what a run that reads everything stores: the same findings,
    clocks and counts, whatever the split."""
    folder = tmp_path_factory.mktemp("appended")
    head, tail = folder / "head.csv", folder / "tail.csv"
    head.write_text("".join(ACLED_LINES[:cut]), encoding="utf-8")
    tail.write_text("".join(ACLED_LINES[:1] + ACLED_LINES[cut:]), encoding="utf-8")
    files = [EVENTS / "points.geojson", head, tail] if geojson_first else [head, EVENTS / "points.geojson", tail]
    store = open_store(str(folder / "cf.db"), create=True)
    try:
        init_database(store, agreement_copy(folder))
        for path in files:  # one run per appended file, each reading only the records near its days
            incremental = import_events(store, [path]).run
        forget(store.url)
        full = verify_stored(store, incremental=False)[1]
        assert incremental is not None
        assert store.run_findings(incremental.id) == store.run_findings(full.id)
        assert store.run_summary(incremental.id) == store.run_summary(full.id)
        assert (incremental.incidents, incremental.findings) == (full.incidents, full.findings)
    finally:
        store.close()


def test_a_parquet_import_stores_what_its_incidents_are(open_target: OpenTarget, tmp_path: Path) -> None:
    """A Parquet file goes in as columns (no object per row), storing the rows its ``Incident``s make."""
    pytest.importorskip("pyarrow")
    from ceasefire.scale.convert import convert

    parquet = tmp_path / "events.parquet"
    convert([EVENTS / "acled_current.csv", EVENTS / "points.geojson"], parquet)
    store = open_target()
    init_database(store, agreement_copy(tmp_path))
    (record,) = import_events(store, [parquet]).imports
    expected = [incident_row(record.id, seq, i) for seq, i in enumerate(read_events(parquet, BadRows()))]
    rows = store.db.execute(f"SELECT {', '.join(INCIDENT_COLUMNS)} FROM incidents ORDER BY seq")
    assert [tuple(r) for r in rows] == expected
    assert store.verify_log().ok
