"""Precision and recall of ``ceasefire claims`` on real news articles annotated by hand (issue 15).

    .venv/bin/python bench/claims_quality.py [--data ../shared/data/fakes/fakes-dev.csv] [--show] [--part dev]
    .venv/bin/python bench/claims_quality.py --stories dev|heldout [--show]

The real corpus is bench/data/claims/{dev,heldout}/<unit_id>.json: claims annotated on FA-KES
articles (CC BY 4.0, Abu Salem et al., ICWSM 2019) under ../shared/CLAIMS-GUIDELINE.md against
examples/syria-2016-09; README.md there gives the split, the sampling and the conventions. The
article text is read from the FA-KES CSV in ../shared/data (never committed), written to a temporary
file per article (title, blank line, text) and read back with ``read_article``, as ``ceasefire
verify --news`` does. Prints one JSON object: per part, precision and recall with and without the
category, for the rules alone and for the rules with the learned category
(``lexicon/claims_model.json``, trained on dev by bench/train_claims_model.py), and articles/s of
the parse and the rules (model load excluded, timed apart), by the wall clock and by this
process's CPU time. ``--show`` lists the rules' reading (what ``ceasefire claims`` gives).

Unit and matching (the issue's rule): per article, the distinct (speaker party, kind, accused set,
category) of the annotations and of the predictions. A predicted unit matches an annotated one when
the speaker party and kind are equal, the accused sets overlap (or both are empty), and the category
is equal when the annotation gives one; each unit matches at most one other (maximum bipartite
matching). "Ignoring the category" drops the category from the unit and from the rule. ``--show``
lists the dev part's predictions and misses and counts the errors by class (the fields in which
each differs from the closest unit of its article); it refuses the held-out part, which is never
tuned on.

``--stories`` runs the former benchmark on the invented wire-style stories (bench/data/claims/*.txt,
annotations.yaml), kept as a fixture for regressions only.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from ceasefire.agreement.loader import load_agreement
from ceasefire.model import NewsClaim
from ceasefire.news.claim_model import shipped_model
from ceasefire.news.claims import claims_of, extract_claims
from ceasefire.news.nlp import parse, pipeline
from ceasefire.news.obligations import ObligationMatcher
from ceasefire.news.parties import PartyResolver
from ceasefire.news.text import Article, read_article

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "claims"
ROOT = HERE.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "fakes" / "fakes-dev.csv"
AGREEMENT = ROOT / "examples" / "syria-2016-09" / "agreement.yaml"
Unit = tuple[str | None, str, frozenset[str], str | None]  # party, kind, accused, category


def gold_units(path: Path, category: bool) -> set[Unit]:
    claims = json.loads(path.read_text("utf-8"))["claims"]
    return {unit(c["speaker_party"], c["kind"], c["accused"], c["category"], category) for c in claims}


def unit(party: str | None, kind: str, accused: Sequence[str], cat: str | None, category: bool) -> Unit:
    return (party, kind, frozenset(accused), cat if category else None)


def matches(found: Unit, wanted: Unit) -> bool:
    """The issue's rule: same party and kind, overlapping accused, same category when annotated."""
    overlap = bool(found[2] & wanted[2]) or not (found[2] or wanted[2])
    return found[:2] == wanted[:2] and overlap and (wanted[3] is None or found[3] == wanted[3])


def matched(found: list[Unit], wanted: list[Unit]) -> int:
    """Size of a maximum one-to-one matching (Kuhn's augmenting paths; the sets are small)."""
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j, w in enumerate(wanted):
            if j not in seen and matches(found[i], w):
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    return sum(augment(i, set()) for i in range(len(found)))


def score(predicted: dict[str, set[Unit]], gold: dict[str, set[Unit]]) -> dict[str, Any]:
    hits = sum(matched(sorted(predicted.get(a, set()), key=str), sorted(g, key=str)) for a, g in gold.items())
    n_pred = sum(len(u) for u in predicted.values())
    n_gold = sum(len(u) for u in gold.values())
    return {
        "predicted": n_pred,
        "annotated": n_gold,
        "matched": hits,
        "precision": round(hits / n_pred, 3) if n_pred else None,
        "recall": round(hits / n_gold, 3) if n_gold else None,
    }


def articles_of(rows: dict[str, dict[str, str]], ids: list[str], folder: Path) -> list[Article]:
    """The FA-KES rows as article files in ``folder``, read back the way ``ceasefire`` reads news."""
    articles = []
    for unit_id in ids:
        path = folder / f"{unit_id}.txt"
        path.write_text(f"{rows[unit_id]['article_title']}\n\n{rows[unit_id]['article_content']}\n", "utf-8")
        articles.append(read_article(path))
    return articles


def predicted_units(claims: list[NewsClaim], category: bool) -> dict[str, set[Unit]]:
    units: dict[str, set[Unit]] = {}
    for c in claims:
        units.setdefault(Path(c.file).stem, set()).add(unit(c.speaker_party, c.kind, c.accused, c.category, category))
    return units


