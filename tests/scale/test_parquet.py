"""Parquet intake: convert, ACLED-named Parquet, hive folders, detection, bad rows, duplicates."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from ceasefire.agreement import load_agreement
from ceasefire.cli import app
from ceasefire.errors import InputError
from ceasefire.formats import render
from ceasefire.pipeline import verify
from ceasefire.rules.clocks import MAX_DAYS
from ceasefire.scale.convert import convert
from ceasefire.sources import BadRows, detect_format, read_events
from ceasefire.verification import Verification

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "syria-2016-09"
AGREEMENT = EXAMPLE / "agreement.yaml"
EVENTS = EXAMPLE / "incidents.csv"


def render_text(v: Verification, fmt: str) -> str:
    out = io.StringIO()
    render(v, fmt, out)
    return out.getvalue()


def as_json(paths: list[Path], **options: object) -> dict[str, object]:
    doc = json.loads(render_text(verify(load_agreement(AGREEMENT), paths, **options), "json"))  # type: ignore[arg-type]
    doc.pop("inputs")
    return doc  # type: ignore[no-any-return]


def acled_parquet(folder: Path, row_group_size: int = 40, source: Path = EVENTS) -> Path:
    table = pacsv.read_csv(source, convert_options=pacsv.ConvertOptions(strings_can_be_null=False))
    path = folder / "acled.parquet"
    pq.write_table(table, path, row_group_size=row_group_size)
    return path


def test_converted_parquet_verifies_like_the_csv(tmp_path: Path) -> None:
    written, _ = convert([EVENTS], tmp_path / "events.parquet", batch=50)
    assert written == 116 and pq.ParquetFile(tmp_path / "events.parquet").num_row_groups == 3
    assert as_json([tmp_path / "events.parquet"]) == as_json([EVENTS])


def test_acled_named_parquet_is_normalized_like_the_csv(tmp_path: Path) -> None:
    assert as_json([acled_parquet(tmp_path)]) == as_json([EVENTS])


def test_hive_folder_and_period(tmp_path: Path) -> None:
    table = pq.read_table(acled_parquet(tmp_path))
    pq.write_to_dataset(
        table.append_column("month", pa.array(["2016-09"] * table.num_rows)),
        tmp_path / "hive",
        partition_cols=["month"],
    )
    assert detect_format(tmp_path / "hive") == "parquet"
    period = {"date_from": __import__("datetime").date(2016, 9, 15)}
    assert as_json([tmp_path / "hive"], **period) == as_json([EVENTS], **period)


def test_repeated_ids_across_files_are_counted_once(tmp_path: Path) -> None:
    path = acled_parquet(tmp_path)
    twice = verify(load_agreement(AGREEMENT), [path, EVENTS])
    assert twice.intake.duplicates == 116 and twice.intake.incidents == 116
    assert render_text(twice, "csv") == render_text(verify(load_agreement(AGREEMENT), [EVENTS, EVENTS]), "csv")


def test_detected_by_content_not_name(tmp_path: Path) -> None:
    disguised = tmp_path / "events.csv"
    shutil.copy(acled_parquet(tmp_path), disguised)
    assert detect_format(disguised) == "parquet"
    assert len(list(read_events(disguised, BadRows()))) == 116


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("latitude", 95.0, "latitude: 95 is out of range (-90 to 90)"),
        ("event_type", "Picnic", "event_type: 'Picnic' is not an ACLED event type"),
        ("geo_precision", 7, "geo_precision: '7' is not a valid code"),
    ],
    ids=["latitude", "event-type", "geo-precision"],
)
def test_bad_rows_name_file_row_and_column(tmp_path: Path, column: str, value: object, message: str) -> None:
    table = pq.read_table(acled_parquet(tmp_path))
    values = table[column].to_pylist()
    values[4] = value
    table = table.set_column(table.column_names.index(column), column, pa.array(values, table[column].type))
    pq.write_table(table, tmp_path / "bad.parquet", row_group_size=40)
    with pytest.raises(InputError, match=re.escape(f"bad.parquet:5: {message}")):
        verify(load_agreement(AGREEMENT), [tmp_path / "bad.parquet"])
    skipped = verify(load_agreement(AGREEMENT), [tmp_path / "bad.parquet"], skip_bad_rows=True)
    assert skipped.intake.bad_row_count == 1 and skipped.intake.incidents == 115


def test_cli_convert_then_verify(tmp_path: Path) -> None:
    runner = CliRunner()
    done = runner.invoke(app, ["convert", str(EVENTS), "--to", "parquet", "--out", str(tmp_path / "e.parquet")])
    assert done.exit_code == 0, done.output
    assert "116 incidents" in done.output
    bad = runner.invoke(app, ["convert", str(EVENTS), "--to", "feather"])
    assert bad.exit_code == 2 and "--to: 'feather'" in bad.output
    out = runner.invoke(app, ["verify", str(AGREEMENT), str(tmp_path / "e.parquet"), "--format", "json"])
    assert out.exit_code == 0 and json.loads(out.output)["inputs"]["incidents"] == 116
    wrong = runner.invoke(app, ["verify", str(AGREEMENT), str(EVENTS), "--scheduler", "tcp://127.0.0.1:1"])
    assert wrong.exit_code == 2 and "--scheduler: only with --engine dask" in wrong.output


def test_a_far_future_date_reads_alike_as_csv_and_parquet_and_clocks_stay_bounded(tmp_path: Path) -> None:
    """Files are read without a bound on their dates (a file's findings must not depend on the
    day it is read); one event dated 9999-12-31 once made every clock list three million days."""
    lines = EVENTS.read_text(encoding="utf-8").splitlines()
    far = re.sub(r"^[^,]+,[^,]+,", "SYR-FAR-1,9999-12-31,", lines[-1])
    csv_path = tmp_path / "far.csv"
    csv_path.write_text("\n".join([*lines, far]) + "\n", encoding="utf-8")
    local = as_json([csv_path])
    assert local == as_json([acled_parquet(tmp_path, source=csv_path)])
    clocks = local["clocks"]
    assert isinstance(clocks, list) and clocks
    assert all(len(c["days"]) == MAX_DAYS for c in clocks)
