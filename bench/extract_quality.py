"""Accuracy of ``ceasefire extract`` on FA-KES (real Syrian-war articles, crowd-coded fields).

    .venv/bin/python bench/extract_quality.py [--data ../shared/data/fakes/fakes-dev.csv]
                                              [--split both|dev|heldout] [--errors FIELD]

Rows are split once and for good: every 4th row (positions 3, 7, 11, ...) is HELD OUT and was
never looked at while the rules and lexicons were written; ``--errors`` refuses to show them.
For each split the script prints, per field, the extractor's accuracy next to the
majority-class baseline (the most common dev label, predicted for every article), and the
throughput in articles per second (spaCy model loading excluded, printed apart).

Fields compared with the FA-KES codes (Abu Salem et al., ICWSM 2019, CC BY 4.0):
- governorate: the main incident's ``admin1`` vs ``location``. FA-KES has no "Rural Damascus"
  class (its "damascus" covers the Ghouta suburbs), so Rural Damascus counts as Damascus.
- cause of death: ``cause_of_death`` vs ``cause_of_death`` (same vocabulary).
- perpetrator side: the main incident's perpetrator, mapped to FA-KES's actor classes
  (no perpetrator → "unknown").
- civilian count exact: ``civilian_fatalities`` == ``nb_civilians`` (no incident → 0).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from ceasefire.news.gazetteer import gazetteer
from ceasefire.news.incidents import NewsIncident, extract_incidents
from ceasefire.news.nlp import pipeline
from ceasefire.news.text import Article, clean_text

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "fakes" / "fakes-dev.csv"
SIDES = {
    "government": "syrian government or russian troops",
    "isis": "the organization of the islamic state in iraq and the levant - isis",
    "coalition": "international coalition forces",
    "opposition": "armed opposition groups",
    "sdf": "self administration forces",
    "nusra": "al-nusra front",
}
Row = dict[str, str]
Prediction = NewsIncident | None


def held_out(position: int) -> bool:
    return position % 4 == 3


def article_of(row: Row) -> Article:
    month, day, year = (int(x) for x in row["date"].split("/"))
    text = clean_text(f"{row['article_title']}.\n\n{row['article_content']}")
    return Article(f"fakes:{row['unit_id']}", text, dt.date(2000 + year, month, day))


def governorate(label: str) -> str:
    place = gazetteer().lookup(label)
    return place.admin1 if place else label


def predicted_governorate(p: Prediction) -> str:
    admin1 = p.admin1 if p else ""
    return "Damascus" if admin1 == "Rural Damascus" else admin1


FIELDS: dict[str, tuple[Callable[[Row], str], Callable[[Prediction], str]]] = {
    "governorate": (lambda r: governorate(r["location"]), predicted_governorate),
    "cause of death": (
        lambda r: r["cause_of_death"],
        lambda p: p.cause_of_death if p else "unknown",
    ),
    "perpetrator side": (
        lambda r: r["actor"],
        lambda p: SIDES.get(p.perpetrator_side or "", "unknown") if p else "unknown",
    ),
    "civilian count exact": (
        lambda r: str(int(float(r["nb_civilians"] or 0))),
        lambda p: str(p.civilian_fatalities if p else 0),
    ),
}


def run(rows: list[Row]) -> tuple[list[Prediction], float, float]:
    """The main incident of each row, the wall-clock seconds and this process's CPU seconds
    (a second process, when ``parse`` starts one on an idle core, is not in the CPU figure)."""
    articles = [article_of(r) for r in rows]
    main: dict[str, Prediction] = {a.file: None for a in articles}
    started, cpu = time.perf_counter(), time.process_time()
    for incident in extract_incidents(articles):
        if main[incident.file] is None:
            main[incident.file] = incident
    return [main[a.file] for a in articles], time.perf_counter() - started, time.process_time() - cpu


def report(name: str, rows: list[Row], preds: list[Prediction], majority: dict[str, str]) -> None:
    print(f"\n{name}: {len(rows)} articles")
    print(f"  {'field':<22}{'extractor':>10}{'majority':>10}   majority class")
    for field, (truth, guess) in FIELDS.items():
        hits = sum(truth(r) == guess(p) for r, p in zip(rows, preds, strict=True))
        base = sum(truth(r) == majority[field] for r in rows)
        print(f"  {field:<22}{hits / len(rows):>10.3f}{base / len(rows):>10.3f}   {majority[field]}")


def show_errors(field: str, rows: list[Row], preds: list[Prediction]) -> None:
    truth, guess = FIELDS[field]
    for row, pred in zip(rows, preds, strict=True):
        if truth(row) != guess(pred):
            quote = pred.quote[:160] if pred else "(no incident)"
            print(f"{row['unit_id']}: want {truth(row)!r} got {guess(pred)!r} :: {quote}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--split", choices=["both", "dev", "heldout"], default="both")
    parser.add_argument("--errors", choices=list(FIELDS), help="list dev-split errors of FIELD")
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"skipped: {args.data} not found (FA-KES lives in ../shared/data, see SOURCES.md)")
    with args.data.open(encoding="utf-8", newline="") as fp:
        rows = list(csv.DictReader(fp))
    dev = [r for i, r in enumerate(rows) if not held_out(i)]
    heldout = [r for i, r in enumerate(rows) if held_out(i)]
    majority = {f: Counter(t(r) for r in dev).most_common(1)[0][0] for f, (t, _) in FIELDS.items()}
    started = time.perf_counter()
    pipeline(False)
    print(f"model load: {time.perf_counter() - started:.2f} s")
    for name, part in (("dev", dev), ("held-out", heldout)):
        if args.split not in ("both", name.replace("-", "")):
            continue
        preds, seconds, cpu = run(part)
        report(name, part, preds, majority)
        print(f"  throughput: {len(part) / seconds:.1f} articles/s ({seconds:.1f} s), {len(part) / cpu:.1f} per CPU s")
        print(f"  load average: {os.getloadavg()[0]:.1f}")
        if args.errors and name == "dev":
            show_errors(args.errors, part, preds)


if __name__ == "__main__":
    main()
