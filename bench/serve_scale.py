"""Benchmark: the server path at a mission's volume (issue 14), end to end, over real HTTP.

    PYTHONPATH=$PWD .venv/bin/python bench/serve_scale.py --incidents 100000
    PYTHONPATH=$PWD .venv/bin/python bench/serve_scale.py --incidents 100000 --db postgresql://USER:PW@HOST/DB

Generates N seeded synthetic incidents (``bench/synth.py``, as an ACLED CSV beside the synthetic
agreement, the way ``bench/verify.py --csv`` writes them), then, each step a real command or a
real HTTP request against a running ``ceasefire serve``:

* ``init_import_verify_s``: ``ceasefire init`` + ``ceasefire import`` (store the file, verify
  every incident, store the run), two fresh processes, wall seconds (``init_s``, ``import_s``);
* ``incremental``: once the server is idle (``warm_s``: its start-up warming done), 100 reports
  submitted through ``POST /api/v1/reports``, then ``POST /api/v1/runs`` (a run over the 1M +
  100): ``run_s``, the goal being <= 2 s at 1M, and ``run_server_cpu_s``, the server's CPU
  seconds during it (``init_cpu_s``, ``import_cpu_s``: the commands' CPU seconds; the load
  average beside them); ``--runs-only`` stops there;
* ``pages``: every page and endpoint issue 14 lists, the median of ``--repeat`` (5) requests as
  the anonymous public: seconds, bytes, status, the first request's seconds, and the server's
  CPU seconds per request (``/proc``: on a shared machine the figure that compares); a request
  that takes longer than ``--timeout`` is recorded as such and not repeated. The run is
  published first (``published``; on a reused store a new run is made first, ``POST
  /api/v1/runs``, so "first" is always the first request after a new run) and the pages are
  timed once the server has settled (``published.warm_s``: it warms the public's views of a
  run it stores or publishes, and ``warm_s`` those of the run it serves when it starts);
  ``--only PATH,...`` times those pages alone (``DAY``: the busiest day), without the export;
  the claims pages judge ``--claims`` (200) synthetic claims stored first (``bench/claims_seed.py``);
* ``export``: ``/export/findings.csv`` streamed to the end: seconds, bytes, findings/s;
* ``server_peak_rss_mb``: the server process's peak RSS (``VmHWM``) when the benchmark ends;
* PostgreSQL: the CPU seconds of the database's own backends beside each figure (``*_pg_cpu_s``,
  ``pg_cpu_s``): every connection the benchmark's commands and server open is named
  (``application_name``) and a thread reads its backend's ``/proc/PID/stat`` (and its parallel
  workers') every 0.2 s, so a backend that ends between two reads loses at most that much;
  ``None`` where ``/proc`` shows no such process (a database on another host);
* ``map_browser``: the map's first view in headless chromium (``bench/map_probe.py``): seconds
  until markers or clusters show and bytes received, the median of ``--repeat`` fresh browsers
  (goal at 1M: <= 2 s, <= 3 MB); ``None`` without chromium (``CEASEFIRE_CHROMIUM``) or Playwright.

Prints one JSON object. With ``--db postgresql://...`` the database must be empty (a fresh
database or schema): init creates every table. SQLite uses a file in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import claims_seed
import httpx
import synth
from verify import write_acled_csv

CLI = [sys.executable, "-m", "ceasefire.cli"]
REPORTS = 100  # the small change before the incremental run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--db", help="a postgresql:// URL of an empty database (default: SQLite in a temp folder)")
    parser.add_argument("--repeat", type=int, default=5, help="requests per page; the median is reported")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds before a request is given up")
    parser.add_argument(
        "--store",
        type=Path,
        help="keep the SQLite store (or, with --db, the PostgreSQL store's key and evidence) in this folder and "
        "reuse it when it is there already (init and import skipped, so the pages of a 1M store can be timed "
        "again after a code change; the incremental run is skipped on reuse too: it would add 100 reports each "
        "time; a run over the unchanged store is made and published instead, before the pages). With --db, "
        "reused once the folder's file imported says the schema holds the import",
    )
    parser.add_argument(
        "--only",
        help="comma-separated paths: time these pages only (DAY stands for the busiest day), no export",
    )
    parser.add_argument(
        "--runs-only",
        action="store_true",
        help="time only init + import and the run after 100 reports (no pages, export or map)",
    )
    parser.add_argument(
        "--claims",
        type=int,
        default=200,
        help="synthetic news claims the store holds before serving (bench/claims_seed.py; 0: none added)",
    )
    args = parser.parse_args()
    if args.store is not None:
        args.store.mkdir(parents=True, exist_ok=True)
        print(json.dumps(run(args, args.store), indent=2))
        return
    with tempfile.TemporaryDirectory(prefix="serve_scale_") as tmp:
        print(json.dumps(run(args, Path(tmp)), indent=2))


def run(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    db = Backends.named(args.db) if args.db else None
    store = Store(db or str(folder / "scale.db"), folder)
    out: dict[str, Any] = {"incidents": args.incidents, "backend": "postgres" if args.db else "sqlite"}
    pg = Backends(db) if db else None
    reused = args.store is not None and (folder / ("imported" if db else "scale.db")).exists()
    if not reused:
        csv_path = write_acled_csv(synth.incidents(args.incidents), synth.agreement(), folder)
        with Spent(pg, out, "init_pg_cpu_s"):
            out["init_s"], out["init_cpu_s"] = timed_cpu(lambda: store.cli("init", str(folder / "agreement.yaml")))
        with Spent(pg, out, "import_pg_cpu_s"):
            out["import_s"], out["import_cpu_s"] = timed_cpu(lambda: store.cli("import", str(csv_path)))
        out["init_import_verify_s"] = round(out["init_s"] + out["import_s"], 2)
        (folder / "imported").write_text(f"{args.incidents}\n")  # --store with --db: the schema is ready
        out["load_average_after_import"] = os.getloadavg()
    if args.claims and not args.runs_only:  # the claims ledger's pages judge them (issue 14)
        out["claims_added"] = claims_seed.seed(store.target, store.key, store.evidence, args.claims)
    analyst, monitor = store.token("analyst"), store.token("monitor")
    server = Server(store, folder / "server.log")
    server.pg = pg
    try:
        client = httpx.Client(base_url=server.base, timeout=args.timeout)
        run_id = publish_latest(client, analyst)
        with Spent(pg, out, "warm_pg_cpu_s"):
            out["warm_s"] = server.settle()
        if not reused:
            out["incremental"] = incremental(client, analyst, monitor, server)
            if args.runs_only:
                out["server_peak_rss_mb"] = server.peak_rss_mb()
                return out
            out["published"] = published(client, analyst, server)
        else:  # the pages' first requests are timed after a new run, as a user meets them
            out["published"] = published(client, analyst, server, new_run=True)
        out["load_average"] = os.getloadavg()
        out["pages"] = pages(client, server, args)
        if not args.only:
            spent: dict[str, Any] = {}
            with Spent(pg, spent, "pg_cpu_s"):
                out["export"] = export(client, server)
            out["export"] |= spent
            out["map_browser"] = map_in_browser(server.base, args.repeat)
        out["first_run"] = run_id
        out["server_peak_rss_mb"] = server.peak_rss_mb()
    finally:
        server.stop()
        if pg is not None:
            pg.stop()
    return out


class Store:
    """The database under test and the CLI commands that use it."""

    def __init__(self, target: str, folder: Path) -> None:
        self.target, self.key, self.evidence = target, folder / "log.key", folder / "evidence"

    def args(self, *, evidence: bool = True) -> list[str]:
        where = ["--db", self.target, "--key", str(self.key)]
        return [*where, "--evidence", str(self.evidence)] if evidence else where

    def cli(self, *command: str) -> str:
        words = command[0].split()
        args = self.args(evidence=words[0] != "token")
        done = subprocess.run([*CLI, *words, *args, *command[1:]], capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"ceasefire {command[0]} failed: {done.stderr.strip()}")
        return done.stdout

    def token(self, role: str) -> str:
        return self.cli("token create", "--role", role, "--name", f"bench {role}").strip()


class Server:
    """``ceasefire serve`` on a free local port, limits raised so the benchmark is not throttled."""

    pg: Backends | None = None  # the database's backends, when PostgreSQL

    def __init__(self, store: Store, log: Path) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        self.base = f"http://127.0.0.1:{port}"
        limits = ["--rate-limit", "1000000", "--burst", "100000", "--reports-per-day", "100000000"]
        command = [*CLI, "serve", *store.args(), "--port", str(port), "--checkpoint-every", "0", *limits]
        with log.open("ab") as sink:
            self.proc = subprocess.Popen(command, stdout=sink, stderr=sink)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the server exited with {self.proc.returncode}; see {log}")
            try:
                httpx.get(f"{self.base}/api/v1/openapi.json", timeout=2).raise_for_status()
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"the server did not start within 60 s; see {log}")

    def cpu_s(self) -> float:
        """The server process's CPU seconds so far (user + system)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def settle(self, quiet_s: float = 3.0, limit_s: float = 1800.0) -> float:
        """Wait until the server has used no CPU for ``quiet_s`` (it warms the public's views when
        it starts, issue 14, which would be timed with the first pages otherwise); the seconds waited."""
        start = last_change = time.monotonic()
        used = self.cpu_s()
        while time.monotonic() - last_change < quiet_s and time.monotonic() - start < limit_s:
            time.sleep(0.5)
            now = self.cpu_s()
            if now - used > 0.05:
                used, last_change = now, time.monotonic()
        return round(time.monotonic() - start, 1)

    def pg_cpu_s(self) -> float | None:
        """The CPU seconds of the database's backends so far (None: not PostgreSQL, or not here)."""
        return None if self.pg is None else self.pg.cpu_s()

    def peak_rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
        return float("nan")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def timed_cpu(fn: Callable[[], Any]) -> tuple[float, float]:
    """Wall seconds of ``fn`` and the CPU seconds (user + system) of the commands it ran."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = timed(fn)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, round(cpu, 2)


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return round(time.perf_counter() - start, 3)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def publish_latest(client: httpx.Client, analyst: str) -> int:
    runs = client.get("/api/v1/runs", headers=bearer(analyst)).raise_for_status().json()["items"]
    run_id = int(runs[-1]["id"])
    client.post(f"/api/v1/runs/{run_id}/publish", headers=bearer(analyst)).raise_for_status()
    return run_id


def published(client: httpx.Client, analyst: str, server: Server, *, new_run: bool = False) -> dict[str, Any]:
    """Publish the newest run (``new_run``: a new one, ``POST /api/v1/runs``, over the stored
    incidents and reports unchanged), then wait until the server is idle again: ``warm_s``, the
    seconds it spent making the public's views of the run in the background (issue 14), so the
    pages' "first" is the first request a visitor makes after a publication, not one racing it."""
    out: dict[str, Any] = {}
    if new_run:
        cpu, start = server.cpu_s(), time.perf_counter()
        client.post("/api/v1/runs", headers=bearer(analyst)).raise_for_status()
        out["run_s"], out["run_server_cpu_s"] = round(time.perf_counter() - start, 3), round(server.cpu_s() - cpu, 2)
    cpu, start = server.cpu_s(), time.perf_counter()
    out["run"] = publish_latest(client, analyst)
    out["publish_s"] = round(time.perf_counter() - start, 3)
    out["warm_s"] = server.settle()
    out["warm_server_cpu_s"] = round(server.cpu_s() - cpu, 2)
    out["load_average"] = os.getloadavg()
    return out


