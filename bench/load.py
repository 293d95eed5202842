"""Load benchmark of ``ceasefire serve`` (issue 3, "Reliability targets"); not run by make test.

    .venv/bin/python bench/load.py                  # 200 closed-loop submitters for 120 s
    .venv/bin/python bench/load.py --seconds 30     # shorter
    .venv/bin/python bench/load.py --interval 2     # paced: each submitter posts every ~2 s

Starts ``ceasefire serve`` on a temporary SQLite database on 127.0.0.1 (loopback only), with one
token per submitter. Each submitter has its own keep-alive HTTP/1.1 connection and posts reports
without files, one at a time, each with a fresh Idempotency-Key; a failed or timed-out request is
retried with the same key, and one acknowledged request in ``--replay-every`` is sent again to
check it is replayed, not duplicated. It stops by itself after ``--seconds`` (requests in flight
then get up to 30 s).

- Closed loop (the default): a submitter posts its next report as soon as the previous one is
  acknowledged, so 200 submitters keep 200 requests in flight; latency = send to 201.
- Paced (``--interval S``): a submitter posts one report every ``S`` seconds, each at a random
  point of its own ``S``-second slot (as monitors in the field do), about ``submitters / S``
  requests a second in all; latency runs from the slot's planned send time, so a late send
  caused by a slow previous answer counts against the server (no coordinated omission).

The client is a minimal HTTP/1.1 client (:class:`Connection`) rather than httpx: on the 2-core
reference machine httpx spent about 5 ms of CPU per request, more than the server itself, and
the load generator shares the cores with the server (docs/benchmarks.md, "Server").

Then, with the server stopped: every acknowledged report must be stored exactly once with the
id the server gave, every key must map to one row, no 5xx may have been seen, and
``ceasefire log verify`` must pass. Prints one JSON object: latencies of acknowledged reports
(p50/p99/max, ms; a retried report counts from its first send), requests/s, counts, how many checkpoints the server signed, the
machine's load average, and ``ok``. Exit 0 when ``ok``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx

from ceasefire.api.reports import EXAMPLE_REPORT
from ceasefire.service.workflow import init_database
from ceasefire.store import open_store

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
    """``ceasefire serve`` on 127.0.0.1:``port``, ready to answer (30 s at most). The daily report
    quota stays on, so its check is measured, but far above what one run writes (a submitter
    writes about 800 reports a minute)."""
    with log.open("ab") as out:
        quota = ["--reports-per-day", "100000000"]
        command = [CLI, "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port), *quota]
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


class TransportError(Exception):
    """The connection failed, closed or timed out before a whole answer came back."""


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: its status and body (what ``post`` reads of an ``httpx.Response`` too)."""

    status_code: int
    content: bytes

    def json(self) -> Any:
        return json.loads(self.content)


