"""The event-date parser: the accepted shapes, and nothing else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ceasefire.sources.dates import parse_date

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
SHAPES: dict[str, Callable[[dt.date], str]] = {
    "iso": lambda d: d.isoformat(),
    "iso-with-time": lambda d: f"{d.isoformat()} 00:00:00.000",
    "iso-with-t": lambda d: f"{d.isoformat()}T12:30",
    "day-month-year": lambda d: f"{d.day} {MONTHS[d.month - 1]} {d.year}",
    "day-month-year-hyphens": lambda d: f"{d.day}-{MONTHS[d.month - 1]}-{d.year}",
    "day-mon-yy": lambda d: f"{d.day:02d}-{MONTHS[d.month - 1][:3]}-{d.year % 100:02d}",
    "day-mon-year-lower": lambda d: f"{d.day} {MONTHS[d.month - 1][:3].lower()} {d.year}",
    "us": lambda d: f"{d.month}/{d.day}/{d.year}",
    "us-padded": lambda d: f"{d.month:02d}/{d.day:02d}/{d.year}",
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2016-09-19", dt.date(2016, 9, 19)),
        ("19 September 2016", dt.date(2016, 9, 19)),
        ("19-September-2016", dt.date(2016, 9, 19)),
        ("19-Sep-16", dt.date(2016, 9, 19)),
        ("1-Jan-69", dt.date(1969, 1, 1)),
        ("31-Dec-68", dt.date(2068, 12, 31)),
        ("9/19/2016", dt.date(2016, 9, 19)),
        ("  2016-09-19 ", dt.date(2016, 9, 19)),
        ("2016-09-19 00:00:00.000", dt.date(2016, 9, 19)),
    ],
    ids=[
        "iso",
        "day-month-name",
        "hyphens",
        "short-year",
        "pivot-1969",
        "pivot-2068",
        "us",
        "padded",
        "ucdp-timestamp",
    ],
)
def test_accepted(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2016",
        "20160919",
        "2016/09/19",
        "19.09.2016",
        "19 Sep-2016",
        "19 Sept 2016",
        "9/19/16",
        "2016-W38-1",
        "September 19, 2016",
        "2016-09-19Z",
        "yesterday",
    ],
    ids=[
        "empty",
        "year",
        "basic-iso",
        "slashes-iso",
        "dots",
        "mixed-separators",
        "sept",
        "us-short-year",
        "iso-week",
        "us-words",
        "zone",
        "word",
    ],
)
def test_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not a date"):
        parse_date(text)


@pytest.mark.parametrize(
    "text",
    ["2016-02-30", "31 June 2016", "19/9/2016", "0-Jan-16"],
    ids=["feb-30", "june-31", "day-first-us-shape", "day-zero"],
)
def test_impossible_days(text: str) -> None:
    with pytest.raises(ValueError, match="is not a valid date"):
        parse_date(text)


@given(st.dates(min_value=dt.date(1000, 1, 1)), st.sampled_from(sorted(SHAPES)))
@example(dt.date(2016, 2, 29), "day-mon-yy")
def test_every_shape_round_trips(date: dt.date, shape: str) -> None:
    if shape == "day-mon-yy" and not 1969 <= date.year <= 2068:
        return  # two digits name a year of this century window only
    assert parse_date(SHAPES[shape](date)) == date


@given(st.text(max_size=30))
def test_any_text_gives_a_date_or_value_error(text: str) -> None:
    try:
        result = parse_date(text)
    except ValueError as error:
        assert "date" in str(error)
    else:
        assert isinstance(result, dt.date)
