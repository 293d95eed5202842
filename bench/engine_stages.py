"""Where the engine's time goes: CPU seconds per stage of ``verify_table`` on the synthetic data.

    PYTHONPATH=$PWD .venv/bin/python bench/engine_stages.py --events 1000000 --repeat 5

Each stage is timed by wrapping the engine function that does it (``time.process_time``, best
run of ``--repeat``); names that a version of the engine does not have are skipped, so the same
script profiles the code before and after a change (run it with the other tree on PYTHONPATH).
Stages: building the table (actor resolution included), the spatial index, zone membership,
distances to routes and lines, attribution, assembling findings (status, confidence, the
finding table), the clocks, and the rest of the rules (event filters, scopes, places, judging).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth

import ceasefire.rules as rules
import ceasefire.rules.context as context
import ceasefire.verification as verification
from ceasefire.actor_resolution import AliasResolver
from ceasefire.findings import FindingTable
from ceasefire.table import IncidentTable

SPENT: Counter[str] = Counter()
# (module, function name, stage): the engine functions each stage is the time of.
STAGES = [
    (context, "PointIndex", "spatial index"),
    (context, "zone_membership", "zone membership"),
    (context, "zone_memberships", "zone membership"),
    (context, "distances_near", "distances to routes and lines"),
    (context, "attribute", "attribution"),
    (context, "attribute_combos", "attribution"),
    (rules, "_findings", "findings: status, confidence"),
    (verification, "daily_violations", "clocks"),
    (verification, "clocks_from_counts", "clocks"),
]


def timed(fn: Callable[..., Any], stage: str) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            SPENT[stage] += time.process_time() - start

    return run


def instrument() -> None:
    for module, name, stage in STAGES:
        if hasattr(module, name):
            setattr(module, name, timed(getattr(module, name), stage))
    concat = FindingTable.concat.__func__  # type: ignore[attr-defined]
    FindingTable.concat = classmethod(timed(concat, "findings: status, confidence"))  # type: ignore[method-assign]
    verification.evaluate = timed(verification.evaluate, "rules (all)")


def once(columns: dict[str, Any], agreement: Any) -> tuple[float, dict[str, float]]:
    SPENT.clear()
    start = time.process_time()
    resolver = AliasResolver(agreement)
    table = timed(IncidentTable.from_columns, "table (actor resolution included)")(columns, resolver)
    verification.verify_table(agreement, table, resolver)
    total = time.process_time() - start
    stages = dict(SPENT)
    inner = sum(v for k, v in stages.items() if k not in ("rules (all)", "table (actor resolution included)", "clocks"))
    stages["rules: event filters, scopes, places, judging"] = stages.pop("rules (all)") - inner
    return total, stages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    columns, agreement = synth.incidents(args.events), synth.agreement()
    instrument()
    total, stages = min(once(columns, agreement) for _ in range(args.repeat))
    report: dict[str, Any] = {"events": args.events, "cpu_s": round(total, 3)}
    report["load_average"] = [round(x, 2) for x in os.getloadavg()]
    report["stages"] = {k: round(v, 4) for k, v in sorted(stages.items(), key=lambda kv: -kv[1])}
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
