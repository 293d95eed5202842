"""Documents: ``Finding``, ``Clock``, ``RunSummary`` and ``ClaimVerdict`` round-trip through
``to_document`` / ``from_document`` (and through canonical JSON, the stored form), rows stored
before documents carried a schema version read back and re-encode to the same bytes, and an
unknown schema version is refused."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ceasefire.errors import DocumentError
from ceasefire.ledger import canonical_json
from ceasefire.model import (
    SCHEMA_KEY,
    STATUSES,
    Clock,
    ClockDay,
    Finding,
    NewsClaim,
    RunSummary,
    severity,
    worst_status,
)
from ceasefire.news.verdicts import VERDICTS, ClaimVerdict

STORED = json.loads((Path(__file__).parent / "data" / "stored-v1.json").read_text(encoding="utf-8"))

texts = st.text(max_size=20)
ids = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)
numbers = st.floats(allow_nan=False, allow_infinity=False, width=64)
dates = st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1))

findings = st.builds(
    Finding,
    id=ids,
    obligation=ids,
    category=texts,
    status=st.sampled_from(STATUSES),
    parties=st.lists(ids, max_size=3).map(tuple),
    attribution=st.sampled_from(("certain", "ambiguous", "unknown")),
    incidents=st.lists(ids, min_size=1, max_size=2).map(tuple),
    date=dates,
    lat=numbers,
    lon=numbers,
    confidence=numbers,
    explanation=texts,
    rule=texts,
    distance_m=st.none() | numbers,
    radius_m=numbers,
    event_type=texts,
    sub_event_type=texts,
    weapon=texts,
    location=texts,
    actor1=texts,
    actor2=texts,
    fatalities=st.integers(0, 10_000),
    source=texts,
)
clocks = st.builds(
    Clock,
    obligation=ids,
    over=st.lists(ids, max_size=3).map(tuple),
    max_per_day=st.integers(0, 10),
    consecutive_days=st.integers(0, 30),
    met_on=st.none() | dates,
    days=st.lists(st.builds(ClockDay, dates, st.integers(0, 99), st.booleans()), max_size=4).map(tuple),
)
counts = st.dictionaries(ids, st.fixed_dictionaries({s: st.integers(0, 999) for s in STATUSES}), max_size=3)
summaries = st.builds(
    RunSummary,
    by_party=counts,
    by_obligation=counts,
    clocks=st.lists(clocks, max_size=2).map(tuple),
    unresolved_actors=st.lists(texts, max_size=3).map(tuple),
)
claims = st.builds(
    NewsClaim,
    file=texts,
    speaker=texts,
    speaker_party=st.none() | ids,
    cited_by=st.none() | texts,
    kind=st.sampled_from(("accusation", "denial", "demand", "assessment", "commitment")),
    accused=st.lists(ids, max_size=2).map(tuple),
    obligation=st.none() | ids,
    category=st.none() | ids,
    quote=texts,
    sentence=st.integers(0, 500),
    date=st.none() | dates,
)
verdicts = st.builds(
    ClaimVerdict,
    claim=claims,
    verdict=st.sampled_from(VERDICTS),
    findings=st.lists(ids, max_size=3).map(tuple),
    explanation=texts,
)


def stored(document: dict[str, Any]) -> Any:
    """The document as a database keeps it and reads it back."""
    return json.loads(canonical_json(document))


@given(findings)
def test_finding_round_trip(finding: Finding) -> None:
    # weapon "" is written as null, the contract's "no weapon", and read back as ""
    assert Finding.from_document(finding.to_document()) == finding
    assert Finding.from_document(stored(finding.to_document())) == finding


@given(clocks)
def test_clock_round_trip(clock: Clock) -> None:
    assert Clock.from_document(stored(clock.to_document())) == clock


@given(summaries)
def test_run_summary_round_trip(summary: RunSummary) -> None:
    assert RunSummary.from_document(stored(summary.to_document())) == summary


@given(verdicts)
def test_claim_verdict_round_trip(verdict: ClaimVerdict) -> None:
    assert ClaimVerdict.from_document(stored(verdict.to_document())) == verdict


@pytest.mark.parametrize("index", range(len(STORED["findings"])))
def test_findings_stored_before_versions_re_encode_identically(index: int) -> None:
    row = STORED["findings"][index]
    assert canonical_json(Finding.from_document(json.loads(row)).to_document()).decode("utf-8") == row


def test_a_summary_stored_before_versions_re_encodes_identically() -> None:
    row = STORED["summary"]
    assert canonical_json(RunSummary.from_document(json.loads(row)).to_document()).decode("utf-8") == row


def test_version_1_is_written_without_a_version_key() -> None:
    finding = Finding.from_document(json.loads(STORED["findings"][0]))
    assert SCHEMA_KEY not in finding.to_document()
    assert Finding.from_document({**finding.to_document(), SCHEMA_KEY: 1}) == finding


@pytest.mark.parametrize(
    ("kind", "document"),
    [
        (Finding, json.loads(STORED["findings"][0])),
        (RunSummary, json.loads(STORED["summary"])),
        (Clock, json.loads(STORED["summary"])["clocks"][0]),
    ],
    ids=["finding", "summary", "clock"],
)
def test_an_unknown_version_is_refused(kind: Any, document: dict[str, Any]) -> None:
    with pytest.raises(DocumentError, match="schema version 2 is not one this ceasefire reads"):
        kind.from_document({**document, SCHEMA_KEY: 2})


@pytest.mark.parametrize(
    ("statuses", "worst"),
    [
        (["exempt", "violation", "possible_violation"], "violation"),
        (["exempt", "possible_violation"], "possible_violation"),
        (["exempt", "unknown"], "exempt"),
        ([], "none"),
    ],
    ids=["violation", "possible", "exempt-over-unknown", "empty"],
)
def test_worst_status(statuses: list[str], worst: str) -> None:
    assert worst_status(statuses, "none") == worst
    assert [severity(s) for s in STATUSES] == [0, 1, 2] and severity("unknown") == 3
