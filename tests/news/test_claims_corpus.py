"""The real annotated claims corpus (bench/data/claims/{dev,heldout}/<unit_id>.json, issue 15):
every file follows ../shared/CLAIMS-GUIDELINE.md, sits in the part the split rule assigns, and,
when ../shared/data is present, quotes its FA-KES article verbatim and is one of the sampled ids.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from ceasefire.agreement.loader import load_agreement
from ceasefire.model import CATEGORIES

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "bench" / "data" / "claims"
FAKES = ROOT.parent / "shared" / "data" / "fakes" / "fakes-dev.csv"
SAMPLE_SIZE = 200  # the first SAMPLE_SIZE distinct unit_ids in sha256 order (README.md)

FIELDS = {"speaker", "speaker_party", "cited_by", "kind", "accused", "category", "sentence", "confidence"}
KINDS = {"accusation", "denial", "demand", "commitment", "assessment"}
PARTIES = {p.id for p in load_agreement(ROOT / "examples" / "syria-2016-09" / "agreement.yaml").parties}


def split_of(unit_id: str) -> str:
    """The content-blind split rule: last hex digit of sha256(unit_id) 0-7 -> dev, else held-out."""
    return "dev" if int(hashlib.sha256(unit_id.encode()).hexdigest()[-1], 16) < 8 else "heldout"


def annotation_files() -> list[Path]:
    # Only <unit_id>.json: heldout/ also holds the invented stories' .txt and annotations.yaml.
    return sorted(p for part in ("dev", "heldout") for p in (CORPUS / part).glob("[0-9]*.json"))


FILES = annotation_files()


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def test_corpus_size() -> None:
    parts = [p.parent.name for p in FILES]
    assert len(FILES) >= 150
    assert parts.count("heldout") >= 60
    assert len({p.stem for p in FILES}) == len(FILES), "an article is annotated in both parts"


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_annotation_file(path: Path) -> None:
    data = load(path)
    assert set(data) == {"article", "claims"}
    assert data["article"] == path.stem
    assert path.parent.name == split_of(path.stem), "file in the wrong part for the split rule"
    for claim in data["claims"]:
        assert set(claim) == FIELDS
        assert isinstance(claim["speaker"], str) and claim["speaker"].strip()
        assert claim["speaker_party"] is None or claim["speaker_party"] in PARTIES
        assert claim["cited_by"] is None or (isinstance(claim["cited_by"], str) and claim["cited_by"])
        assert claim["kind"] in KINDS
        assert isinstance(claim["accused"], list) and set(claim["accused"]) <= PARTIES
        assert len(set(claim["accused"])) == len(claim["accused"])
        assert claim["category"] is None or claim["category"] in CATEGORIES
        assert isinstance(claim["sentence"], str) and 0 < len(claim["sentence"]) <= 200
        assert claim["confidence"] in {"high", "low"}


def fakes_articles() -> dict[str, dict[str, str]]:
    """unit_id -> first row of ../shared/data/fakes/fakes-dev.csv, or a skip that says why."""
    if not FAKES.is_file():
        pytest.skip(f"../shared/data absent ({FAKES} not found): verbatim check skipped")
    rows: dict[str, dict[str, str]] = {}
    with FAKES.open(encoding="utf-8", newline="") as fp:
        for row in csv.DictReader(fp):
            rows.setdefault(row["unit_id"], row)  # repeated ids carry identical text
    return rows


def test_sentences_are_verbatim() -> None:
    articles = fakes_articles()
    missing = []
    for path in FILES:
        row = articles[path.stem]
        for claim in load(path)["claims"]:
            if claim["sentence"] not in row["article_content"] and claim["sentence"] not in row["article_title"]:
                missing.append(f"{path.stem}: {claim['sentence'][:60]}")
    assert not missing, missing


def test_sample_is_the_lowest_hashes() -> None:
    ids = sorted(fakes_articles(), key=lambda i: hashlib.sha256(i.encode()).hexdigest())
    assert {p.stem for p in FILES} == set(ids[:SAMPLE_SIZE])
