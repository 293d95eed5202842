"""Precision and recall of ``ceasefire claims`` on our own annotated wire-style articles.

    .venv/bin/python bench/claims_quality.py [--set dev|heldout] [--show]

The articles in bench/data/claims/ were written for this benchmark (invented events in wire
style: reported speech, quotations over several paragraphs, agency credits, parties accusing
each other); annotations.yaml lists the claims a careful reader finds, under the rules written
at its top. The unit is a distinct (file, speaker party, kind, accused set, category): the
annotations list each once, so predictions are counted once too (two speakers of one party
making the same claim in one article are one unit). The ``dev`` set (bench/data/claims/*.txt)
is the one rules and lexicons were written against; the ``heldout`` set
(bench/data/claims/heldout/) was written and annotated before the extractor first ran on it,
and is never tuned on (docs/news.md#benchmarks).
"""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from ceasefire.model import NewsClaim
from ceasefire.news.claims import extract_claims
from ceasefire.news.text import read_article

DATA = Path(__file__).resolve().parent / "data" / "claims"
Key = tuple[str, str | None, str, frozenset[str], str | None]


def gold(folder: Path) -> set[Key]:
    table = YAML(typ="safe", pure=True).load((folder / "annotations.yaml").read_text("utf-8"))
    return {
        (name, c["speaker_party"], c["kind"], frozenset(c["accused"]), c["category"])
        for name, claims in table["articles"].items()
        for c in claims
    }


def load_agreement_module() -> Any:
    """bench/data/claims/agreement.py, which builds the agreement from the model's dataclasses."""
    spec = importlib.util.spec_from_file_location("claims_agreement", DATA / "agreement.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def key_of(claim: NewsClaim) -> Key:
    name = Path(claim.file).name
    return (name, claim.speaker_party, claim.kind, frozenset(claim.accused), claim.category)


def show(predicted: list[NewsClaim], expected: set[Key]) -> None:
    """Each distinct predicted unit with its verdict and first quote, then the missed ones."""
    seen: set[Key] = set()
    for claim in predicted:
        key = key_of(claim)
        if key in seen:
            continue
        seen.add(key)
        verdict = "ok " if key in expected else "BAD"
        print(verdict, key[:3], sorted(key[3]), key[4], "|", claim.speaker, "|", claim.quote[:80])
    for key in sorted(expected - seen, key=str):
        print("MISSED", key[0], key[1], key[2], sorted(key[3]), key[4])


FIELDS = ("speaker party", "kind", "accused", "category")


def relaxed(found: set[Key], expected: set[Key]) -> None:
    """Recall with one field ignored: how many misses each field alone accounts for."""
    for n, name in enumerate(FIELDS, start=1):
        keep = [i for i in range(5) if i != n]
        loose_found = {tuple(k[i] for i in keep) for k in found}
        loose = {tuple(k[i] for i in keep) for k in expected}
        print(f"  recall ignoring {name}: {len(loose_found & loose) / max(1, len(loose)):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=["dev", "heldout"], default="dev")
    parser.add_argument("--show", action="store_true", help="list every claim and its verdict")
    args = parser.parse_args()
    folder = DATA if args.set == "dev" else DATA / "heldout"
    agreement = load_agreement_module().AGREEMENT

    expected = gold(folder)
    files = sorted({name for name, *_ in expected})
    predicted = list(extract_claims(agreement, [read_article(folder / f) for f in files]))
    found = {key_of(c) for c in predicted}
    hits = len(found & expected)
    precision = hits / max(1, len(found))
    recall = hits / max(1, len(expected))
    print(
        f"{args.set} set ({len(files)} stories), claims: {len(found)} predicted, "
        f"{len(expected)} annotated, {hits} right"
    )
    print(f"precision {precision:.2f}  recall {recall:.2f}")
    relaxed(found, expected)
    if args.show:
        show(predicted, expected)


if __name__ == "__main__":
    main()
