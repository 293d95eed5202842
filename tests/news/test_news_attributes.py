"""The claims pipeline's numpy attribute ruler gives the same ``Doc`` as spaCy's ruler, and the
shipped claim model is the one its trainer describes (issue 15)."""

from __future__ import annotations

import csv
import hashlib
import itertools
from pathlib import Path
from typing import Any

import pytest

from ceasefire.news.claim_model import ClaimModel, Head, features, shipped_model

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "bench" / "data" / "claims" / "dev"

TEXTS = [
    "Moscow said its aircraft had not flown over Aleppo, and they didn't bomb anything.",
    "I'd say we're gonna win; y'all ain't seen nothin' yet, the spokesman told Reuters.",
    "There were strikes.\n\nIt is what it is: something that anyone could've done, if at all.",
    "  \n Those who'd been there said that these were theirs, but that was then.",
    "",
]


def _annotations(doc: Any) -> list[tuple[Any, ...]]:
    return [(t.pos_, str(t.morph), t.lemma_, t.tag_, t.dep_) for t in doc]


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_fast_attributes_equal_the_ruler(full_nlp: Any, text: str) -> None:
    assert "ceasefire_attributes" in full_nlp.pipe_names
    fast = full_nlp(text)
    with full_nlp.select_pipes(disable=["ceasefire_attributes"]):
        full_nlp.enable_pipe("attribute_ruler")
        try:
            slow = full_nlp(text)
        finally:
            full_nlp.disable_pipe("attribute_ruler")
    assert _annotations(fast) == _annotations(slow)


def test_fast_attributes_on_real_articles(full_nlp: Any, shared_data: Path) -> None:
    with (shared_data / "fakes" / "fakes-dev.csv").open(encoding="utf-8", newline="") as fp:
        texts = [row["article_content"] for row in itertools.islice(csv.DictReader(fp), 40)]
    fast = [_annotations(d) for d in full_nlp.pipe(texts)]
    with full_nlp.select_pipes(disable=["ceasefire_attributes"]):
        full_nlp.enable_pipe("attribute_ruler")
        try:
            slow = [_annotations(d) for d in full_nlp.pipe(texts)]
        finally:
            full_nlp.disable_pipe("attribute_ruler")
    assert fast == slow


def test_shipped_model_was_trained_on_the_dev_annotations() -> None:
    sha = hashlib.sha256()
    for path in sorted(DEV.glob("[0-9]*.json")):
        sha.update(path.name.encode() + b"\0" + path.read_bytes())
    model = shipped_model()
    assert model.trained_on == sha.hexdigest(), "dev annotations changed: rerun bench/train_claims_model.py"
    assert set(model.category.classes) <= {
        "air_operations",
        "cessation_of_hostilities",
        "civilian_protection",
        "humanitarian_access",
        "monitoring_and_reporting",
        "route_access",
        "territorial_status_quo",
        "withdrawal",
    }
    assert ClaimModel.from_document(model.to_document()) == model


def test_features_words_pairs_cues_topic() -> None:
    names = features("Jets Bombed the town", ["air_operations"], "civilian_protection")
    assert names == sorted(
        [
            "w:jets",
            "w:bombed",
            "w:the",
            "w:town",
            "b:jets_bombed",
            "b:bombed_the",
            "b:the_town",
            "cue:air_operations",
            "topic:civilian_protection",
        ]
    )


HEAD = Head(("a", "b"), (0.0, 0.0), {"w:x": (2.0, -2.0)})


@pytest.mark.parametrize(
    ("names", "ruled", "threshold", "expected"),
    [
        (["w:x"], "b", 0.9, "a"),  # sure of another: replaces
        (["w:x"], "a", 0.9, None),  # agrees: nothing to replace
        ([], "b", 0.9, None),  # 50/50: not sure enough
        (["w:x"], "b", 1.01, None),  # a threshold above 1 never replaces
    ],
    ids=["sure", "agrees", "unsure", "off"],
)
def test_override_only_when_sure(names: list[str], ruled: str, threshold: float, expected: str | None) -> None:
    model = ClaimModel(HEAD, HEAD, threshold, threshold, "test")
    assert model.override_category(names, ruled) == expected
    assert model.override_kind(names, ruled) == expected
