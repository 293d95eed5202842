"""Time the paged list endpoints over a generated store (issue 14, paging).

    PYTHONPATH=. python bench/pages.py --incidents 100000 [--db postgresql://...] [--keep DIR]

Generates seeded incidents (``bench/synth.py``), stores them with ``init`` + ``import`` (one
verification run, published), then reads each endpoint in-process (Starlette's test client, so
no network) as the public and as an analyst: the first read (cold: nothing cached) and the
median of 5 after. Prints one JSON object. The full server benchmark is ``bench/serve_scale.py``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import synth
from verify import write_acled_csv

READS = (
    "/api/v1/findings?limit=100",
    "/api/v1/findings?limit=100&status=violation",
    "/api/v1/findings?limit=1000",
    "/api/v1/incidents?limit=100",
    "/api/v1/claims?limit=100",
    "/api/v1/cases?limit=100",
    "/scorecards",
    "/api/v1/clocks",
)


def _timed(call: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = call()
    return round((time.perf_counter() - start) * 1000, 1), out


def build(db: str, n: int, folder: Path) -> dict[str, Any]:
    """Init, import and publish a store of ``n`` incidents; the times and the analyst token."""
    from ceasefire.service.workflow import import_events, init_database
    from ceasefire.store import open_store

    csv_path = write_acled_csv(synth.incidents(n), synth.agreement(), folder)
    store = open_store(db, create=True)
    try:
        init_ms, _ = _timed(lambda: init_database(store, folder / "agreement.yaml"))
        import_ms, done = _timed(lambda: import_events(store, [csv_path]))
        store.publish_run(None, done.run.id)
        token = store.create_token("analyst", None, "bench")[0]
        return {"init_ms": init_ms, "import_verify_ms": import_ms, "findings": done.run.findings, "token": token}
    finally:
        store.close()


def read(db: str, token: str) -> dict[str, Any]:
    """Cold and warm times of each read, as the public and as an analyst."""
    from fastapi.testclient import TestClient

    from ceasefire.api.state import Settings
    from ceasefire.server import create_app

    out: dict[str, Any] = {}
    with TestClient(create_app(Settings(db=db, checkpoint_every=0))) as client:
        for who, headers in (("public", {}), ("analyst", {"Authorization": f"Bearer {token}"})):
            for path in READS:
                out[f"{who} {path}"] = _read_one(client, path, headers)
        out["pages_of_1000_findings_per_s"] = _walk(client)
        for path in ("/export/findings.csv", "/export/findings.geojson"):
            out[path] = _export(client, path)
    return out


def _read_one(client: Any, path: str, headers: dict[str, str]) -> dict[str, Any]:
    cold, answer = _timed(lambda: client.get(path, headers=headers))
    assert answer.status_code == 200, (path, answer.text[:300])
    warm = [_timed(lambda: client.get(path, headers=headers))[0] for _ in range(5)]
    return {"cold_ms": cold, "median_ms": statistics.median(warm), "bytes": len(answer.content)}


def _export(client: Any, path: str) -> dict[str, Any]:
    """Time, size and findings per second of a streamed export (the public)."""
    ms, answer = _timed(lambda: client.get(path))
    assert answer.status_code == 200, answer.text[:300]
    rows = answer.content.count(b"\n") - 1 if path.endswith(".csv") else len(answer.json()["features"])
    return {"ms": ms, "bytes": len(answer.content), "findings": rows, "findings_per_s": round(rows / (ms / 1000))}


def _walk(client: Any) -> float:
    """Findings per second following ``next`` over every page of 1000 (the public)."""
    start, rows, cursor = time.perf_counter(), 0, None
    while True:
        params = {"limit": 1000, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/v1/findings", params=params).json()
        rows += len(body["findings"])
        cursor = body["next"]
        if cursor is None:
            return round(rows / (time.perf_counter() - start))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--db", help="a postgresql:// URL (an empty schema); default: a SQLite file")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        db = args.db or str(folder / "bench.db")
        built = build(db, args.incidents, folder)
        token = built.pop("token")
        print(json.dumps({"incidents": args.incidents, **built, **read(db, token)}, indent=1))


if __name__ == "__main__":
    main()
