"""How fast the dashboard's map opens in a real browser (issue 14): Playwright driving Debian's
chromium, headless, with a fresh profile and an empty cache each time.

    measure_map(url, chromium) -> {"seconds_to_markers": float, "bytes": int}

``seconds_to_markers``: from asking for the page until the map shows incidents (a marker or a
cluster badge drawn; the offline outlines may still be coming); ``bytes``: every byte the
browser received until the page is ready and the network idle (encoded sizes as the network
carried them, headers included): page, scripts, outlines and API answers. ``bench/serve_scale.py`` calls it; run alone against a running server::

    python bench/map_probe.py http://127.0.0.1:8000 [--chromium /usr/bin/chromium] [--repeat 3]

prints one JSON object (the median of the repeats, and each run).

``build_store(folder, n)`` makes a store of ``n`` seeded synthetic incidents (``synth.py``)
with a light agreement (air strikes in 20 zones: a few thousand findings), its run published,
in a few seconds per 100k: the browser test at 100k incidents uses it.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth

__all__ = ["build_store", "count_bytes", "measure_map"]

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
MARKERS = ".incident-dot, .cluster-badge"
TIMEOUT_MS = 600_000  # a cold server at a million incidents may take minutes to answer first


def measure_map(url: str, chromium: str, *, viewport: tuple[int, int] = (1366, 768)) -> dict[str, Any]:
    """Open the map at ``url`` (the site's root, e.g. ``http://127.0.0.1:8000``) once in the
    chromium at path ``chromium``; time until markers show, count the bytes received."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=ARGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
            page = context.new_page()
            received = count_bytes(context, page)
            started = time.perf_counter()
            page.goto(url.rstrip("/") + "/", timeout=TIMEOUT_MS)
            page.wait_for_selector(MARKERS, timeout=TIMEOUT_MS)
            seconds = time.perf_counter() - started
            page.wait_for_selector("body[data-ready='true']", timeout=TIMEOUT_MS)  # outlines too
            page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
            context.close()
        finally:
            browser.close()
    return {"seconds_to_markers": round(seconds, 3), "bytes": int(received[0])}


def count_bytes(context: Any, page: Any) -> list[float]:
    """A one-item list that sums, as the page loads, what the network carried (DevTools
    ``Network.loadingFinished``'s encoded length: compressed bodies and headers)."""
    total = [0.0]
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": True})

    def finished(event: dict[str, Any]) -> None:
        total[0] += float(event.get("encodedDataLength", 0))

    session.on("Network.loadingFinished", finished)
    return total


def build_store(folder: Path, n: int, seed: int = 20160912) -> Path:
    """A SQLite store of ``n`` synthetic incidents in ``folder`` (agreement, one import, one
    published run); its path. The incidents go to the store as columns in one ``add_import``
    (a note beside them is their evidence file), not through the CSV reader."""
    from ceasefire.service.workflow import init_database, verify_stored
    from ceasefire.store import open_store
    from ceasefire.table import columns_of, normalized_columns

    full = synth.agreement(n_zones=20, n_routes=2)
    agreement = dataclasses.replace(full, obligations=tuple(o for o in full.obligations if o.id == "air"))
    (folder / "agreement.yaml").write_text(synth.agreement_yaml(agreement))
    columns = {k: np.asarray(v) for k, v in synth.incidents(n, seed).items()}
    evidence = folder / "events.txt"
    evidence.write_text(f"synth.incidents({n}, seed={seed})\n")
    path = folder / "map.db"
    store = open_store(str(path), create=True)
    try:
        init_database(store, folder / "agreement.yaml")
        incidents = (_incident(columns, k) for k in range(n))
        store.add_import(evidence, "acled", normalized_columns(columns_of(incidents)))
        _, run = verify_stored(store)
        store.publish_run(None, run.id)
    finally:
        store.close()
    return path


def _incident(columns: dict[str, Any], k: int) -> Any:
    from ceasefire.model import Incident

    text = {name: str(columns[name][k]) for name in ("event_type", "sub_event_type", "actor1", "actor2", "weapon")}
    return Incident(
        id=str(columns["id"][k]),
        source="acled",
        date=dt.date.fromordinal(int(columns["date"][k])),
        lat=round(float(columns["lat"][k]), 5),
        lon=round(float(columns["lon"][k]), 5),
        geo_precision=int(columns["geo_precision"][k]),
        radius_m=float(columns["radius_m"][k]),
        fatalities=int(columns["fatalities"][k]),
        notes=str(columns["notes"][k]),
        country="Syria",
        source_name="synthetic",
        **text,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--chromium", default=os.environ.get("CEASEFIRE_CHROMIUM") or shutil.which("chromium"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.chromium:
        parser.error("no chromium: pass --chromium or set CEASEFIRE_CHROMIUM")
    runs = [measure_map(args.url, args.chromium) for _ in range(args.repeat)]
    median = {key: statistics.median(run[key] for run in runs) for key in ("seconds_to_markers", "bytes")}
    print(json.dumps({**median, "runs": runs}))


if __name__ == "__main__":
    main()