class Connection:
    """One keep-alive HTTP/1.1 connection to ``host:port``, (re)opened when needed.

    It sends ``POST`` with a JSON body and reads answers framed by ``Content-Length`` (what
    uvicorn sends for JSON); anything else closes the connection and raises TransportError.
    """

    def __init__(self, host: str, port: int, timeout: float = 30.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(self, path: str, *, json: dict[str, Any], headers: dict[str, str]) -> Answer:
        body = _dumps(json)
        lines = [
            f"POST {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "Content-Type: application/json",
            f"Content-Length: {len(body)}",
            *(f"{k}: {v}" for k, v in headers.items()),
        ]
        try:
            async with asyncio.timeout(self.timeout):
                reader, writer = self._streams or await self._open()
                writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
                return await self._read(reader)
        except (OSError, EOFError, TimeoutError, ValueError, IndexError) as error:
            self.close()
            raise TransportError(f"{type(error).__name__}: {error}") from error

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        self._streams = await asyncio.open_connection(self.host, self.port)
        return self._streams

    async def _read(self, reader: asyncio.StreamReader) -> Answer:
        status = int((await reader.readuntil(b"\r\n")).split()[1])
        length, keep = None, True
        while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and value.strip().lower() == "close":
                keep = False
        if length is None:
            raise ValueError("an answer without Content-Length")
        answer = Answer(status, await reader.readexactly(length))
        if not keep:
            self.close()
        return answer

    def close(self) -> None:
        if self._streams is not None:
            self._streams[1].close()
            self._streams = None


def _dumps(value: dict[str, Any]) -> bytes:
    return json.dumps(value).encode("utf-8")


class Poster(Protocol):
    """What ``post`` needs of a client: a :class:`Connection`, or an ``httpx.AsyncClient``
    with ``base_url`` set to ``.../api/v1`` (bench/crash.py uses one)."""

    async def post(self, url: str, *, json: dict[str, Any], headers: dict[str, str]) -> Any: ...


async def post(client: Poster, token: str, key: str, body: dict[str, Any], tally: Tally) -> int | None:
    """One POST /reports; the report id when acknowledged (201), else None."""
    tally.requests += 1
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
    path = "/reports" if isinstance(client, httpx.AsyncClient) else "/api/v1/reports"
    try:
        response = await client.post(path, json=body, headers=headers)
    except (httpx.HTTPError, TransportError) as error:
        tally.transport_errors += 1
        tally.first_error = tally.first_error or f"{type(error).__name__}: {error}"
        return None
    tally.count(response.status_code)
    return int(response.json()["id"]) if response.status_code == 201 else None


async def submit(
    client: Poster,
    token: str,
    key: str,
    body: dict[str, Any],
    tally: Tally,
    deadline: float,
    started: float | None = None,
) -> None:
    """Send until acknowledged (same key each time) or past ``deadline``. The latency, from
    ``started`` (a ``time.perf_counter()``; default: now) to the 201, includes any retries."""
    tally.pending[key] = body
    started = time.perf_counter() if started is None else started
    while time.monotonic() < deadline:
        found = await post(client, token, key, body, tally)
        if found is not None:
            tally.latencies.append(time.perf_counter() - started)  # retries included
            tally.acked[key] = found
            del tally.pending[key]
            return
        await asyncio.sleep(0.05)


@dataclass(frozen=True)
class Plan:
    """How submitters submit: until ``stop`` (monotonic), closed loop or every ``interval`` s."""

    stop: float
    replay_every: int = 10
    interval: float | None = None


async def submitter(n: int, client: Poster, token: str, tally: Tally, plan: Plan) -> None:
    """Post reports until ``plan.stop``; every ``replay_every``-th acknowledged one is sent again."""
    sent, rng = 0, random.Random(n)
    slot = time.monotonic()
    while time.monotonic() < plan.stop:
        started = None
        if plan.interval is not None:  # paced: a random moment of this submitter's next slot
            due = slot + rng.uniform(0, plan.interval)
            slot += plan.interval
            if due >= plan.stop:
                return
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            started = time.perf_counter() - max(0.0, time.monotonic() - due)  # late: count from due
        key, body = uuid.uuid4().hex, {**REPORT, "title": f"Report {n}-{sent}"}
        await submit(client, token, key, body, tally, plan.stop + 30, started)
        sent += 1
        if key in tally.acked and sent % plan.replay_every == 0:
            await replay(client, token, key, body, tally)


async def replay(client: Poster, token: str, key: str, body: dict[str, Any], tally: Tally) -> None:
    """Send an acknowledged request again: it must answer the same id (429: wait and resend)."""
    again = None
    for _ in range(100):
        again = await post(client, token, key, body, tally)
        if again is not None:
            break
        await asyncio.sleep(0.1)
    tally.replays += 1
    tally.replay_mismatches += again != tally.acked[key]


async def run_load(
    url: str, tokens: list[str], seconds: float, tally: Tally, replay_every: int = 10, interval: float | None = None
) -> float:
    """All submitters against ``url`` (``http://HOST:PORT``), one connection each, for
    ``seconds``; the wall time it took."""
    host, port = httpx.URL(url).host, httpx.URL(url).port or 80
    connections = [Connection(host, port) for _ in tokens]
    start = time.monotonic()
    plan = Plan(start + seconds, replay_every, interval)
    try:
        await asyncio.gather(
            *(submitter(n, c, t, tally, plan) for n, (c, t) in enumerate(zip(connections, tokens, strict=True)))
        )
    finally:
        for connection in connections:
            connection.close()
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
    problems += [
        f"key {k}: acknowledged as report {i}, stored as {by_key.get(k)}"
        for k, i in acked.items()
        if by_key.get(k) != i
    ]
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
        "acknowledged": len(tally.acked),
        "requests": tally.requests,
        "wall_s": round(wall, 1),
        "requests_per_s": round(tally.requests / wall, 1) if wall else 0.0,
        "acknowledged_per_s": round(len(tally.acked) / wall, 1) if wall else 0.0,
        "p50_ms": round(percentile(ms, 0.50), 1),
        "p99_ms": round(percentile(ms, 0.99), 1),
        "max_ms": round(max(ms, default=float("nan")), 1),
        "statuses": dict(sorted(tally.statuses.items())),
        "server_errors": tally.server_errors,
        "transport_errors": tally.transport_errors,
        "replays": tally.replays,
        "replay_mismatches": tally.replay_mismatches,
        "unanswered": len(tally.pending),
        "first_transport_error": tally.first_error,
    }


