"""Crash benchmark of ``ceasefire serve`` (issue 3, "Reliability targets"); not run by make test.

    .venv/bin/python bench/crash.py                  # 20 rounds
    .venv/bin/python bench/crash.py --rounds 5

One SQLite database on 127.0.0.1 (loopback only). Each round starts ``ceasefire serve``, runs
``--submitters`` submitters (bench/load.py's, each with its own token and fresh Idempotency-Keys)
for a random 1-3 s, then ``kill -9``s the server with requests in flight. Requests that got no
answer are resent after the restart with the same key (acknowledged at most once). After every
round, with the server dead: every acknowledged report is stored exactly once under the id the
server gave and ``ceasefire log verify`` passes. Stops by itself; prints one JSON object and
exits 0 when every round held.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from load import (
    Tally,
    check_stored,
    free_port,
    log_verify,
    make_database,
    run_load,
    start_server,
    submit,
)


async def load_then_kill(url: str, tokens: list[str], tally: Tally, seconds: float, proc: Any) -> None:
    """Resend last round's unanswered requests, submit, and SIGKILL the server mid-load."""
    async with httpx.AsyncClient(base_url=url + "/api/v1", timeout=10) as client:
        for key, body in list(tally.pending.items()):
            token = tokens[int(body["title"].split()[1].split("-")[0])]
            await submit(client, token, key, body, tally, time.monotonic() + 5)
    load = asyncio.ensure_future(run_load(url, tokens, seconds + 60, tally))
    await asyncio.sleep(seconds)
    proc.send_signal(signal.SIGKILL)
    await asyncio.sleep(0.5)  # let in-flight requests see the dead server
    load.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await load


def one_round(db: Path, tokens: list[str], tally: Tally, log: Path, seconds: float) -> dict[str, Any]:
    port = free_port()
    proc = start_server(db, port, log)
    before = len(tally.acked)
    try:
        asyncio.run(load_then_kill(f"http://127.0.0.1:{port}", tokens, tally, seconds, proc))
    finally:
        proc.kill()
        proc.wait()
    problems = check_stored(db, tally.acked)
    verified, said = log_verify(db)
    return {
        "acknowledged": len(tally.acked) - before,
        "unanswered": len(tally.pending),
        "problems": problems[:5],
        "log_verify": verified,
        "log_verify_says": said,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="kill -9 rounds (default 20)")
    parser.add_argument("--submitters", type=int, default=30, help="concurrent submitters (default 30)")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args(argv)
    rng, rounds = random.Random(args.seed), []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="ceasefire-crash-") as tmp:
        db, tokens = make_database(Path(tmp), args.submitters)
        tally = Tally()
        for _ in range(args.rounds):
            rounds.append(one_round(db, tokens, tally, Path(tmp) / "server.log", rng.uniform(1.0, 3.0)))
    bad = [n for n, r in enumerate(rounds) if r["problems"] or not r["log_verify"]]
    out = {
        "rounds": args.rounds,
        "submitters": args.submitters,
        "acknowledged": len(tally.acked),
        "server_errors": tally.server_errors,
        "transport_errors": tally.transport_errors,
        "unanswered_at_end": len(tally.pending),
        "bad_rounds": bad,
        "wall_s": round(time.monotonic() - started, 1),
        "per_round": rounds,
    }
    out["ok"] = not bad and tally.server_errors == 0 and bool(tally.acked)
    print(json.dumps(out, indent=2))
    return 0 if out["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
