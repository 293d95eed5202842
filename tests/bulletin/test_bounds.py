"""A bulletin bounded to a few pages (issue 14): long tables keep their first rows (those with
counts first) and count the rest; a bulletin that fits is unchanged, and its JSON twin carries no
count of rows left out."""

from __future__ import annotations

import dataclasses

from bulletin.test_daily import DAY, inputs

from ceasefire.bulletin import bounds, content, daily, render
from ceasefire.bulletin.svgmap import MAP_DOTS, Dot, merge_dots


def _counts(n: int, counted: int) -> content.CountTable:
    rows = tuple(content.Count(f"z{k}", f"Z{k}", 1 if k >= n - counted else 0, 0, 0, 0) for k in range(n))
    return content.CountTable("By area: zone of the agreement", rows)


def test_a_bulletin_that_fits_is_unchanged_and_its_json_names_nothing_left_out() -> None:
    made = daily.compute(inputs(), DAY)
    assert bounds.bounded(made) == made
    text = str(render.to_json(made))
    assert "'more'" not in text and "'earlier'" not in text and "more_claims" not in text


def test_a_long_table_keeps_its_counted_rows_first_and_counts_the_rest() -> None:
    made = daily.compute(inputs(), DAY)
    long = dataclasses.replace(made, counts=(_counts(200, 3),))
    cut = bounds.bounded(long).counts[0]
    assert len(cut.rows) == bounds.TABLE_ROWS and cut.more == 200 - bounds.TABLE_ROWS
    assert [r.key for r in cut.rows[:3]] == ["z197", "z198", "z199"]  # the counted ones, in table order
    assert render.to_json(bounds.bounded(long))["counts"][0]["more"] == cut.more
    assert "175 more rows" in render.html(bounds.bounded(long), inputs().agreement)


def test_a_clock_strip_keeps_its_last_days() -> None:
    made = daily.compute(inputs(), DAY)
    days = tuple((f"2016-{m:02d}-{d:02d}", 0, True) for m in (7, 8, 9) for d in range(1, 29))
    clock = dataclasses.replace(made.clocks[0], days=days)
    cut = bounds.bounded(dataclasses.replace(made, clocks=(clock,))).clocks[0]
    assert cut.days == days[-bounds.CLOCK_DAYS :] and cut.earlier == len(days) - bounds.CLOCK_DAYS


def test_many_map_dots_are_merged_keeping_the_numbered_and_the_worst() -> None:
    dots = [Dot(x % 300, x // 300, 0.0, "exempt", None, f"p{x}") for x in range(3000)]
    dots[5] = Dot(5.0, 0.0, 0.0, "violation", None, "worst")
    dots[6] = Dot(6.0, 0.0, 0.0, "possible_violation", 1, "notable")
    merged = merge_dots(dots)
    assert len(merged) <= MAP_DOTS
    assert any(d.number == 1 for d in merged)  # a numbered dot always stands for its cell
    assert sum(int(d.label.rsplit(" and ", 1)[1].split()[0]) + 1 if " and " in d.label else 1 for d in merged) == 3000
