"""Analysts' link decisions (issue 13, migration 0021): appended, logged, applied by the next run,
on both backends."""

from __future__ import annotations

import pytest
from store.storekit import SYRIA, OpenTarget

from ceasefire.demo import build_demo
from ceasefire.errors import InputError
from ceasefire.service.workflow import verify_stored
from ceasefire.store import SQLStore
from ceasefire.store.errors import UnknownRecord
from ceasefire.store.protocol import Submitter

ANALYST = Submitter(2, "analyst")


def _convoy(store: SQLStore) -> tuple[str, str]:
    """The demo's convoy report and the imported incident it links with."""
    demo = build_demo(store, SYRIA)
    return f"report-{demo.reports[0]}", "SYR-ILL-0041"


def _together(store: SQLStore, first: str, second: str) -> list[str]:
    """The explanations of the latest run's findings that name both records."""
    _, run = verify_stored(store)
    return [f.explanation for f in store.run_findings(run.id) if {first, second} <= set(f.incidents)]


def test_a_split_unlinks_and_a_later_confirm_links_again(open_target: OpenTarget) -> None:
    store = open_target()
    report, incident = _convoy(store)
    assert _together(store, report, incident)  # linked by their score
    split = store.add_link_decision(ANALYST, report, incident, "split", "two strikes an hour apart")
    assert (split.record_a, split.record_b) == tuple(sorted((report, incident)))
    assert _together(store, report, incident) == []
    store.add_link_decision(ANALYST, incident, report, "confirm", "the monitor saw the same convoy")
    explanations = _together(store, report, incident)
    assert explanations and all("confirmed by an analyst" in e for e in explanations)
    assert [d.decision for d in store.link_decisions({report})] == ["split", "confirm"]
    assert store.verify_log().ok


def test_a_confirm_links_what_the_score_would_not(open_target: OpenTarget) -> None:
    store = open_target()
    report, _ = _convoy(store)
    far = "SYR-ILL-0001"  # Idlib, nine days earlier: never a candidate
    assert _together(store, report, far) == []
    store.add_link_decision(None, report, far, "confirm", "")
    assert _together(store, report, far)
    assert store.link_decisions()[-1].role == "operator"


@pytest.mark.parametrize(
    ("first", "second", "decision", "error"),
    [
        ("SYR-ILL-0041", "nope", "split", UnknownRecord),
        ("report-999", "SYR-ILL-0041", "confirm", UnknownRecord),
        ("SYR-ILL-0041", "SYR-ILL-0041", "confirm", InputError),
        ("SYR-ILL-0041", "SYR-ILL-0040", "merge", InputError),
    ],
    ids=["unknown incident", "unknown report", "itself", "unknown decision"],
)
def test_a_bad_decision_writes_nothing(
    open_target: OpenTarget, first: str, second: str, decision: str, error: type[Exception]
) -> None:
    store = open_target()
    _convoy(store)
    size = store.log_size()
    with pytest.raises(error):
        store.add_link_decision(ANALYST, first, second, decision, "")
    assert store.log_size() == size and store.link_decisions() == []