def incremental(client: httpx.Client, analyst: str, monitor: str, server: Server) -> dict[str, Any]:
    """100 reports in, then one run over everything: the run's seconds (wall, and the server's CPU)."""
    start = time.perf_counter()
    for k in range(REPORTS):
        report = {
            "title": f"bench report {k}",
            "occurred_on": "2016-09-19",
            "lat": 36.149 + k * 1e-4,
            "lon": 36.950,
            "event_type": "Explosions/Remote violence",
            "sub_event_type": "Air/drone strike",
            "actor1": "Military Forces of Syria",
            "actor2": "Civilians (Syria)",
            "weapon": "aircraft",
        }
        client.post("/api/v1/reports", json=report, headers=bearer(monitor)).raise_for_status()
    reports_s = time.perf_counter() - start
    cpu, pg, start = server.cpu_s(), server.pg_cpu_s(), time.perf_counter()
    answer = client.post("/api/v1/runs", headers=bearer(analyst)).raise_for_status().json()
    return {
        "reports": REPORTS,
        "reports_s": round(reports_s, 3),
        "run_s": round(time.perf_counter() - start, 3),
        "run_server_cpu_s": round(server.cpu_s() - cpu, 2),
        "run_pg_cpu_s": _less(server.pg_cpu_s(), pg),
        "load_average": os.getloadavg(),
        "findings": answer.get("findings"),
    }


