"""Load benchmark of ``ceasefire serve`` (issue 3, "Reliability targets"); not run by make test.

    .venv/bin/python bench/load.py                  # 200 submitters for 120 s
    .venv/bin/python bench/load.py --seconds 30     # shorter

Starts ``ceasefire serve`` on a temporary SQLite database on 127.0.0.1 (loopback only), with one
token per submitter. Each submitter (asyncio + httpx) posts reports without files, one at a time,
each with a fresh Idempotency-Key; a failed or timed-out request is retried with the same key,
and one acknowledged request in ``--replay-every`` is sent again to check it is replayed, not
duplicated. It stops by itself after ``--seconds`` (requests in flight then get up to 30 s).

Then, with the server stopped: every acknowledged report must be stored exactly once with the
id the server gave, every key must map to one row, no 5xx may have been seen, and
``ceasefire log verify`` must pass. Prints one JSON object: latencies of acknowledged first
submissions (p50/p99/max, ms), requests/s, counts, and ``ok``. Exit 0 when ``ok``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from ceasefire.api.reports import EXAMPLE_REPORT
from ceasefire.store import open_store
from ceasefire.store.workflow import init_database

ROOT = Path(__file__).resolve().parents[1]
AGREEMENT = ROOT / "examples" / "syria-2016-09" / "agreement.yaml"
CLI = str(Path(sys.executable).with_name("ceasefire"))
REPORT = EXAMPLE_REPORT


@dataclass
class Tally:
    """What the submitters saw; ``acked`` maps Idempotency-Key -> report id."""

    acked: dict[str, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    requests: int = 0
    transport_errors: int = 0
    replays: int = 0
    replay_mismatches: int = 0
    pending: dict[str, dict[str, Any]] = field(default_factory=dict)  # sent, never answered
    first_error: str = ""

    def count(self, status: int) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


def make_database(folder: Path, submitters: int) -> tuple[Path, list[str]]:
    """A SQLite database with the Syria agreement and one monitor token per submitter."""
    db = folder / "load.db"
    store = open_store(db, create=True)
    try:
        init_database(store, AGREEMENT)
        tokens = [store.create_token("monitor", None, f"submitter {n}")[0] for n in range(submitters)]
    finally:
        store.close()
    return db, tokens


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(db: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """``ceasefire serve`` on 127.0.0.1:``port``, ready to answer (30 s at most)."""
    with log.open("ab") as out:
        command = [CLI, "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)]
        proc = subprocess.Popen(command, stdout=out, stderr=out)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}; see {log}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=1).raise_for_status()
            return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"the server did not start within 30 s; see {log}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def post(client: httpx.AsyncClient, token: str, key: str, body: dict[str, Any], tally: Tally) -> int | None:
    """One POST /reports; the report id when acknowledged (201), else None."""
    tally.requests += 1
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
    try:
        response = await client.post("/reports", json=body, headers=headers)
    except httpx.HTTPError as error:
        tally.transport_errors += 1
        tally.first_error = tally.first_error or f"{type(error).__name__}: {error}"
        return None
    tally.count(response.status_code)
    return int(response.json()["id"]) if response.status_code == 201 else None


async def submit(client: httpx.AsyncClient, token: str, key: str, body: dict[str, Any], tally: Tally,
                 deadline: float) -> None:  # fmt: skip
    """Send until acknowledged (same key each time) or past ``deadline``."""
    tally.pending[key] = body
    started = time.perf_counter()
    first = True
    while time.monotonic() < deadline:
        found = await post(client, token, key, body, tally)
        if found is not None:
            if first:
                tally.latencies.append(time.perf_counter() - started)
            tally.acked[key] = found
            del tally.pending[key]
            return
        first = False
        await asyncio.sleep(0.05)


async def submitter(n: int, client: httpx.AsyncClient, token: str, tally: Tally, stop: float, replay_every: int) -> None:
    """Post reports until ``stop``; every ``replay_every``-th acknowledged one is sent again."""
    sent = 0
    while time.monotonic() < stop:
        key, body = uuid.uuid4().hex, {**REPORT, "title": f"Report {n}-{sent}"}
        await submit(client, token, key, body, tally, stop + 30)
        sent += 1
        if key in tally.acked and sent % replay_every == 0:
            await replay(client, token, key, body, tally)


async def replay(client: httpx.AsyncClient, token: str, key: str, body: dict[str, Any], tally: Tally) -> None:
    """Send an acknowledged request again: it must answer the same id (429: wait and resend)."""
    again = None
    for _ in range(100):
        again = await post(client, token, key, body, tally)
        if again is not None:
            break
        await asyncio.sleep(0.1)
    tally.replays += 1
    tally.replay_mismatches += again != tally.acked[key]


async def run_load(url: str, tokens: list[str], seconds: float, tally: Tally, replay_every: int = 10) -> float:
    """All submitters against ``url`` for ``seconds``; the wall time it took."""
    limits = httpx.Limits(max_connections=len(tokens), max_keepalive_connections=len(tokens))
    async with httpx.AsyncClient(base_url=url + "/api/v1", timeout=30, limits=limits) as client:
        start = time.monotonic()
        stop = start + seconds
        await asyncio.gather(*(submitter(n, client, t, tally, stop, replay_every) for n, t in enumerate(tokens)))
        return time.monotonic() - start


def check_stored(db: Path, acked: dict[str, int]) -> list[str]:
    """Problems: acknowledged reports missing or stored twice, keys mapped to several rows."""
    store = open_store(db)
    try:
        rows = store.db.execute("SELECT report_id, COUNT(*) FROM report_versions GROUP BY report_id")
        keys = store.db.execute("SELECT idem_key, report_id FROM idempotency_keys")
    finally:
        store.close()
    stored, by_key = {int(r): int(n) for r, n in rows}, {str(k): int(r) for k, r in keys}
    problems = [f"report {i} (key {k}) acknowledged but not stored" for k, i in acked.items() if i not in stored]
    problems += [f"report {i} stored {n} times" for i, n in stored.items() if n != 1]
    problems += [f"key {k}: acknowledged as report {i}, stored as {by_key.get(k)}"
                 for k, i in acked.items() if by_key.get(k) != i]  # fmt: skip
    if len(keys) != len(by_key) or len(set(by_key.values())) != len(by_key):
        problems.append("an Idempotency-Key maps to more than one report, or two keys to one report")
    return problems


def log_verify(db: Path) -> tuple[bool, str]:
    done = subprocess.run([CLI, "log", "verify", "--db", str(db)], capture_output=True, text=True, timeout=600)
    said = (done.stdout + done.stderr).strip().splitlines()
    return done.returncode == 0, said[-1] if said else ""


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(tally: Tally, wall: float) -> dict[str, Any]:
    ms = [v * 1000 for v in tally.latencies]
    return {
        "acknowledged": len(tally.acked), "requests": tally.requests, "wall_s": round(wall, 1),
        "requests_per_s": round(tally.requests / wall, 1) if wall else 0.0,
        "acknowledged_per_s": round(len(tally.acked) / wall, 1) if wall else 0.0,
        "p50_ms": round(percentile(ms, 0.50), 1), "p99_ms": round(percentile(ms, 0.99), 1),
        "max_ms": round(max(ms, default=float("nan")), 1), "statuses": dict(sorted(tally.statuses.items())),
        "server_errors": tally.server_errors, "transport_errors": tally.transport_errors,
        "replays": tally.replays, "replay_mismatches": tally.replay_mismatches, "unanswered": len(tally.pending),
        "first_transport_error": tally.first_error,
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="how long to submit (default 120)")
    parser.add_argument("--submitters", type=int, default=200, help="concurrent submitters (default 200)")
    parser.add_argument("--replay-every", type=int, default=10, help="resend every Nth acknowledged report")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ceasefire-load-") as tmp:
        db, tokens = make_database(Path(tmp), args.submitters)
        port = free_port()
        proc = start_server(db, port, Path(tmp) / "server.log")
        tally = Tally()
        try:
            wall = asyncio.run(run_load(f"http://127.0.0.1:{port}", tokens, args.seconds, tally, args.replay_every))
        finally:
            stop_server(proc)
        problems = check_stored(db, tally.acked)
        verified, last_line = log_verify(db)
        out = {**summary(tally, wall), "submitters": args.submitters, "seconds": args.seconds,
               "db_bytes": os.path.getsize(db), "log_verify": verified, "log_verify_says": last_line,
               "problems": problems[:20]}  # fmt: skip
    out["ok"] = bool(tally.acked) and not tally.pending and verified and not problems and tally.server_errors == 0 and tally.replay_mismatches == 0
    print(json.dumps(out, indent=2))
    return 0 if out["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