def run_part(agreement: Any, rows: dict[str, dict[str, str]], part: str, show: bool) -> dict[str, Any]:
    files = sorted((DATA / part).glob("[0-9]*.json"))
    resolver, matcher = PartyResolver(agreement), ObligationMatcher(agreement)
    with tempfile.TemporaryDirectory() as tmp:
        articles = articles_of(rows, [f.stem for f in files], Path(tmp))
        started, cpu = time.perf_counter(), time.process_time()
        docs = list(parse([a.text for a in articles], parser=True))
        claims = [c for a, d in zip(articles, docs, strict=True) for c in claims_of(a, d, resolver, matcher)]
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        model = shipped_model()
        learned = [c for a, d in zip(articles, docs, strict=True) for c in claims_of(a, d, resolver, matcher, model)]
    result: dict[str, Any] = {"articles": len(files), "claims_extracted": len(claims)}
    for reading, found in (("rules", claims), ("rules+model", learned)):
        for name, category in (("with_category", True), ("ignoring_category", False)):
            gold = {f.stem: gold_units(f, category) for f in files}
            result.setdefault(reading, {})[name] = score(predicted_units(found, category), gold)
    result["articles_per_s"] = round(len(files) / seconds, 2)
    # On a shared machine the wall clock measures the neighbours too; this process's CPU time
    # does not (one process: parse() adds a second one only on an idle core, whose CPU time
    # this figure does not see).
    result["articles_per_cpu_s"] = round(len(files) / cpu, 2)
    if show:
        show_dev(claims, {f.stem: gold_units(f, True) for f in files})
    return result


def show_dev(claims: list[NewsClaim], gold: dict[str, set[Unit]]) -> None:
    """Each dev prediction with its verdict, then the annotated units nothing matched, then the
    errors counted by class (stderr)."""
    found = predicted_units(claims, True)
    classes: Counter[str] = Counter()
    for article in sorted(set(gold) | set(found)):
        mine, want = found.get(article, set()), gold.get(article, set())
        for u in sorted(mine, key=str):
            verdict = "ok " if any(matches(u, w) for w in want) else "BAD"
            print(verdict, article, u[0], u[1], sorted(u[2]), u[3], file=sys.stderr)
            if verdict == "BAD":
                classes["wrong prediction: " + error_class(u, want)] += 1
        for w in sorted(want, key=str):
            if not any(matches(u, w) for u in mine):
                print("MISSED", article, w[0], w[1], sorted(w[2]), w[3], file=sys.stderr)
                classes["missed annotation: " + error_class(w, mine)] += 1
    for name, count in classes.most_common():
        print(f"{count:4d} {name}", file=sys.stderr)


def error_class(unit: Unit, others: set[Unit]) -> str:
    """The fields in which ``unit`` differs from the closest unit of ``others`` (same article)."""
    if not others:
        return "nothing on the other side in this article"
    best: list[str] | None = None
    for other in others:
        differ = [name for name, same in _fields(unit, other) if not same]
        if best is None or len(differ) < len(best):
            best = differ
    assert best is not None
    return "+".join(best) if 0 < len(best) <= 2 else ("duplicate" if not best else "unrelated")


def _fields(a: Unit, b: Unit) -> list[tuple[str, bool]]:
    overlap = bool(a[2] & b[2]) or not (a[2] or b[2])
    return [("party", a[0] == b[0]), ("kind", a[1] == b[1]), ("accused", overlap), ("category", a[3] == b[3])]


def real(data: Path, show: bool, parts: Sequence[str] = ("dev", "heldout")) -> None:
    if not data.exists():
        sys.exit(f"skipped: {data} not found (FA-KES lives in ../shared/data, see SOURCES.md)")
    rows: dict[str, dict[str, str]] = {}
    with data.open(encoding="utf-8", newline="") as fp:
        for row in csv.DictReader(fp):
            rows.setdefault(row["unit_id"], row)  # repeated ids carry identical text
    agreement = load_agreement(AGREEMENT)
    started = time.perf_counter()
    pipeline(True)
    report: dict[str, Any] = {"corpus": "bench/data/claims/{dev,heldout}/*.json (FA-KES, CC BY 4.0)"}
    report["model_load_s"] = round(time.perf_counter() - started, 2)
    for part in parts:
        report[part] = run_part(agreement, rows, part, show and part == "dev")
    print(json.dumps(report, indent=2))


def stories(part: str, show: bool) -> None:
    """The former benchmark on the invented stories (annotations.yaml, agreement.py)."""
    folder = DATA if part == "dev" else DATA / "heldout"
    table = YAML(typ="safe", pure=True).load((folder / "annotations.yaml").read_text("utf-8"))
    gold = {
        Path(name).stem: {unit(c["speaker_party"], c["kind"], c["accused"], c["category"], True) for c in claims}
        for name, claims in table["articles"].items()
    }
    spec = importlib.util.spec_from_file_location("claims_agreement", DATA / "agreement.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    claims = list(extract_claims(module.AGREEMENT, [read_article(folder / f"{name}.txt") for name in gold]))
    print(json.dumps({"stories": part, **score(predicted_units(claims, True), gold)}, indent=2))
    if show:
        show_dev(claims, gold)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the FA-KES CSV")
    parser.add_argument("--show", action="store_true", help="list dev predictions and misses on stderr")
    parser.add_argument("--stories", choices=["dev", "heldout"], help="the invented stories instead")
    parser.add_argument(
        "--part",
        choices=["dev", "heldout"],
        help="measure one part only (tuning runs dev alone: held-out is run rarely)",
    )
    args = parser.parse_args()
    if args.stories:
        stories(args.stories, args.show)
    else:
        real(args.data, args.show, [args.part] if args.part else ["dev", "heldout"])


if __name__ == "__main__":
    main()