def server_cpu_seconds(proc: subprocess.Popen[bytes]) -> float:
    """CPU time (user + system) the server process has used so far (Linux ``/proc``)."""
    try:
        fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def checkpoints(db: Path) -> int:
    """How many checkpoints the server stored (about one per write transaction)."""
    store = open_store(db)
    try:
        return int(store.db.execute("SELECT COUNT(*) FROM checkpoints")[0][0])
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="how long to submit (default 120)")
    parser.add_argument("--submitters", type=int, default=200, help="concurrent submitters (default 200)")
    parser.add_argument("--replay-every", type=int, default=10, help="resend every Nth acknowledged report")
    parser.add_argument(
        "--interval",
        type=float,
        default=None,
        help="paced: each submitter posts once every INTERVAL s (default: closed loop)",
    )
    args = parser.parse_args(argv)
    if args.interval is not None and args.interval <= 0:
        parser.error("--interval must be > 0")
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="ceasefire-load-") as tmp:
        db, tokens = make_database(Path(tmp), args.submitters)
        port = free_port()
        proc = start_server(db, port, Path(tmp) / "server.log")
        tally, cpu = Tally(), server_cpu_seconds(proc)
        try:
            wall = asyncio.run(
                run_load(f"http://127.0.0.1:{port}", tokens, args.seconds, tally, args.replay_every, args.interval)
            )
            cpu = server_cpu_seconds(proc) - cpu
        finally:
            stop_server(proc)
        problems = check_stored(db, tally.acked)
        verified, last_line = log_verify(db)
        mode = "closed loop" if args.interval is None else f"paced: one report per submitter every {args.interval:g} s"
        out = {
            "mode": mode,
            **summary(tally, wall),
            "submitters": args.submitters,
            "seconds": args.seconds,
            "checkpoints": checkpoints(db),
            "server_cpu_ms_per_request": round(1000 * cpu / max(1, tally.requests), 2),
            "load_average_before": load_before[0],
            "load_average_after": os.getloadavg()[0],
            "db_bytes": os.path.getsize(db),
            "log_verify": verified,
            "log_verify_says": last_line,
            "problems": problems[:20],
        }
    out["ok"] = (
        bool(tally.acked)
        and not tally.pending
        and verified
        and not problems
        and tally.server_errors == 0
        and tally.replay_mismatches == 0
    )
    print(json.dumps(out, indent=2))
    return 0 if out["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
