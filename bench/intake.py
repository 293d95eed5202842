"""How fast the readers read: columnar intake against pyarrow's read of the same file (issue 16).

    PYTHONPATH=$PWD .venv/bin/python bench/intake.py --rows 1000000 --json

Writes an ACLED CSV, a UCDP GED CSV and a GDELT 2.0 TSV of ``--rows`` synthetic incidents
(``bench/synth.py``: Syria, 2016), then times for each, in this process and one after the
other: pyarrow's ``read_csv`` of the file alone (every column typed as text, the floor), the
columnar reader (``sources.columnar.read_columns``: detection, parsing, every check, the
incident columns) and, on the first ``--row-sample`` rows, the row readers
(``read_detected``), whose rate is given for comparison. Wall and CPU seconds (this process,
all threads) are both reported: on a shared machine the CPU figures move less.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth

EPOCH = 719_163


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall s, CPU s, result) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def _days(columns: dict[str, Any]) -> list[str]:
    return [str(d) for d in pd.to_datetime(columns["date"] - EPOCH, unit="D").date]


def write_acled(columns: dict[str, Any], path: Path) -> None:
    frame = pd.DataFrame(
        {
            "event_id_cnty": columns["id"],
            "event_date": _days(columns),
            "time_precision": 1,
            "event_type": np.asarray(columns["event_type"]),
            "sub_event_type": np.asarray(columns["sub_event_type"]),
            "actor1": np.asarray(columns["actor1"]),
            "actor2": np.asarray(columns["actor2"]),
            "country": "Syria",
            "latitude": columns["lat"].round(5),
            "longitude": columns["lon"].round(5),
            "geo_precision": columns["geo_precision"],
            "source": "synthetic",
            "notes": np.asarray(columns["notes"]),
            "fatalities": columns["fatalities"],
            "weapon": np.asarray(columns["weapon"]),
        }
    )
    frame.to_csv(path, index=False)


def write_ucdp(columns: dict[str, Any], path: Path) -> None:
    n = len(columns["id"])
    days = _days(columns)
    frame = pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "type_of_violence": np.where(np.arange(n) % 3 == 2, 3, 1),
            "side_a": np.asarray(columns["actor1"]),
            "side_b": np.asarray(columns["actor2"]),
            "source_headline": np.asarray(columns["notes"]),
            "where_prec": np.asarray(columns["geo_precision"]),
            "adm_1": "Aleppo",
            "latitude": columns["lat"].round(5),
            "longitude": columns["lon"].round(5),
            "country": "Syria",
            "date_prec": 1,
            "date_start": [d + " 00:00:00.000" for d in days],
            "date_end": [d + " 00:00:00.000" for d in days],
            "best": columns["fatalities"],
        }
    )
    frame.to_csv(path, index=False)


def write_gdelt(columns: dict[str, Any], path: Path) -> None:
    n = len(columns["id"])
    fields = np.full((n, 61), "", dtype=object)
    fields[:, 0] = np.arange(1, n + 1).astype(str)
    fields[:, 1] = [d.replace("-", "") for d in _days(columns)]
    fields[:, 6] = np.asarray(columns["actor1"], dtype=object)
    fields[:, 16] = np.asarray(columns["actor2"], dtype=object)
    fields[:, 26] = np.array(["190", "195", "183", "0871", "194", "1823", "042"])[np.arange(n) % 7]
    fields[:, 51] = "4"
    fields[:, 52] = "Aleppo, Halab, Syria"
    fields[:, 53] = "SY"
    fields[:, 56] = columns["lat"].round(4).astype(str)
    fields[:, 57] = columns["lon"].round(4).astype(str)
    fields[:, 60] = "https://example.org/a"
    with open(path, "w", encoding="utf-8") as out:
        out.writelines("\t".join(row) + "\n" for row in fields.tolist())


def measure(path: Path, sample: int) -> dict[str, float]:
    """pyarrow's read, the columnar reader and the row readers on one file."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from ceasefire.sources import BadRows
    from ceasefire.sources.columnar import read_columns
    from ceasefire.sources.formats import detect, read_detected

    tsv = path.suffix == ".tsv"
    parse = pacsv.ParseOptions(delimiter="\t", quote_char=False) if tsv else pacsv.ParseOptions()
    read = pacsv.ReadOptions(autogenerate_column_names=tsv)
    with open(path, encoding="utf-8") as text:
        first = text.readline().rstrip("\n").split("\t" if tsv else ",")
    header = [f"f{i}" for i in range(len(first))] if tsv else first
    convert = pacsv.ConvertOptions(column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=False)
    arrow = [timed(lambda: pacsv.read_csv(path, read_options=read, parse_options=parse, convert_options=convert))]
    arrow.append(timed(lambda: pacsv.read_csv(path, read_options=read, parse_options=parse, convert_options=convert)))
    rows = arrow[-1][2].num_rows
    found = detect(path)[0]
    wall, cpu, raw = timed(lambda: read_columns(found, BadRows(skip=True)))
    if raw is None:
        raise SystemExit(f"{path}: the columnar reader left it to the row readers")

    def rows_read() -> int:
        count = 0
        for count, _ in enumerate(read_detected(found, BadRows(skip=True)), 1):
            if count >= sample:
                break
        return count

    row_wall, row_cpu, row_count = timed(rows_read)
    arrow_wall, arrow_cpu = min(a[0] for a in arrow), min(a[1] for a in arrow)
    return {
        "rows": rows,
        "incidents": len(raw["id"]),
        "mb": round(path.stat().st_size / 1e6, 1),
        "pyarrow_read_s": round(arrow_wall, 3),
        "pyarrow_read_cpu_s": round(arrow_cpu, 3),
        "columnar_s": round(wall, 3),
        "columnar_cpu_s": round(cpu, 3),
        "columnar_rows_per_s": round(rows / wall),
        "columnar_rows_per_cpu_s": round(rows / cpu),
        "ratio_to_read": round(wall / arrow_wall, 2),
        "row_readers_rows_per_s": round(row_count / row_wall),
        "row_readers_rows_per_cpu_s": round(row_count / row_cpu),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--row-sample", type=int, default=100_000, help="rows the row readers read")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--only", choices=("acled", "ucdp", "gdelt"), action="append")
    args = parser.parse_args()
    try:  # Arrow's memory pool as `ceasefire verify` sets it (a checkout from before: the default)
        from ceasefire.arrow_memory import use_jemalloc

        use_jemalloc()
    except ImportError:
        pass
    columns = synth.incidents(args.rows)
    writers = {
        "acled": (write_acled, "acled.csv"),
        "ucdp": (write_ucdp, "ucdp.csv"),
        "gdelt": (write_gdelt, "gdelt.tsv"),
    }
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for source in args.only or writers:
            write, name = writers[source]
            path = Path(tmp) / name
            write(columns, path)
            report[source] = measure(path, args.row_sample)
    print(json.dumps(report) if args.json else json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
