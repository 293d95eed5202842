"""Benchmark: the partitioned engine at 10M+ incidents, in this process and on Dask (issue 6).

    .venv/bin/python bench/scale.py --events 10000000 --json

Writes N seeded synthetic incidents (``bench/synth.py``, a million at a time) to one Parquet file
in the ``incidents`` layout, then verifies it against the synthetic agreement (every rule kind,
200 zones, 20 routes) twice, each in a fresh subprocess:

* ``local``: ``run_partitions(engine="local")`` then the reduction — partitions one after the
  other; reports events/s, the peak RSS of that verifying process alone (``VmHWM``; the generator
  runs in the parent, whose peak is not counted), the seconds of every partition and how long
  until the first progress callback;
* ``dask``: the same on a ``LocalCluster`` of 2 worker processes (startup included, and
  reported apart); ``overhead`` = dask_s / local_s; its peak RSS is the client's (workers apart).

``--file PATH`` verifies an existing Parquet file in the ``incidents`` layout instead of writing
one (``--events`` is then its row count, for the rates).

Output is not written (materializing millions of findings is measured in bench/verify.py).
``estimate_500m`` is a paper estimate for 500M GDELT rows on 16 workers from the per-partition
timings; its assumptions are printed with it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import synth

from ceasefire.sources.columns import EPOCH_ORDINAL, INCIDENT_SCHEMA

STEP = 1_000_000


def write_events(path: Path, events: int) -> None:
    """N synthetic incidents as Parquet, generated and written a million at a time."""
    with pq.ParquetWriter(path, INCIDENT_SCHEMA, compression="zstd") as writer:
        for start in range(0, events, STEP):
            n = min(STEP, events - start)
            columns = synth.incidents(n, seed=20160912 + start)
            columns["id"] = np.array([f"SYN{i}" for i in range(start, start + n)], dtype=object)
            writer.write_table(incident_arrow(columns), row_group_size=250_000)


def incident_arrow(columns: dict[str, Any]) -> pa.Table:
    """Synthetic columns in the ``incidents`` layout (absent ones: defaults; dates as ordinals)."""
    n = len(columns["id"])
    data: dict[str, Any] = {}
    for field in INCIDENT_SCHEMA:
        value = columns.get(field.name)
        if field.name in ("date", "date_end") and value is not None:
            days = np.asarray(value, np.int64)  # ordinals, 0 where there is none
            data[field.name] = pa.array((days - EPOCH_ORDINAL).astype(np.int32), mask=days == 0).cast(pa.date32())
        elif pa.types.is_dictionary(field.type):
            text = np.full(n, "", dtype=object) if value is None else np.asarray(value, dtype=object)
            data[field.name] = pa.array(text, pa.string()).dictionary_encode()
        elif pa.types.is_date(field.type):
            data[field.name] = pa.nulls(n, field.type)
        elif value is None:
            data[field.name] = pa.array(np.full(n, 1 if field.name == "date_precision" else 0)).cast(field.type)
        else:
            data[field.name] = pa.array(np.asarray(value)).cast(field.type)
    return pa.table(data).cast(INCIDENT_SCHEMA)


def run(engine: str, events_file: str) -> dict[str, Any]:
    """One verification in this (fresh) process; ``peak_rss_mb`` is this process's own peak
    (VmHWM: ``ru_maxrss`` would also count the parent's peak, which a vfork child inherits)."""
    from ceasefire.scale import engine as scale_engine

    agreement = synth.agreement()
    ticks: list[float] = []
    start = time.perf_counter()
    reduction = scale_engine.run_partitions(
        agreement, [events_file], engine=engine, progress=lambda rows: ticks.append(time.perf_counter())
    )
    reduce_start = time.perf_counter()
    verification = reduction.verification()
    tallies = [reduction.tallies[i] for i in sorted(reduction.tallies)]
    return {
        "seconds": round(time.perf_counter() - start, 2),
        "repeats_s": round(reduction.repeats_s, 2),
        "reduce_s": round(time.perf_counter() - reduce_start, 2),
        "partitions": len(tallies),
        "part_rows": [t.admitted for t in tallies],
        "part_s": [round(t.seconds, 3) for t in tallies],
        "first_progress_s": round(ticks[0] - start, 2) if ticks else None,
        "progress_calls": len(ticks),
        "findings": len(verification.findings),
        "incidents": verification.intake.incidents,
        "peak_rss_mb": peak_rss_mb(),
    }


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM), in MB."""
    status = Path("/proc/self/status").read_text()
    kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
    return round(kb / 1024, 1)


def cluster_startup() -> float:
    from distributed import Client, LocalCluster

    start = time.perf_counter()
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)  # type: ignore[no-untyped-call]
    with cluster, Client(cluster):  # type: ignore[no-untyped-call]
        return time.perf_counter() - start


ASSUMPTIONS = (
    "500M GDELT rows converted once to Parquet (convert, or a BigQuery export) on storage every worker reads;",
    "per-row cost as measured here for synthetic ACLED-like rows (GDELT rows are no costlier once normalized);",
    "16 workers, one core each, as fast as one core here; partitions of 500k rows, ~1000 of them, so",
    "stragglers cost at most one partition; the repeated-id check (a sort of 64-bit id hashes) and the reduce",
    "are serial on the client and scale linearly from their measured times; only incidents with findings",
    "travel back (here ~77% of them).",
)


def estimate(local: dict[str, Any], rows: int = 500_000_000, workers: int = 16) -> dict[str, Any]:
    per_row = sum(local["part_s"]) / max(1, sum(local["part_rows"]))
    scale = rows / max(1, local["incidents"])
    serial = (local["repeats_s"] + local["reduce_s"]) * scale
    parallel = per_row * rows / workers
    return {
        "rows": rows,
        "workers": workers,
        "parallel_s": round(parallel),
        "serial_s": round(serial),
        "total_min": round((parallel + serial) / 60, 1),
        "assumptions": " ".join(ASSUMPTIONS),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--file", type=Path, help="an existing Parquet file to verify (nothing generated)")
    parser.add_argument("--run", nargs=2, metavar=("ENGINE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run(*args.run)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = args.file or Path(tmp) / "events.parquet"
        if args.file is None:
            write_events(path, args.events)
        runs = {
            e: json.loads(
                subprocess.run(
                    [sys.executable, __file__, "--run", e, str(path)], check=True, capture_output=True, text=True
                ).stdout
            )
            for e in ("local", "dask")
        }
    local, dask = runs["local"], runs["dask"]
    report = {
        "events": args.events,
        "local_s": local["seconds"],
        "local_events_per_s": round(args.events / local["seconds"]),
        "local_peak_rss_mb": local["peak_rss_mb"],
        "local_first_progress_s": local["first_progress_s"],
        "dask_s": dask["seconds"],
        "dask_client_peak_rss_mb": dask["peak_rss_mb"],
        "dask_events_per_s": round(args.events / dask["seconds"]),
        "dask_startup_s": round(cluster_startup(), 2),
        "overhead": round(dask["seconds"] / local["seconds"], 2),
        "findings": local["findings"],
        "same_findings": local["findings"] == dask["findings"],
        "partitions": local["partitions"],
        "repeats_s": local["repeats_s"],
        "reduce_s": local["reduce_s"],
        "dask_reduce_s": dask["reduce_s"],
        "estimate_500m": estimate(local),
    }
    print(json.dumps(report) if args.json else "\n".join(f"{k}: {v}" for k, v in report.items()))


if __name__ == "__main__":
    main()
