"""Benchmark: the run after 100 reports over a stored database, in one process (issue 14).

    cp -r /work/s1m_base /tmp/s1m_copy   # a store bench/serve_scale.py --store built: never the original
    PYTHONPATH=$PWD .venv/bin/python bench/incremental_run.py /tmp/s1m_copy
    PYTHONPATH=$PWD .venv/bin/python bench/incremental_run.py /tmp/s1m_copy --check

Warms what ``ceasefire serve`` warms when it starts (the agreement, each import's date extent),
submits 100 reports as ``serve_scale.py`` does (``POST /api/v1/reports``'s store call), times
``verify_stored`` (CPU and wall seconds, the load average, peak RSS). ``--check`` then makes a
full run and compares: summary, summary rows, and every day's finding rows. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from pathlib import Path
from typing import Any

from ceasefire.service.bundles import load_bundle
from ceasefire.service.stored_columns import import_extents
from ceasefire.service.workflow import verify_stored
from ceasefire.store import SQLStore, open_store
from ceasefire.store.log_entries import FINDING_ROW_COLUMNS
from ceasefire.store.protocol import ReportSubmission, Submitter

REPORTS = 100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="a copy of a serve_scale.py --store folder (scale.db, log.key)")
    parser.add_argument("--db", help="the database (default FOLDER/scale.db)")
    parser.add_argument("--check", action="store_true", help="then a full run, compared day by day")
    args = parser.parse_args()
    store = open_store(
        args.db or str(args.folder / "scale.db"), key=args.folder / "log.key", evidence=args.folder / "evidence"
    )
    out: dict[str, Any] = {"warm_cpu_s": _cpu(lambda: _warm(store))}
    monitor = Submitter(1, "monitor")
    for k in range(REPORTS):
        store.submit_report(monitor, _report(k))
    out["load_average"] = os.getloadavg()
    cpu, wall = time.process_time(), time.perf_counter()
    v, run = verify_stored(store)
    out["run_cpu_s"], out["run_s"] = round(time.process_time() - cpu, 2), round(time.perf_counter() - wall, 2)
    out |= {"run": run.id, "incidents": run.incidents, "findings": run.findings, "records_read": len(v.table)}
    out["rows_stored"] = store.db.execute("SELECT COUNT(*) FROM finding_rows WHERE run_id = ?", (run.id,))[0][0]
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    if args.check:
        out["check"] = _check(store, run.id)
    print(json.dumps(out))


def _warm(store: SQLStore) -> None:
    version = store.current_agreement()
    assert version is not None
    load_bundle(version.bundle)
    import_extents(store)


def _cpu(fn: Any) -> float:
    start = time.process_time()
    fn()
    return round(time.process_time() - start, 2)


def _report(k: int) -> ReportSubmission:
    return ReportSubmission(
        f"bench report {k}",
        "",
        "2016-09-19",
        36.149 + k * 1e-4,
        36.950,
        "Explosions/Remote violence",
        "Air/drone strike",
        "Military Forces of Syria",
        "Civilians (Syria)",
        "aircraft",
        0,
        (),
    )


def _check(store: SQLStore, run_id: int) -> dict[str, Any]:
    """A full run beside run ``run_id``, and what differs between them."""
    full = verify_stored(store, incremental=False)[1]
    days, query = store.run_days(run_id), f"SELECT {', '.join(FINDING_ROW_COLUMNS[2:])} FROM finding_rows"
    query += " WHERE run_id = ? AND date = ? ORDER BY seq"
    differing = [
        day
        for day, src in days.items()
        if store.db.execute(query, (src.source_run, day)) != store.db.execute(query, (full.id, day))
    ]
    counts = [sorted(map(repr, part)) for part in (*store.run_counts(run_id), *store.run_counts(full.id))]
    return {
        "summary_equal": store.run_summary(run_id) == store.run_summary(full.id),
        "counts_equal": counts[:2] == counts[2:],
        "same_days": sorted(days) == sorted(store.run_days(full.id)),
        "days_differing": differing,
        "days": len(days),
    }


if __name__ == "__main__":
    main()
