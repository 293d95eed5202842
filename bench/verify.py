"""Benchmark: ceasefire's engine against the same spatial work in geopandas, in one run.

    .venv/bin/python bench/verify.py --events 1000000 --json
    .venv/bin/python bench/verify.py --events 1000000 --json --csv   # also end to end from a CSV

``ceasefire_s``: building the incident table from columns (actor resolution included) and
evaluating every obligation (200 zones, 20 routes, every rule kind) and the clocks — everything
but file parsing. ``baseline_s``: only the spatial joins, done the usual geopandas way (points
``within`` the 200 zones; points projected to UTM 37N and ``dwithin`` the 20 routes at the
largest distance any rule uses). ``ratio`` = baseline_s / ceasefire_s. Best of ``--repeat`` runs.
With ``--csv`` an ACLED CSV of the same incidents is written and ``ceasefire verify --format
json`` is timed end to end next to pyarrow reading that file alone.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth

from ceasefire.actor_resolution import AliasResolver
from ceasefire.table import IncidentTable
from ceasefire.verification import verify_table


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def run_ceasefire(columns: dict[str, Any], agreement: Any) -> Any:
    resolver = AliasResolver(agreement)
    table = IncidentTable.from_columns(columns, resolver)
    return verify_table(agreement, table, resolver)


def run_geopandas(columns: dict[str, Any], agreement: Any, reach_m: float) -> int:
    import geopandas as gpd

    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(columns["lon"], columns["lat"]), crs="EPSG:4326")
    zones = gpd.GeoDataFrame(geometry=[z.geometry for z in agreement.zones], crs="EPSG:4326")
    routes = gpd.GeoDataFrame(geometry=[r.geometry for r in agreement.routes], crs="EPSG:4326")
    in_zones = gpd.sjoin(points, zones, predicate="within")
    metric = points.to_crs("EPSG:32637")
    near = gpd.sjoin(metric, routes.to_crs("EPSG:32637"), predicate="dwithin", distance=reach_m)
    return len(in_zones) + len(near)


def end_to_end(columns: dict[str, Any], agreement: Any) -> dict[str, float]:
    import numpy as np
    import pandas as pd
    import pyarrow.csv as pacsv

    import ceasefire

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "agreement.yaml").write_text(synth.agreement_yaml(agreement))
        frame = pd.DataFrame(
            {
                "event_id_cnty": columns["id"],
                "event_date": [str(d) for d in pd.to_datetime(columns["date"] - 719163, unit="D").date],
                "time_precision": 1,
                "event_type": np.asarray(columns["event_type"]),
                "sub_event_type": np.asarray(columns["sub_event_type"]),
                "actor1": np.asarray(columns["actor1"]),
                "assoc_actor_1": "",
                "actor2": np.asarray(columns["actor2"]),
                "assoc_actor_2": "",
                "country": "Syria",
                "admin1": "",
                "location": "",
                "latitude": columns["lat"].round(5),
                "longitude": columns["lon"].round(5),
                "geo_precision": columns["geo_precision"],
                "source": "synthetic",
                "notes": np.asarray(columns["notes"]),
                "fatalities": columns["fatalities"],
                "weapon": np.asarray(columns["weapon"]),
            }
        )
        csv_path = folder / "events.csv"
        frame.to_csv(csv_path, index=False)
        del frame
        arrow_s, _ = best_of(1, lambda: pacsv.read_csv(csv_path))
        cli = Path(sys.executable).parent / "ceasefire"
        cmd = [
            str(cli),
            "verify",
            str(folder / "agreement.yaml"),
            str(csv_path),
            "--format",
            "json",
            "--out",
            str(folder / "out.json"),
        ]
        start = time.perf_counter()
        subprocess.run(cmd, check=True)
        cli_s = time.perf_counter() - start
        assert ceasefire.__version__
        return {
            "end_to_end_s": round(cli_s, 3),
            "pyarrow_read_s": round(arrow_s, 3),
            "csv_mb": round(csv_path.stat().st_size / 1e6, 1),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--csv", action="store_true", help="also time the CLI end to end on a CSV")
    args = parser.parse_args()

    columns = synth.incidents(args.events)
    agreement = synth.agreement()
    ceasefire_s, result = best_of(args.repeat, lambda: run_ceasefire(columns, agreement))
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    reach = max(
        max(m for _, m in o.rule.weapons) if o.rule.weapons else o.rule.distance_m or 0
        for o in agreement.obligations
        if o.rule and o.rule.kind in ("keep_clear", "humanitarian_access")
    )
    baseline_s, _ = best_of(args.repeat, lambda: run_geopandas(columns, agreement, reach))
    report: dict[str, Any] = {
        "events": args.events,
        "ceasefire_s": round(ceasefire_s, 3),
        "baseline_s": round(baseline_s, 3),
        "ratio": round(baseline_s / ceasefire_s, 2),
        "peak_rss_mb": round(peak_rss_mb, 1),
        "findings": len(result.findings),
        "zones": len(agreement.zones),
        "routes": len(agreement.routes),
    }
    if args.csv:
        report.update(end_to_end(columns, agreement))
    print(json.dumps(report) if args.json else "\n".join(f"{k}: {v}" for k, v in report.items()))


if __name__ == "__main__":
    main()
