"""Benchmark: the server's exports streamed (issue 14), each format, over real HTTP.

    PYTHONPATH=$PWD .venv/bin/python bench/exports.py --incidents 130000
    PYTHONPATH=$PWD .venv/bin/python bench/exports.py --folder DIR   # a store bench/exports.py built
    PYTHONPATH=$PWD .venv/bin/python bench/exports.py --incidents 130000 --db postgresql://USER:PW@HOST/DB

Builds a store of N seeded synthetic incidents the way ``bench/serve_scale.py`` does
(``ceasefire init`` + ``ceasefire import``; 130,000 incidents give about 100,000 findings), or
reuses one (``--folder``: its ``scale.db`` or ``--db``, ``log.key``, ``evidence``; a copy of a
folder ``bench/serve_scale.py --store`` built serves as well, e.g. its 1,000,000 incidents),
publishes the newest run and starts a fresh ``ceasefire serve``. Once the server has settled
(``warm_s``, see below), for each of ``/export/findings.csv``,
``.hxl.csv``, ``.geojson`` and ``.parquet``, as the anonymous public, the answer is streamed to
the end ``--repeat`` times (the fastest kept) and reported with:

* ``findings``, ``bytes``, ``wall_s`` and ``findings_per_s`` (wall clock, so the machine's load
  counts: see ``load_average``);
* ``server_cpu_s`` and ``findings_per_cpu_s``: the server process's CPU seconds (user + system,
  ``/proc/PID/stat``) for that request, which a busy shared machine inflates far less, and
  ``server_user_s`` of them in user mode (the rest is the kernel's, mostly the loopback socket);

``warm_s`` (the server warms the map and reads the stored incidents when it starts: CPU that
would otherwise be counted in the first export's), ``server_rss_mb``
before the first export and ``server_peak_rss_mb`` (``VmHWM``) after the last: a streamed export
keeps the peak flat whatever the number of findings. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
import pyarrow.parquet as pq
import synth
from serve_scale import Server, Store, publish_latest
from verify import write_acled_csv

FORMATS = {
    "csv": "/export/findings.csv",
    "hxl": "/export/findings.hxl.csv",
    "geojson": "/export/findings.geojson",
    "parquet": "/export/findings.parquet",
}
TICKS = os.sysconf("SC_CLK_TCK")
FEATURE = b'{"type":"Feature"'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incidents", type=int, default=130_000, help="incidents to generate (no --folder)")
    parser.add_argument("--folder", type=Path, help="a folder holding a store built before (kept)")
    parser.add_argument("--db", help="a postgresql:// URL (empty unless --folder holds its key)")
    parser.add_argument("--repeat", type=int, default=2, help="requests per format; the fastest is reported")
    parser.add_argument("--formats", default=",".join(FORMATS), help="comma-separated subset of " + ",".join(FORMATS))
    args = parser.parse_args()
    if args.folder:
        print(json.dumps(run(args, args.folder, build=not (args.folder / "log.key").exists()), indent=2))
        return
    with tempfile.TemporaryDirectory(prefix="exports_") as tmp:
        print(json.dumps(run(args, Path(tmp), build=True), indent=2))


def run(args: argparse.Namespace, folder: Path, *, build: bool) -> dict[str, Any]:
    store = Store(args.db or str(folder / "scale.db"), folder)
    out: dict[str, Any] = {"backend": "postgres" if args.db else "sqlite", "load_average": [os.getloadavg()]}
    if build:
        csv_path = write_acled_csv(synth.incidents(args.incidents), synth.agreement(), folder)
        store.cli("init", str(folder / "agreement.yaml"))
        store.cli("import", str(csv_path))
        out["incidents"] = args.incidents
    analyst = store.token("analyst")
    server = Server(store, folder / "server.log")
    try:
        client = httpx.Client(base_url=server.base, timeout=3600)
        try:
            out["run"] = publish_latest(client, analyst)
        except httpx.HTTPStatusError:  # published by an earlier benchmark on this --folder
            out["run"] = "published before"
        out["warm_s"] = server.settle()  # its start-up warming (map, stored incidents) is not the exports'
        out["server_rss_mb"] = rss_mb(server.proc.pid, "VmRSS:")
        out["formats"] = {
            name: fastest(client, server.proc.pid, FORMATS[name], args.repeat) for name in args.formats.split(",")
        }
        out["server_peak_rss_mb"] = rss_mb(server.proc.pid, "VmHWM:")
    finally:
        server.stop()
    out["load_average"].append(os.getloadavg())
    return out


def fastest(client: httpx.Client, pid: int, path: str, repeat: int) -> dict[str, Any]:
    tries = [streamed(client, pid, path) for _ in range(repeat)]
    return min(tries, key=lambda t: t["server_cpu_s"])


def streamed(client: httpx.Client, pid: int, path: str) -> dict[str, Any]:
    """``path`` read to the end as it streams: findings, bytes, wall and server CPU seconds."""
    (cpu, user), start = cpu_split(pid), time.perf_counter()
    size = lines = features = 0
    parquet = io.BytesIO() if path.endswith(".parquet") else None
    with client.stream("GET", path) as answer:
        answer.raise_for_status()
        tail = b""  # the end of the previous piece: a feature's start may straddle two
        for chunk in answer.iter_bytes():
            size += len(chunk)
            lines += chunk.count(b"\n")
            features += (tail + chunk).count(FEATURE) - tail.count(FEATURE)
            tail = chunk[-len(FEATURE) :]
            if parquet is not None:
                parquet.write(chunk)
    wall, (server, server_user) = time.perf_counter() - start, cpu_split(pid)
    server, server_user = server - cpu, server_user - user
    if parquet is not None:
        findings = pq.ParquetFile(parquet).metadata.num_rows
    else:
        findings = features if path.endswith(".geojson") else lines - (2 if path.endswith(".hxl.csv") else 1)
    return {
        "findings": findings,
        "bytes": size,
        "wall_s": round(wall, 3),
        "findings_per_s": round(findings / wall),
        "server_cpu_s": round(server, 3),
        "server_user_s": round(server_user, 3),  # the rest is system time: mostly the socket's
        "findings_per_cpu_s": round(findings / server) if server else None,
    }


def cpu_split(pid: int) -> tuple[float, float]:
    """(user + system, user) CPU seconds of process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS, int(fields[11]) / TICKS  # utime, stime


def rss_mb(pid: int, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


if __name__ == "__main__":
    main()
