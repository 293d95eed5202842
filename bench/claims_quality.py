"""Precision and recall of ``ceasefire claims`` on our own annotated wire-style articles.

    .venv/bin/python bench/claims_quality.py [--set dev|heldout] [--show]

The articles in bench/data/claims/ were written for this benchmark (invented events in wire
style: reported speech, quotations over several paragraphs, agency credits, parties accusing
each other); annotations.yaml lists the claims a careful reader finds. A predicted claim is
correct when (file, speaker party, kind, accused set, category) equals an annotated one; each
annotation matches at most once. The ``dev`` set (bench/data/claims/*.txt) was used while the
lexicons were written; the ``heldout`` set (bench/data/claims/heldout/) was written and
annotated before the extractor first ran on it, and never tuned on.
"""

from __future__ import annotations

import argparse
import importlib.util
from collections import Counter
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from ceasefire.news.claims import NewsClaim, extract_claims
from ceasefire.news.text import read_article

DATA = Path(__file__).resolve().parent / "data" / "claims"
Key = tuple[str, str | None, str, frozenset[str], str | None]


def gold(folder: Path) -> Counter[Key]:
    table = YAML(typ="safe", pure=True).load((folder / "annotations.yaml").read_text("utf-8"))
    keys: Counter[Key] = Counter()
    for name, claims in table["articles"].items():
        for c in claims:
            keys[(name, c["speaker_party"], c["kind"], frozenset(c["accused"]), c["category"])] += 1
    return keys


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
    found = Counter(key_of(c) for c in predicted)
    hits = sum((found & expected).values())
    precision = hits / max(1, sum(found.values()))
    recall = hits / max(1, sum(expected.values()))
    print(
        f"{args.set} set, claims: {sum(found.values())} predicted, {sum(expected.values())} annotated, {hits} right"
    )
    print(f"precision {precision:.2f}  recall {recall:.2f}")
    if args.show:
        for claim in predicted:
            verdict = "ok " if expected[key_of(claim)] else "BAD"
            print(
                verdict,
                key_of(claim)[:3],
                sorted(claim.accused),
                claim.category,
                "|",
                claim.speaker,
                "|",
                claim.quote[:90],
            )
        for key in expected - found:
            print("MISSED", key[0], key[1], key[2], sorted(key[3]), key[4])


if __name__ == "__main__":
    main()
