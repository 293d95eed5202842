"""A learned reading of a claim's kind and obligation category (issue 15).

Two multinomial logistic regressions over the words of a statement's sentence, the rules'
category cues in it (``ObligationMatcher.categories``) and the article's dominant category
(``ObligationMatcher.topic``). They are trained by ``bench/train_claims_model.py`` on the
development part of the annotated corpus (``bench/data/claims/dev``) and shipped as
``lexicon/claims_model.json`` with the SHA-256 of the annotations they were trained on. The rules
stay the default reading: ``ClaimModel.category`` answers only when the model is at least
``threshold`` sure of one category (docs/news.md#claims gives the measured effect).
This module is numpy only; spaCy never enters it.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from ceasefire.news import lexicon

__all__ = ["MODEL_FILE", "ClaimModel", "Head", "features", "shipped_model"]

MODEL_FILE = "claims_model.json"
_WORD = re.compile(r"[a-z]{2,}")


def features(sentence: str, cues: Iterable[str], topic: str | None) -> list[str]:
    """The features of one statement: its lower-case words (``w:``), adjacent word pairs
    (``b:``), the categories whose cue words it contains (``cue:``) and the article's dominant
    category (``topic:``). Training and prediction call this same function."""
    words = _WORD.findall(sentence.lower())
    found = {f"w:{w}" for w in words}
    found.update(f"b:{a}_{b}" for a, b in itertools.pairwise(words))
    found.update(f"cue:{c}" for c in cues)
    if topic is not None:
        found.add(f"topic:{topic}")
    return sorted(found)


@dataclass(frozen=True, slots=True)
class Head:
    """One classifier: for each feature, a weight per class, plus a bias per class."""

    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: Mapping[str, Sequence[float]]

    def probabilities(self, names: Iterable[str]) -> dict[str, float]:
        """The softmax of the class scores for the features ``names`` (unknown ones ignored)."""
        scores = list(self.bias)
        for name in names:
            for i, w in enumerate(self.weights.get(name, ())):
                scores[i] += w
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=True)}

    def best(self, names: Iterable[str]) -> tuple[str, float]:
        """The most probable class and its probability."""
        probs = self.probabilities(names)
        label = max(probs, key=lambda c: probs[c])
        return label, probs[label]

    def to_document(self) -> dict[str, Any]:
        return {"classes": list(self.classes), "bias": list(self.bias), "weights": dict(self.weights)}

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Head:
        return cls(tuple(doc["classes"]), tuple(doc["bias"]), {k: tuple(v) for k, v in doc["weights"].items()})


@dataclass(frozen=True, slots=True)
class ClaimModel:
    """The two heads and the confidences from which their answers replace the rules'."""

    kind: Head
    category: Head
    threshold: float  # of the category head
    kind_threshold: float  # above 1: the kind head is never used
    trained_on: str  # SHA-256 of the annotation files, in name order

    def override_kind(self, names: Sequence[str], ruled: str) -> str | None:
        """The learned kind when it differs from the rules' ``ruled`` with a probability of at
        least ``kind_threshold``; else None."""
        label, probability = self.kind.best(names)
        return label if label != ruled and probability >= self.kind_threshold else None

    def override_category(self, names: Sequence[str], ruled: str | None) -> str | None:
        """The learned category when it differs from the rules' ``ruled`` with a probability of
        at least ``threshold``; else None (the rules' reading stands)."""
        label, probability = self.category.best(names)
        return label if label != ruled and probability >= self.threshold else None

    def to_document(self) -> dict[str, Any]:
        return {
            "trained_on": self.trained_on,
            "threshold": self.threshold,
            "kind_threshold": self.kind_threshold,
            "kind": self.kind.to_document(),
            "category": self.category.to_document(),
        }

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> ClaimModel:
        return cls(
            Head.from_document(doc["kind"]),
            Head.from_document(doc["category"]),
            float(doc["threshold"]),
            float(doc["kind_threshold"]),
            str(doc["trained_on"]),
        )


@cache
def shipped_model() -> ClaimModel:
    """The model in ``lexicon/claims_model.json``, loaded once per process."""
    return ClaimModel.from_document(lexicon.load(MODEL_FILE))