def pages(client: httpx.Client, server: Server, args: argparse.Namespace) -> dict[str, Any]:
    """Each page and endpoint issue 14 lists, as the public reads it: median seconds of
    ``--repeat``, and the server's CPU seconds per request (the figure that holds on a busy machine)."""
    day = busiest_day(client, args.timeout)
    if args.only:
        paths = [p.replace("DAY", day) for p in args.only.split(",")]
        return {path: measure(client, server, path, args.repeat, args.timeout) for path in paths}
    paths = [
        "/",
        "/index.json",
        "/scorecards",
        "/api/v1/findings?limit=100",
        "/api/v1/incidents?limit=100",
        "/api/v1/runs",
        "/api/v1/claims?limit=100",
        "/claims",
        "/api/v1/cases?limit=100",
        f"/bulletin/{day}.html",
        f"/bulletin/{day}.pdf",
    ]
    return {path: measure(client, server, path, args.repeat, args.timeout) for path in paths}


def busiest_day(client: httpx.Client, timeout: float) -> str:
    try:
        index = client.get("/bulletin/index.json", timeout=timeout).raise_for_status().json()
    except (httpx.HTTPError, ValueError):
        return "2016-09-19"
    days = [d.get("date") for d in index.get("days", []) if isinstance(d, dict)]
    return str(days[-1]) if days and days[-1] else "2016-09-19"


