"""Benchmark: event linking through the partitioned engine (issue 13), in this process and on Dask.

    PYTHONPATH=$PWD .venv/bin/python bench/scale_linking.py --records 1000000
    PYTHONPATH=$PWD .venv/bin/python bench/scale_linking.py --records 1000000 --engine dask \\
        --scheduler tcp://127.0.0.1:8799 --worker-pids 1234,1235

Generates ``--records`` records of three sources (``bench/fusion.py``'s speed set: true events
over all of Syria and three years, each reported by 2-3 of an ACLED-like, a UCDP-like and a
monitors' file), writes them to one Parquet file in the ``incidents`` layout (its ``file``
column names the three sources, as ``ceasefire convert acled.csv ged.csv monitor.geojson``
writes it) and verifies it with ``scale.engine.run_partitions`` then the reduction, in a fresh
subprocess. Prints wall seconds, the verifying process's CPU seconds (``time.process_time``) and
peak RSS (VmHWM), the CPU seconds the given Dask workers spent (from /proc), the load average,
the findings and the records linked into events of more than one record.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fusion
import numpy as np
import pyarrow.parquet as pq
from scale import incident_arrow

from ceasefire.sources.columns import INCIDENT_SCHEMA

STEP = 250_000


def records(n: int, seed: int) -> dict[str, Any]:
    """About ``n`` records of three sources (``fusion.speed``'s set)."""
    rng = np.random.default_rng(seed)
    n_events = int(n / 2.25)
    ev = fusion.true_events(rng, n_events, fusion.Noise())
    ev["lat"] = rng.uniform(32.3, 37.3, n_events)
    ev["lon"] = rng.uniform(35.7, 42.3, n_events)
    ev["day"] = fusion.START.toordinal() + rng.integers(0, 3 * 365, n_events)
    cols, _ = fusion.reports(rng, ev, fusion.Noise())
    keep = cols["file"] != fusion.SOURCES[3]
    return {k: v[keep] for k, v in cols.items()}


def write(path: Path, cols: dict[str, Any]) -> int:
    """The columns as Parquet in the ``incidents`` layout; returns the rows written."""
    n = len(cols["id"])
    with pq.ParquetWriter(path, INCIDENT_SCHEMA, compression="zstd") as writer:
        for start in range(0, n, STEP):
            part = {k: v[start : start + STEP] for k, v in cols.items()}
            writer.write_table(incident_arrow(part), row_group_size=STEP)
    return n


def worker_cpu(pids: list[int]) -> float:
    """CPU seconds (user + system) the processes ``pids`` have spent so far."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / tick


def run(engine: str, path: str, scheduler: str | None, pids: list[int]) -> dict[str, Any]:
    """One verification in this (fresh) process."""
    from ceasefire.scale import engine as scale_engine

    agreement = fusion.agreement()
    load0 = os.getloadavg()[0]
    workers0 = worker_cpu(pids)
    wall0, cpu0 = time.perf_counter(), time.process_time()
    reduction = scale_engine.run_partitions(agreement, [path], engine=engine, scheduler=scheduler)
    reduce0, reduce_cpu0 = time.perf_counter(), time.process_time()
    v = reduction.verification()
    out = {
        "engine": engine,
        "wall_s": round(time.perf_counter() - wall0, 2),
        "cpu_s": round(time.process_time() - cpu0, 2),
        "reduce_wall_s": round(time.perf_counter() - reduce0, 2),
        "reduce_cpu_s": round(time.process_time() - reduce_cpu0, 2),
        "workers_cpu_s": round(worker_cpu(pids) - workers0, 2) if pids else None,
        "load_before": round(load0, 2),
        "load_after": round(os.getloadavg()[0], 2),
        "peak_rss_mb": _peak_rss_mb(),
        "incidents": v.intake.incidents,
        "findings": len(v.findings),
        "linked_records": int(v.events.links.linked.sum()) if v.events is not None else 0,
        "links": len(v.events.links.a) if v.events is not None else 0,
    }
    return out


def _peak_rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
    return round(kb / 1024, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--engine", default="local", choices=("local", "dask"))
    parser.add_argument("--scheduler", help="tcp://HOST:PORT of a running scheduler (dask)")
    parser.add_argument("--worker-pids", default="", help="comma-separated PIDs of its workers, for their CPU")
    parser.add_argument("--file", type=Path, help="an existing Parquet file written by this script")
    parser.add_argument("--run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    pids = [int(p) for p in args.worker_pids.split(",") if p]
    if args.run:
        print(json.dumps(run(args.engine, str(args.file), args.scheduler, pids)))
        return
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        path = args.file or Path(tmp) / "records.parquet"
        if args.file is None:
            write(path, records(args.records, args.seed))
        command = [sys.executable, __file__, "--run", "--engine", args.engine, "--file", str(path)]
        command += ["--worker-pids", args.worker_pids] + (["--scheduler", args.scheduler] if args.scheduler else [])
        done = subprocess.run(command, check=True, capture_output=True, text=True)
    print(done.stdout.strip())


if __name__ == "__main__":
    main()
