"""Benchmark: ceasefire's engine against the same spatial work in geopandas, in one run.

    .venv/bin/python bench/verify.py --events 1000000 --json
    .venv/bin/python bench/verify.py --events 1000000 --json --csv   # also end to end from a CSV

``ceasefire_s``: building the incident table from columns (actor resolution included) and
evaluating every obligation (200 zones, 20 routes, every rule kind) and the clocks — everything
but file parsing. ``baseline_s``: only the spatial joins, done the usual geopandas way (points
``within`` the 200 zones; points projected to UTM 37N and ``dwithin`` the 20 routes at the
largest distance any rule uses). ``ratio`` = baseline_s / ceasefire_s. ``duckdb_s``: the same two
joins in DuckDB spatial (``ST_Within``; ``ST_Transform`` to UTM 37N then ``ST_DWithin``), which must
join the same number of pairs as geopandas; ``duckdb_ratio`` = duckdb_s / ceasefire_s. Best of
``--repeat`` runs. With ``--csv`` an ACLED CSV of the same incidents is written and ``ceasefire
verify`` is timed end to end with ``--format json`` and with ``--format parquet``, each as a ratio
to pyarrow reading that file alone in the same run (``json_ratio_to_read``, ``parquet_ratio_to_read``),
with the CPU seconds of each (``pyarrow_read_cpu_s``, ``json_cpu_s``, ``parquet_cpu_s``: the CLI's
user + system time, pyarrow's own threads). ``ceasefire_cpu_s``, ``baseline_cpu_s``,
``duckdb_cpu_s``: the CPU seconds of the process during each side's best run (DuckDB's on all its
threads), which a busy machine moves less than wall time; ``load_average`` when the run ended.
``--parquet-input`` times only ``verify --format parquet`` on a Parquet input of the same incidents
(ACLED's columns as text), against ``pyarrow.parquet.read_table`` of it, with the verify's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
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


def best_of(repeat: int, fn: Callable[[], Any], cpu: list[float] | None = None) -> tuple[float, Any]:
    """The best wall time of ``repeat`` runs and the last result; with ``cpu``, the process's CPU
    seconds (every thread: DuckDB's too) of the run with the best wall time are appended to it."""
    best, best_cpu, result = float("inf"), 0.0, None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        wall = time.perf_counter() - start
        if wall < best:
            best, best_cpu = wall, time.process_time() - start_cpu
    if cpu is not None:
        cpu.append(best_cpu)
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


def duckdb_connection() -> Any:
    """DuckDB with its spatial extension loaded from the installed wheel, offline (never the
    network: autoinstall off, the extension file LOADed by path)."""
    import duckdb
    import duckdb_extension_spatial

    path = next(Path(duckdb_extension_spatial.__file__).parent.rglob("spatial.duckdb_extension"))
    con = duckdb.connect()
    con.execute("SET autoinstall_known_extensions=false")
    con.execute("SET autoload_known_extensions=false")
    con.execute(f"LOAD '{path}'")
    return con


def run_duckdb(con: Any, columns: dict[str, Any], agreement: Any, reach_m: float) -> int:
    """The same two joins as ``run_geopandas`` in DuckDB spatial: points within the zones, and
    points within ``reach_m`` of the routes in UTM 37N (``always_xy``: lon/lat order)."""
    import pyarrow as pa
    import shapely

    points = pa.table({"lon": columns["lon"], "lat": columns["lat"]})
    zones = pa.table({"wkb": shapely.to_wkb([z.geometry for z in agreement.zones])})
    routes = pa.table({"wkb": shapely.to_wkb([r.geometry for r in agreement.routes])})
    con.register("points", points)
    con.register("zones_wkb", zones)
    con.register("routes_wkb", routes)
    utm = "'EPSG:4326', 'EPSG:32637', always_xy := true"
    inside = con.execute(
        "WITH z AS (SELECT ST_GeomFromWKB(wkb) AS g FROM zones_wkb) "
        "SELECT count(*) FROM points p JOIN z ON ST_Within(ST_Point(p.lon, p.lat), z.g)"
    ).fetchone()[0]
    near = con.execute(
        f"WITH r AS (SELECT ST_Transform(ST_GeomFromWKB(wkb), {utm}) AS g FROM routes_wkb), "
        f"p AS (SELECT ST_Transform(ST_Point(lon, lat), {utm}) AS g FROM points) "
        f"SELECT count(*) FROM p JOIN r ON ST_DWithin(p.g, r.g, {reach_m})"
    ).fetchone()[0]
    return int(inside) + int(near)


def write_acled_csv(columns: dict[str, Any], agreement: Any, folder: Path) -> Path:
    """The incidents as an ACLED CSV beside their agreement.yaml in ``folder``; the CSV's path."""
    import numpy as np
    import pandas as pd

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
    return csv_path


def cli_run(folder: Path, source: Path, fmt: str) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MB) of ``ceasefire verify --format FMT --out FILE`` on the
    source file, in a fresh process (CPU: user + system of the child; the peak RSS is the
    largest of every child so far, so give the biggest run last)."""
    cli = Path(sys.executable).parent / "ceasefire"
    out = folder / f"out.{fmt}"
    cmd = [str(cli), "verify", str(folder / "agreement.yaml"), str(source), "--format", fmt, "--out", str(out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu, after.ru_maxrss / 1024


def cli_seconds(folder: Path, csv_path: Path, fmt: str) -> float:
    """Wall time of ``ceasefire verify --format FMT --out FILE`` on the CSV, in a fresh process."""
    return cli_run(folder, csv_path, fmt)[0]


def read_cpu(fn: Callable[[], Any]) -> float:
    """CPU seconds (every thread of this process) of the best of 2 runs of ``fn``."""
    best = float("inf")
    for _ in range(2):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def end_to_end(columns: dict[str, Any], agreement: Any) -> dict[str, float]:
    """``verify --format json`` and ``--format parquet`` from an ACLED CSV, each against
    pyarrow reading that same file in the same run (best of 2 reads, after the CSV is cached)."""
    import pyarrow.csv as pacsv

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv_path = write_acled_csv(columns, agreement, folder)
        arrow_s, _ = best_of(2, lambda: pacsv.read_csv(csv_path))
        arrow_cpu = read_cpu(lambda: pacsv.read_csv(csv_path))
        json_s, json_cpu, _ = cli_run(folder, csv_path, "json")
        parquet_s, parquet_cpu, _ = cli_run(folder, csv_path, "parquet")
        return {
            "csv_mb": round(csv_path.stat().st_size / 1e6, 1),
            "pyarrow_read_s": round(arrow_s, 3),
            "pyarrow_read_cpu_s": round(arrow_cpu, 3),
            "json_s": round(json_s, 3),
            "json_cpu_s": round(json_cpu, 3),
            "json_ratio_to_read": round(json_s / arrow_s, 1),
            "parquet_s": round(parquet_s, 3),
            "parquet_cpu_s": round(parquet_cpu, 3),
            "parquet_ratio_to_read": round(parquet_s / arrow_s, 1),
            "json_mb": round((folder / "out.json").stat().st_size / 1e6, 1),
        }


def parquet_input(events: int) -> dict[str, float]:
    """``verify --format parquet`` from a Parquet input of ``events`` incidents (ACLED's columns,
    as the CSV, every column as text), against pyarrow reading that Parquet file alone; with the
    peak RSS of the verify. The generated columns are dropped before the verify runs."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv_path = write_acled_csv(synth.incidents(events), synth.agreement(), folder)
        names = pacsv.read_csv(csv_path, read_options=pacsv.ReadOptions(skip_rows_after_names=10**9)).column_names
        text = pacsv.ConvertOptions(column_types=dict.fromkeys(names, "string"))
        source = folder / "incidents.parquet"
        pq.write_table(pacsv.read_csv(csv_path, convert_options=text), source, compression="zstd")
        csv_path.unlink()
        read_s, _ = best_of(2, lambda: pq.read_table(source))
        wall, cpu, peak = cli_run(folder, source, "parquet")
        return {
            "parquet_input_mb": round(source.stat().st_size / 1e6, 1),
            "parquet_input_read_s": round(read_s, 3),
            "parquet_input_read_cpu_s": round(read_cpu(lambda: pq.read_table(source)), 3),
            "parquet_input_verify_s": round(wall, 3),
            "parquet_input_verify_cpu_s": round(cpu, 3),
            "parquet_input_ratio_to_read": round(wall / read_s, 1),
            "parquet_input_peak_rss_mb": round(peak, 1),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--csv", action="store_true", help="also time the CLI end to end on a CSV")
    parser.add_argument(
        "--parquet-input", action="store_true", help="only time `verify --format parquet` on a Parquet input"
    )
    args = parser.parse_args()

    if args.parquet_input:  # alone: the engine comparisons would double the memory of a 10M run
        report = {"events": args.events, **parquet_input(args.events)}
        print(json.dumps(report) if args.json else "\n".join(f"{k}: {v}" for k, v in report.items()))
        return
    columns = synth.incidents(args.events)
    agreement = synth.agreement()
    cpu: list[float] = []
    ceasefire_s, result = best_of(args.repeat, lambda: run_ceasefire(columns, agreement), cpu)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    reach = max(
        max(m for _, m in o.rule.weapons) if o.rule.weapons else o.rule.distance_m or 0
        for o in agreement.obligations
        if o.rule and o.rule.kind in ("keep_clear", "humanitarian_access")
    )
    baseline_s, joined = best_of(args.repeat, lambda: run_geopandas(columns, agreement, reach), cpu)
    con = duckdb_connection()
    duckdb_s, duck_joined = best_of(args.repeat, lambda: run_duckdb(con, columns, agreement, reach), cpu)
    if duck_joined != joined:
        raise SystemExit(f"DuckDB joined {duck_joined} pairs, geopandas {joined}: not the same work")
    report: dict[str, Any] = {
        "events": args.events,
        "ceasefire_s": round(ceasefire_s, 3),
        "baseline_s": round(baseline_s, 3),
        "ratio": round(baseline_s / ceasefire_s, 2),
        "duckdb_s": round(duckdb_s, 3),
        "duckdb_ratio": round(duckdb_s / ceasefire_s, 2),
        "duckdb_threads": con.execute("SELECT current_setting('threads')").fetchone()[0],
        "ceasefire_cpu_s": round(cpu[0], 3),
        "baseline_cpu_s": round(cpu[1], 3),
        "duckdb_cpu_s": round(cpu[2], 3),
        "load_average": [round(x, 2) for x in os.getloadavg()],
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