def measure(client: httpx.Client, server: Server, path: str, repeat: int, timeout: float) -> dict[str, Any]:
    print(f"serve_scale: GET {path}", file=sys.stderr, flush=True)  # progress: pages can take minutes
    seconds: list[float] = []
    cpu: list[float] = []
    pg: list[float | None] = []
    size, status = 0, 0
    for _ in range(repeat):
        start, used, used_pg = time.perf_counter(), server.cpu_s(), server.pg_cpu_s()
        try:
            answer = client.get(path)
        except httpx.TimeoutException:
            return {"median_s": None, "timed_out_after_s": timeout}
        seconds.append(time.perf_counter() - start)
        cpu.append(server.cpu_s() - used)
        pg.append(_less(server.pg_cpu_s(), used_pg))
        size, status = len(answer.content), answer.status_code
        if seconds[-1] > timeout / 4:
            break  # slow enough that one figure says it: do not spend the run repeating it
    return {
        "median_s": round(statistics.median(seconds), 4),
        "first_s": round(seconds[0], 4),
        "server_cpu_s": round(statistics.median(cpu), 3),
        "first_cpu_s": round(cpu[0], 3),
        "pg_cpu_s": None if pg[0] is None else round(statistics.median(p or 0.0 for p in pg), 3),
        "first_pg_cpu_s": pg[0],
        "runs": len(seconds),
        "bytes": size,
        "status": status,
    }


