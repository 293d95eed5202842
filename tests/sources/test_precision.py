"""Precision codes -> radius and date range: the table and its invariants."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ceasefire.sources.precision import (
    PLACE_PRECISION,
    acled_date_range,
    place_codes,
    radius_m,
)

# Codes from the most precise to the least, per source. UCDP where_prec 5 ("a road, river or
# border stretch") is a kind of place, not a rank, and stays out of the order.
RANKED = {"acled": (1, 2, 3), "ucdp": (1, 2, 3, 4, 6, 7), "gdelt": (3, 4, 2, 5, 1), "news": (1, 2, 3)}


@pytest.mark.parametrize(
    ("scale", "code", "radius"),
    [
        ("acled", 1, 0),
        ("acled", 2, 5_000),
        ("acled", 3, 25_000),
        ("ucdp", 1, 0),
        ("ucdp", 2, 25_000),
        ("ucdp", 3, 25_000),
        ("ucdp", 4, 100_000),
        ("ucdp", 5, 25_000),
        ("ucdp", 6, 300_000),
        ("ucdp", 7, 300_000),
        ("gdelt", 1, 300_000),
        ("gdelt", 2, 100_000),
        ("gdelt", 3, 0),
        ("gdelt", 4, 0),
        ("gdelt", 5, 100_000),
        ("news", 1, 2_000),
        ("news", 2, 10_000),
        ("news", 3, 25_000),
    ],
    ids=lambda value: str(value),
)
def test_radius_table(scale: str, code: int, radius: float) -> None:
    assert radius_m(scale, code) == radius


def test_mission_minimums_for_rough_places() -> None:
    assert radius_m("acled", 2) >= 5_000 and radius_m("acled", 3) >= 25_000
    assert all(radius_m("ucdp", code) >= 5_000 for code in place_codes("ucdp") if code >= 2)
    assert len({(row.scale, row.code) for row in PLACE_PRECISION}) == len(PLACE_PRECISION)


def test_undefined_codes() -> None:
    with pytest.raises(KeyError):
        radius_m("acled", 4)
    with pytest.raises(KeyError):
        acled_date_range(dt.date(2016, 9, 19), 4)


@given(st.sampled_from(sorted(RANKED)), st.data())
def test_a_rougher_code_never_gives_a_smaller_radius(scale: str, data: st.DataObject) -> None:
    ranked = RANKED[scale]
    finer = data.draw(st.integers(0, len(ranked) - 1))
    rougher = data.draw(st.integers(finer, len(ranked) - 1))
    assert radius_m(scale, ranked[finer]) <= radius_m(scale, ranked[rougher])


@given(st.dates(min_value=dt.date(1, 1, 4), max_value=dt.date(9999, 12, 28)))
def test_acled_date_ranges_grow_with_the_code_and_hold_the_date(date: dt.date) -> None:
    ranges = [acled_date_range(date, code) for code in (1, 2, 3)]
    assert ranges[0] == (date, date)
    assert ranges[1] == (date - dt.timedelta(days=3), date + dt.timedelta(days=3))
    first, last = ranges[2]
    assert (first.day, first.month, last.month, (last + dt.timedelta(days=1)).day) == (1, date.month, date.month, 1)
    widths = [(end - start).days for start, end in ranges]
    assert widths == sorted(widths)
    assert all(start <= date <= end for start, end in ranges)


def test_acled_range_at_the_edge_of_the_calendar() -> None:
    with pytest.raises(ValueError, match="too close to the limits of the calendar"):
        acled_date_range(dt.date(1, 1, 2), 2)
