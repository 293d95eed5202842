"""Where ``ceasefire verify`` spends its time, stage by stage, in one process (issue 16).

    .venv/bin/python bench/stages.py --events 1000000 --json

Stages on an ACLED CSV written by bench/verify.py's generator: ``pyarrow_read`` (the floor: the
file read alone), ``read_validate`` (the row readers: parse, validate, Incident objects),
``resolve_table`` (actor resolution and the incident columns), ``read_validate_columns`` and
``resolve_table_columns`` (the same through the columnar intake, what ``verify`` runs since issue
16: ``sources.columnar.read_files``, then ``IncidentTable.from_columns``), ``engine`` (``verify_table``),
then for the output: ``assemble_objects``/``write_json_objects`` (the per-Finding path:
``materialize``, then ``json.dumps`` of each document) and, where the code has them,
``assemble_columns``/``write_json_columns``/``write_parquet`` (``finding_columns`` and the
column writers). Run it with PYTHONPATH on an older checkout for the "before" figures;
``--no-row-readers`` skips the row readers' stages, ``--intake-only`` the engine and the outputs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth
import verify as bench

from ceasefire.actor_resolution import AliasResolver
from ceasefire.agreement import load_agreement
from ceasefire.sources import BadRows, iter_files
from ceasefire.table import IncidentTable
from ceasefire.verification import verify_table


def timed(times: dict[str, float], name: str, fn: Callable[[], Any]) -> Any:
    """Run ``fn``; record its wall time as ``name`` and its CPU time (all threads of this
    process, less sensitive to a busy machine) as ``name_cpu``."""
    start, cpu = time.perf_counter(), time.process_time()
    result = fn()
    times[name] = round(time.perf_counter() - start, 3)
    times[name + "_cpu"] = round(time.process_time() - cpu, 3)
    return result


def output_stages(times: dict[str, float], v: Any, folder: Path) -> None:
    findings = timed(times, "assemble_objects", lambda: list(v.finding_objects()))
    timed(times, "write_json_objects", lambda: [json.dumps(f.to_document(), ensure_ascii=False) for f in findings])
    findings.clear()
    try:
        from ceasefire import column_writers
        from ceasefire.finding_columns import finding_columns
    except ImportError:  # a checkout from before the columnar outputs
        return
    fc = timed(times, "assemble_columns", lambda: finding_columns(v))
    with open(os.devnull, "w", encoding="utf-8") as sink:
        timed(times, "write_json_columns", lambda: column_writers.write_json(fc, "", "", sink))
    with open(folder / "out.parquet", "wb") as fp:
        timed(times, "write_parquet", lambda: column_writers.write_parquet(fc, fp))


def intake_stages(times: dict[str, float], csv_path: Path, resolver: Any) -> Any:
    """The columnar intake's stages; None on a checkout from before it."""
    try:
        from ceasefire.sources.columnar import read_files
    except ImportError:
        return None
    raw = timed(times, "read_validate_columns", lambda: read_files([csv_path], BadRows(skip=False)))
    return timed(times, "resolve_table_columns", lambda: IncidentTable.from_columns(raw, resolver))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--no-row-readers", action="store_true", help="skip the row readers' stages")
    parser.add_argument("--intake-only", action="store_true", help="stop before the engine")
    args = parser.parse_args()
    try:  # Arrow's memory pool as `ceasefire verify` sets it (a checkout from before: the default)
        from ceasefire.arrow_memory import use_jemalloc

        use_jemalloc()
    except ImportError:
        pass
    times: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv_path = bench.write_acled_csv(synth.incidents(args.events), synth.agreement(), folder)
        agreement = load_agreement(folder / "agreement.yaml")
        import pyarrow.csv as pacsv

        pacsv.read_csv(csv_path)  # the file in the page cache, as for every stage after
        timed(times, "pyarrow_read", lambda: pacsv.read_csv(csv_path))
        resolver = AliasResolver(agreement)
        if not args.no_row_readers:
            incidents = timed(times, "read_validate", lambda: list(iter_files([csv_path], BadRows(skip=False))))
            table = timed(times, "resolve_table", lambda: IncidentTable.from_incidents(incidents, resolver))
            incidents.clear()
        table = intake_stages(times, csv_path, resolver) or table
        if args.intake_only:
            print(json.dumps(times) if args.json else "\n".join(f"{k}: {val}" for k, val in times.items()))
            return
        v = timed(times, "engine", lambda: verify_table(agreement, table, resolver))
        times["findings"] = len(v.findings)
        output_stages(times, v, folder)
    print(json.dumps(times) if args.json else "\n".join(f"{k}: {val}" for k, val in times.items()))


if __name__ == "__main__":
    main()
