"""Train the claim kind and category classifiers shipped as ceasefire/news/lexicon/claims_model.json.

    .venv/bin/python bench/train_claims_model.py [--data ../shared/data/fakes/fakes-dev.csv] [--check]

Trains on the development part of the annotated corpus only (bench/data/claims/dev; the held-out
part is never read here): one example per annotated claim, its ``sentence`` excerpt read by
``claim_model.features`` with the article's dominant category (the article text comes from the
FA-KES CSV, as in bench/claims_quality.py). Two multinomial logistic regressions (numpy, full-batch
gradient descent, L2). The confidence threshold from which the learned category replaces the rules'
is chosen by 5-fold cross-validation over dev articles (folds by ``sha256(unit_id)``, first hex
digit): for each fold, a model trained on the other four runs inside the extractor on the fold's
articles, and the threshold with the best F1 (category counted) wins; 1.01 means never. Prints the
cross-validated figures; writes the model unless ``--check``. The file records the SHA-256 of the
annotation files it was trained on and of the CSV.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import json
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from claims_quality import AGREEMENT, DATA, DEFAULT_DATA, Unit, articles_of, gold_units, predicted_units, score

from ceasefire.agreement.loader import load_agreement
from ceasefire.news.claim_model import MODEL_FILE, ClaimModel, Head, features
from ceasefire.news.claims import claims_of
from ceasefire.news.nlp import parse
from ceasefire.news.obligations import ObligationMatcher
from ceasefire.news.parties import PartyResolver
from ceasefire.news.statements import kind_of
from ceasefire.news.text import Article

OUT = Path(__file__).resolve().parent.parent / "ceasefire" / "news" / "lexicon" / MODEL_FILE
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.01)
FOLDS = 5
MIN_COUNT = 2  # a feature seen in one training sentence only is noise at this size
L2, STEPS, RATE = 1e-3, 400, 1.0


def fold_of(unit_id: str) -> int:
    return int(hashlib.sha256(unit_id.encode()).hexdigest()[0], 16) % FOLDS


def fit(examples: list[tuple[list[str], str]]) -> Head:
    """A multinomial logistic regression over binary features."""
    counts = Counter(name for names, _ in examples for name in set(names))
    vocab = sorted(n for n, c in counts.items() if c >= MIN_COUNT)
    index = {n: i for i, n in enumerate(vocab)}
    classes = sorted({label for _, label in examples})
    x = np.zeros((len(examples), len(vocab)))
    y = np.zeros((len(examples), len(classes)))
    for row, (names, label) in enumerate(examples):
        x[row, [index[n] for n in names if n in index]] = 1.0
        y[row, classes.index(label)] = 1.0
    w, b = np.zeros((len(vocab), len(classes))), np.zeros(len(classes))
    for _ in range(STEPS):
        scores = x @ w + b
        p = np.exp(scores - scores.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        w -= RATE * (x.T @ (p - y) / len(examples) + L2 * w)
        b -= RATE * (p - y).mean(axis=0)
    weights = {n: tuple(round(float(v), 4) for v in w[i]) for n, i in index.items()}
    return Head(tuple(classes), tuple(round(float(v), 4) for v in b), weights)


def examples_of(ids: list[str], topics: dict[str, str | None], matcher: ObligationMatcher) -> list[dict[str, Any]]:
    rows = []
    for unit_id in ids:
        for claim in json.loads((DATA / "dev" / f"{unit_id}.json").read_text("utf-8"))["claims"]:
            names = features(claim["sentence"], matcher.categories(claim["sentence"]), topics[unit_id])
            rows.append({"names": names, "kind": claim["kind"], "category": claim["category"], **claim})
    return rows


def train(rows: list[dict[str, Any]], threshold: float, kind_threshold: float, trained_on: str) -> ClaimModel:
    kind = fit([(r["names"], r["kind"]) for r in rows])
    category = fit([(r["names"], r["category"]) for r in rows if r["category"] is not None])
    return ClaimModel(kind, category, threshold, kind_threshold, trained_on)


def digest(paths: list[Path]) -> str:
    sha = hashlib.sha256()
    for path in paths:
        sha.update(path.name.encode() + b"\0" + path.read_bytes())
    return sha.hexdigest()


@dataclass(frozen=True)
class Corpus:
    """The dev part, parsed once: ids, articles, spaCy docs, topics and annotated units."""

    ids: list[str]
    articles: list[Article]
    docs: list[Any]
    topics: dict[str, str | None]
    gold: dict[str, set[Unit]]


def corpus(data: Path, matcher: ObligationMatcher) -> Corpus:
    rows: dict[str, dict[str, str]] = {}
    with data.open(encoding="utf-8", newline="") as fp:
        for row in csv.DictReader(fp):
            rows.setdefault(row["unit_id"], row)
    files = sorted((DATA / "dev").glob("[0-9]*.json"))
    ids = [f.stem for f in files]
    with tempfile.TemporaryDirectory() as tmp:
        articles = articles_of(rows, ids, Path(tmp))
    docs = list(parse([a.text for a in articles], parser=True))
    topics = {i: matcher.topic(a.text) for i, a in zip(ids, articles, strict=True)}
    return Corpus(ids, articles, docs, topics, {i: gold_units(f, True) for i, f in zip(ids, files, strict=True)})


def cross_validate(dev: Corpus, resolver: PartyResolver, matcher: ObligationMatcher) -> dict[tuple[float, float], Any]:
    """Dev figures (category counted) for every pair of thresholds, each article read by the
    model of the folds it is not in."""
    folds = [
        train(examples_of([i for i in dev.ids if fold_of(i) != k], dev.topics, matcher), 1.01, 1.01, "cv")
        for k in range(FOLDS)
    ]
    figures = {}
    for threshold, kind_threshold in itertools.product(THRESHOLDS, THRESHOLDS):
        claims = []
        for i, article, doc in zip(dev.ids, dev.articles, dev.docs, strict=True):
            model = replace(folds[fold_of(i)], threshold=threshold, kind_threshold=kind_threshold)
            claims += claims_of(article, doc, resolver, matcher, model)
        figures[threshold, kind_threshold] = score(predicted_units(claims, True), dev.gold)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the FA-KES CSV")
    parser.add_argument("--check", action="store_true", help="cross-validate only, write nothing")
    args = parser.parse_args()
    agreement = load_agreement(AGREEMENT)
    resolver, matcher = PartyResolver(agreement), ObligationMatcher(agreement)
    dev = corpus(args.data, matcher)
    report: dict[str, Any] = {
        "trained_on": digest(sorted((DATA / "dev").glob("[0-9]*.json"))),
        "texts": hashlib.sha256(args.data.read_bytes()).hexdigest(),
        "kind_accuracy_cv": kind_accuracy(dev.ids, dev.topics, matcher),
    }
    figures = cross_validate(dev, resolver, matcher)
    report["cv_with_category"] = {f"category {t} kind {u}": f for (t, u), f in figures.items()}
    best = max(figures, key=lambda tu: (f1(figures[tu]), -tu[0], -tu[1]))
    report["threshold"], report["kind_threshold"] = best
    print(json.dumps(report, indent=2))
    if not args.check:
        model = train(examples_of(dev.ids, dev.topics, matcher), best[0], best[1], report["trained_on"])
        document = {"texts": report["texts"], **model.to_document()}
        OUT.write_text(json.dumps(document, sort_keys=True, separators=(",", ":")) + "\n", "utf-8")


def f1(figures: dict[str, Any]) -> float:
    p, r = figures["precision"] or 0.0, figures["recall"] or 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def kind_accuracy(ids: list[str], topics: dict[str, str | None], matcher: ObligationMatcher) -> dict[str, float]:
    """Cross-validated accuracy of the kind head on the annotated sentences, beside the rules'
    cue reading of the same sentences (``kind_of`` without a speech verb's own kind)."""
    right = cues = total = 0
    for k in range(FOLDS):
        model = train(examples_of([i for i in ids if fold_of(i) != k], topics, matcher), 1.01, 1.01, "cv")
        for row in examples_of([i for i in ids if fold_of(i) == k], topics, matcher):
            right += model.kind.best(row["names"])[0] == row["kind"]
            cues += kind_of(None, row["sentence"]) == row["kind"]
            total += 1
    return {"model": round(right / total, 3), "rules_cues": round(cues / total, 3), "sentences": total}


if __name__ == "__main__":
    main()
