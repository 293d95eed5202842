"""Numbers as news text writes them: "12", "1,300", "twenty-five", "a dozen", "dozens".

``number_at`` reads the longest number that starts at a token of a word list, so that "one
hundred and twenty" is one number, not three. Vague
quantities ("dozens", "several") take ACLED's conventional values from
``lexicon/casualties.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from ceasefire.news import lexicon

__all__ = ["number_at", "vague_numbers"]

_UNITS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ]
    )
}
_TENS = {
    w: 10 * (i + 2)
    for i, w in enumerate(["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"])
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_DIGITS = re.compile(r"^\d{1,3}(?:,\d{3})+$|^\d+$")


@lru_cache(maxsize=1)
def vague_numbers() -> dict[str, int]:
    """Vague quantity word (lower case) → the number it is coded as."""
    table: dict[str, int] = lexicon.load("casualties.yaml")["vague_numbers"]
    return table


def _word_value(word: str) -> int | None:
    parts = word.lower().split("-")
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _UNITS:
        return _TENS[parts[0]] + _UNITS[parts[1]]
    if len(parts) == 1:
        return _UNITS.get(parts[0], _TENS.get(parts[0]))
    return None


def number_at(words: Sequence[str], start: int) -> tuple[int, int] | None:
    """(value, words used) for the longest number beginning at ``words[start]``, or None."""
    value, used = _read(list(words[start : start + 8]))
    if value is None:
        return None
    return value, used


def _read(words: list[str]) -> tuple[int | None, int]:
    if not words:
        return None, 0
    first = words[0].lower()
    if _DIGITS.match(first):
        return int(first.replace(",", "")), 1
    if first == "a" and len(words) > 1 and words[1].lower() == "dozen":
        return 12, 2
    return _read_words(words)


def _read_words(words: list[str]) -> tuple[int | None, int]:
    total, current, used = 0, None, 0
    for i, word in enumerate(words):
        low = word.lower()
        small = _word_value(low)
        if small is not None and (current is None or (current % 100 == 0 and small < 100)):
            current = (current or 0) + small
        elif low in _SCALES and current is not None:
            current *= _SCALES[low]
            if _SCALES[low] >= 1000:
                total, current = total + current, 0
        elif low == "and" and current is not None and i + 1 < len(words):
            continue
        else:
            break
        used = i + 1
    if current is None and total == 0:
        return None, 0
    return total + (current or 0), used
