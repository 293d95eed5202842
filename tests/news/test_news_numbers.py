"""Numbers written in digits and words; counts of the dead and civilian tolls."""

from __future__ import annotations

import pytest

from ceasefire.news.casualties import count_dead, toll
from ceasefire.news.numbers import number_at

NUMBERS = [
    ("digits", "12", (12, 1)),
    ("thousands", "1,300", (1300, 1)),
    ("word", "seven", (7, 1)),
    ("hyphenated", "twenty-five", (25, 1)),
    ("hundred-and", "one hundred and twenty", (120, 4)),
    ("thousands-words", "two thousand three hundred", (2300, 4)),
    ("a-dozen", "a dozen", (12, 2)),
    ("not-a-number", "several", None),
    ("stops-at-the-number", "twelve apples", (12, 1)),
]


@pytest.mark.parametrize(("text", "found"), [n[1:] for n in NUMBERS], ids=[n[0] for n in NUMBERS])
def test_number_at_reads_the_longest_number(text: str, found: tuple[int, int] | None) -> None:
    assert number_at(text.split(), 0) == found


TOLLS = [
    ("killed-n-people", "The strike killed 12 people in the town.", 12, 12),
    ("at-least", "At least 70 civilians were killed .", 70, 70),
    ("words", "Seven civilians were killed by the shelling.", 7, 7),
    ("including-children", "The raid killed 20 people , including three children .", 20, 20),
    ("children-and-women", "Five children and three women were killed .", 8, 8),
    ("range-takes-lower", "Between 10 and 15 people were killed .", 10, 10),
    ("range-to", "Officials said 10 to 15 people died .", 10, 10),
    ("fighters", "Clashes killed 30 fighters .", 30, 0),
    ("mixed", "The blast killed 9 civilians and 4 soldiers .", 13, 9),
    ("toll-rose", "The death toll rose to 43 on Sunday .", 43, 43),
    ("bare-dead", "Car bomb leaves 18 dead in Homs .", 18, 18),
    ("wounded-not-dead", "Two people were killed and 15 injured .", 2, 2),
    ("killing-and-wounding", "The attack killed three and wounded 40 people .", 3, 3),
    ("dozens", "Dozens of people were killed .", 12, 12),
    ("no-deaths", "Forty people were wounded .", 0, 0),
    ("year-not-a-count", "In 2013 , 100 people were killed .", 100, 100),
    ("distance-not-a-count", "Troops pulled back 3 km from the road .", 0, 0),
]


@pytest.mark.parametrize(("sentence", "dead", "civilians"), [t[1:] for t in TOLLS], ids=[t[0] for t in TOLLS])
def test_tolls(sentence: str, dead: int, civilians: int) -> None:
    words = sentence.lower().split()  # the sentences are written pre-tokenised
    result = toll(count_dead(words))
    assert (result.fatalities, result.civilians) == (dead, civilians)