def export(client: httpx.Client, server: Server) -> dict[str, Any]:
    """``/export/findings.csv`` read to the end as it streams."""
    used, start = server.cpu_s(), time.perf_counter()
    size = rows = 0
    with client.stream("GET", "/export/findings.csv") as answer:
        for chunk in answer.iter_bytes():
            size += len(chunk)
            rows += chunk.count(b"\n")
    seconds = time.perf_counter() - start
    findings = max(rows - 1, 0)  # the header; a quoted newline in a field would count too (none here)
    return {
        "seconds": round(seconds, 3),
        "bytes": size,
        "findings": findings,
        "findings_per_s": round(findings / seconds) if seconds else None,
        "server_cpu_s": round(server.cpu_s() - used, 2),
    }


def _less(after: float | None, before: float | None) -> float | None:
    """``after - before`` of two ``Backends.cpu_s`` readings (None before: no backend seen yet)."""
    return None if after is None else round(after - (before or 0.0), 3)


class Backends:
    """The CPU seconds of the PostgreSQL backends serving connections named ``application_name``
    (and of their parallel workers), read from ``/proc`` by a thread every 0.2 s: the database's
    share of a figure, which the client's CPU leaves out."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.name = url.rsplit("application_name=", 1)[1]
        self._conn = psycopg.connect(url.replace(f"application_name={self.name}", "application_name=serve_scale"))
        self._conn.autocommit = True
        self._seen: dict[int, float] = {}
        self._lock, self._stop = threading.Lock(), threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    @staticmethod
    def named(url: str) -> str:
        """``url`` with an ``application_name`` of this benchmark's own."""
        return f"{url}{'&' if '?' in url else '?'}application_name=serve_scale_{os.getpid()}"

    def _watch(self) -> None:
        while not self._stop.wait(0.2):
            self.sample()

    def sample(self) -> None:
        query = (
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s OR leader_pid IN "
            "(SELECT pid FROM pg_stat_activity WHERE application_name = %s)"
        )
        with self._lock:
            for (pid,) in self._conn.execute(query, (self.name, self.name)).fetchall():
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue  # ended, or on another host
                self._seen[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def cpu_s(self) -> float | None:
        self.sample()
        return round(sum(self._seen.values()), 2) if self._seen else None

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self._conn.close()


class Spent:
    """``with Spent(backends, out, key)``: ``out[key]`` = the backends' CPU seconds in the block."""

    def __init__(self, backends: Backends | None, out: dict[str, Any], key: str) -> None:
        self.backends, self.out, self.key = backends, out, key

    def __enter__(self) -> None:
        self.before = self.backends.cpu_s() if self.backends else None

    def __exit__(self, *exc: object) -> None:
        if self.backends is not None:
            time.sleep(0.3)  # a command's backends end with it: let the thread read them last
            self.out[self.key] = _less(self.backends.cpu_s(), self.before)


def map_in_browser(base: str, repeat: int) -> dict[str, Any] | None:
    """The map's first view as the public opens ``/`` in headless chromium (``CEASEFIRE_CHROMIUM``,
    else ``chromium`` on the PATH; ``bench/map_probe.py``): seconds until markers or clusters
    show and bytes the browser received, the median of ``repeat`` fresh browsers, and each run.
    None when there is no chromium or Playwright (the figure is then not measured)."""
    chromium = os.environ.get("CEASEFIRE_CHROMIUM") or shutil.which("chromium")
    if not chromium:
        return None
    try:
        import map_probe
        import playwright.sync_api  # noqa: F401  # the probe's import, checked here to skip cleanly
    except ImportError:
        return None
    print("serve_scale: the map in chromium", file=sys.stderr, flush=True)
    runs = [map_probe.measure_map(base, chromium) for _ in range(max(repeat, 1))]
    return {
        "seconds_to_markers": statistics.median(r["seconds_to_markers"] for r in runs),
        "bytes": statistics.median(r["bytes"] for r in runs),
        "load_average": os.getloadavg(),
        "runs": runs,
    }


if __name__ == "__main__":
    main()
