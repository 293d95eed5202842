"""Condition clocks: quiet days counted in the agreement's timezone from the obligation's start."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest
from factories import agreement, incident, obligation, run

from ceasefire.model import Rule
from ceasefire.rules.clocks import MAX_DAYS, first_run_end

GOV = "Military Forces of Testland"
CEASE = obligation("cease", Rule("no_attacks"))


def clock(max_per_day: int, days: int) -> object:
    return obligation(
        "clock",
        Rule("condition", over=("cease",), max_per_day=max_per_day, consecutive_days=days),
        category="coordination",
    )


def violations_on(*days: int) -> list[object]:
    return [incident(f"e{i}", d, actor1=GOV) for i, d in enumerate(days)]


def test_first_full_day_and_counts() -> None:
    v = run(agreement(CEASE, clock(1, 3)), *violations_on(12, 13, 13, 14, 16))
    (c,) = v.clocks
    assert c.days[0].date == dt.date(2016, 9, 13)  # the start is 19:00 on the 12th
    assert [(d.date.day, d.violations, d.quiet) for d in c.days] == [
        (13, 2, False),
        (14, 1, True),
        (15, 0, True),
        (16, 1, True),
    ]
    assert c.met_on == dt.date(2016, 9, 16)


def test_never_met() -> None:
    v = run(agreement(CEASE, clock(0, 7)), *violations_on(*range(13, 27, 3)))
    assert v.clocks[0].met_on is None
    assert len(v.clocks[0].days) == 13  # 13..25 September: the data's last day


def test_only_violations_count_not_possible_or_exempt() -> None:
    unknown = incident("u", 14, actor1="Unidentified Armed Group")
    exempt = incident("x", 14, actor1=GOV, actor2="ISIS")
    v = run(agreement(CEASE, clock(0, 1)), unknown, exempt, incident("v", 15, actor1=GOV))
    assert [(d.date.day, d.violations) for d in v.clocks[0].days] == [(13, 0), (14, 0), (15, 1)]
    assert v.clocks[0].met_on == dt.date(2016, 9, 13)


def test_to_date_extends_the_clock() -> None:
    v = run(agreement(CEASE, clock(0, 3)), *violations_on(14), date_to=dt.date(2016, 9, 20))
    assert v.clocks[0].days[-1].date == dt.date(2016, 9, 20)
    assert v.clocks[0].met_on == dt.date(2016, 9, 17)


def test_a_far_future_date_cannot_make_a_clock_run_for_centuries() -> None:
    """Files are read without a bound on their dates; one event dated 9999-12-31 once made an
    open-ended clock list three million days (issue 10)."""
    far = replace(incident("far", 14, actor1=GOV), date=dt.date(9999, 12, 31))
    v = run(agreement(CEASE, clock(0, 3)), *violations_on(14), far)
    (c,) = v.clocks
    assert len(c.days) == MAX_DAYS
    assert c.days[-1].date == dt.date(2016, 9, 13) + dt.timedelta(days=MAX_DAYS - 1)
    assert c.met_on == dt.date(2016, 9, 17)


@pytest.mark.parametrize(
    ("quiet", "length", "expected"),
    [([1, 1, 1], 3, 2), ([1, 0, 1, 1], 2, 3), ([0, 0], 1, None), ([], 1, None), ([1, 1, 0, 1, 1, 1], 3, 5)],
    ids=["immediate", "after-break", "never", "empty", "second-run"],
)
def test_first_run_end(quiet: list[int], length: int, expected: int | None) -> None:
    assert first_run_end(np.array(quiet, bool), length) == expected


@pytest.mark.parametrize("example", ["syria-2016-09", "donbas-2015"])
def test_counting_findings_is_counting_the_table(example: str) -> None:
    """``daily_from_findings`` (what the server counts per viewer, issue 11) counts what
    ``daily_violations`` counts, so the clocks judged from all of a run's findings are its own."""
    from pathlib import Path

    from ceasefire.agreement.loader import load_agreement
    from ceasefire.pipeline import verify
    from ceasefire.rules.clocks import clocks_from_counts, daily_from_findings

    folder = Path(__file__).resolve().parent.parent / "examples" / example
    v = verify(load_agreement(folder / "agreement.yaml"), sorted(folder.glob("incidents.*")))
    counted = daily_from_findings(v.agreement, list(v.finding_objects()))
    assert counted.keys() == v.daily.keys()
    for key, (days, counts) in v.daily.items():
        assert np.array_equal(counted[key][0], days) and np.array_equal(counted[key][1], counts)
    last = dt.date.fromordinal(int(v.table.day1.max()))  # the data's last day, as verify_table
    assert clocks_from_counts(v.agreement, counted, last) == v.clocks
