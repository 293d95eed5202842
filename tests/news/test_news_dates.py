"""Dates in news text: explicit, datelines and relative ones against the article's date."""

from __future__ import annotations

import datetime as dt

import pytest

from ceasefire.news.dates import find_dates, parse_dateline

# 2016-09-21 is a Wednesday.
ANCHOR = dt.date(2016, 9, 21)

RELATIVE = [
    ("yesterday", "The convoy was hit yesterday.", dt.date(2016, 9, 20), 1),
    ("today", "Strikes resumed today.", dt.date(2016, 9, 21), 1),
    ("last night", "Shelling went on last night.", dt.date(2016, 9, 20), 1),
    ("on-monday", "The strike happened on Monday.", dt.date(2016, 9, 19), 1),
    ("same-weekday", "Fighting broke out on Wednesday.", dt.date(2016, 9, 21), 1),
    ("last-wednesday", "It started last Wednesday.", dt.date(2016, 9, 14), 1),
    ("sunday", "Jets struck on Sunday.", dt.date(2016, 9, 18), 1),
    ("days-ago", "Two days ago the road closed.", dt.date(2016, 9, 19), 1),
    ("last-week", "Aid was blocked last week.", dt.date(2016, 9, 14), 2),
    ("this-week", "Earlier this week the truce held.", dt.date(2016, 9, 21), 2),
    ("last-month", "Clashes last month killed 40.", dt.date(2016, 8, 1), 3),
    ("this-month", "Earlier this month talks stalled.", dt.date(2016, 9, 1), 3),
]


@pytest.mark.parametrize(("text", "expected", "precision"), [r[1:] for r in RELATIVE], ids=[r[0] for r in RELATIVE])
def test_relative_dates_resolve_against_the_article(text: str, expected: dt.date, precision: int) -> None:
    found = find_dates(text, ANCHOR)
    assert [(d.date, d.precision) for d in found][:1] == [(expected, precision)]


EXPLICIT = [
    ("day-month-year", "Wed 05 Apr 2017 Syria attack", dt.date(2017, 4, 5)),
    ("month-day-year", "Published November 26, 2017 Assad", dt.date(2017, 11, 26)),
    ("iso", "Posted 2016-09-19 at noon", dt.date(2016, 9, 19)),
    ("abbrev-dot", "GENEVA, Sept. 20, 2016 (Reuters)", dt.date(2016, 9, 20)),
    ("ordinal", "on the 3rd of October 2016", dt.date(2016, 10, 3)),
]


@pytest.mark.parametrize(("text", "expected"), [r[1:] for r in EXPLICIT], ids=[r[0] for r in EXPLICIT])
def test_datelines(text: str, expected: dt.date) -> None:
    assert parse_dateline(text) == expected


def test_date_without_year_takes_the_articles_year() -> None:
    assert [d.date for d in find_dates("The attack on Sept 19 killed 20.", ANCHOR)] == [dt.date(2016, 9, 19)]


def test_december_in_a_january_story_is_last_year() -> None:
    found = find_dates("Since December 30 the town has been besieged.", dt.date(2017, 1, 4))
    assert found[0].date == dt.date(2016, 12, 30)


def test_no_anchor_no_relative_dates() -> None:
    assert find_dates("It happened yesterday.", None) == []


def test_impossible_dates_are_ignored() -> None:
    assert parse_dateline("On 31 February 2016 nothing happened") is None


@pytest.mark.parametrize(
    ("head", "near", "expected"),
    [
        ("GENEVA, Sept 20 (Reuters) - The United States", dt.date(2016, 9, 12), dt.date(2016, 9, 20)),
        ("MOSCOW, Jan 3 (TASS) - ", dt.date(2016, 12, 20), dt.date(2017, 1, 3)),
        ("BEIRUT, Dec 30 (AFP) - ", dt.date(2017, 1, 5), dt.date(2016, 12, 30)),
        ("GENEVA, Sept 20 (Reuters) - ", None, None),
        ("GENEVA, Sept 20, 2015 (Reuters) - ", dt.date(2016, 9, 12), dt.date(2015, 9, 20)),
    ],
    ids=["same-year", "next-year", "previous-year", "no-reference", "explicit-year-wins"],
)
def test_dateline_without_year_takes_the_nearest_year(
    head: str, near: dt.date | None, expected: dt.date | None
) -> None:
    from ceasefire.news.dates import parse_dateline

    assert parse_dateline(head, near) == expected
