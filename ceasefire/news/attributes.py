"""The model's attribute ruler (tag → part of speech, morphology, a few lemmas), applied with
numpy instead of spaCy's ``Matcher``.

The claims pipeline reads ``pos_`` and lemmas, which the ruler sets; its ``Matcher`` over 179
patterns cost about a fifth of the claims pipeline's CPU time (issue 15, docs/news.md#throughput).
``compile_ruler`` turns the ruler's own patterns into column tests over
``Doc.to_array([TAG, LOWER, DEP, IS_SPACE])`` and writes the same attributes back with
``Doc.from_array``: every pattern is tested on the attributes as they were before the ruler ran
and a later pattern overrides an earlier one, as in ``AttributeRuler``. Patterns it cannot
express (other attributes or operators) make ``compile_ruler`` return None and the ruler stays.
tests/news/test_news_attributes.py checks token by token that both give the same ``Doc``.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["FastAttributes", "compile_ruler"]

Array = npt.NDArray[np.uint64]
Mask = npt.NDArray[np.bool_]
_READ = ("TAG", "LOWER", "DEP", "IS_SPACE")  # the columns the patterns test
_WRITE = ("POS", "MORPH", "LEMMA", "TAG", "DEP")  # the attributes the ruler may set


@dataclass(frozen=True, slots=True)
class _Rule:
    """One ruler entry: alternative token sequences, the token of a match that is set, and the
    values (column of ``_WRITE`` → raw value) it sets."""

    alternatives: tuple[tuple[_TokenTest, ...], ...]
    index: int
    values: tuple[tuple[int, int], ...]


class FastAttributes:
    """A pipeline component equivalent to the attribute ruler it was compiled from."""

    def __init__(self, rules: Sequence[_Rule], strings: Any) -> None:
        self._rules, self._strings = tuple(rules), strings
        self._read = [_attr_id(name) for name in _READ]
        self._write = [_attr_id(name) for name in _WRITE]

    def __call__(self, doc: Any) -> Any:
        if not len(doc):
            return doc
        columns: Array = doc.to_array(self._read)
        values: Array = doc.to_array(self._write)
        lowers = _Lowers(columns[:, 1], self._strings)
        # Most patterns name one tag or word; those absent from the doc need no test at all.
        present = [set(np.unique(columns[:, c]).tolist()) for c in range(len(_READ))]
        for rule in self._rules:
            targets = _targets(rule, columns, lowers, present)
            for column, value in rule.values:
                values[targets, column] = value
        doc.from_array(self._write, values)
        return doc


class _Lowers:
    """The lower-case forms of a doc's tokens, decoded only when a REGEX test asks."""

    def __init__(self, hashes: Array, strings: Any) -> None:
        self.hashes, self._strings = hashes, strings
        self._unique: Array | None = None

    def matching(self, pattern: re.Pattern[str]) -> Mask:
        if self._unique is None:
            self._unique = np.unique(self.hashes)
        hits = np.array([h for h in self._unique if pattern.search(self._strings[int(h)])], dtype=np.uint64)
        return np.isin(self.hashes, hits)


def _targets(rule: _Rule, columns: Array, lowers: _Lowers, present: list[set[int]]) -> npt.NDArray[np.intp]:
    """The tokens ``rule`` sets in a doc whose columns are ``columns``."""
    count = len(columns)
    chosen = np.zeros(count, dtype=bool)
    for tests in rule.alternatives:
        span = len(tests)
        if span > count or not all(test.possible(present) for test in tests):
            continue
        starts = np.ones(count - span + 1, dtype=bool)
        for offset, test in enumerate(tests):
            starts &= test(columns, lowers)[offset : count - span + 1 + offset]
        index = rule.index if rule.index >= 0 else span + rule.index
        chosen[np.nonzero(starts)[0] + index] = True
    return np.nonzero(chosen)[0]


def compile_ruler(ruler: Any) -> FastAttributes | None:
    """The numpy form of spaCy's ``AttributeRuler`` ``ruler``, or None when one of its patterns
    uses what this module does not implement."""
    strings = ruler.vocab.strings
    write = {_attr_id(name): column for column, name in enumerate(_WRITE)}
    rules = []
    for number, entry in enumerate(ruler.patterns):
        attrs: Mapping[int, int] = ruler.attrs[number]
        if not set(attrs) <= set(write):
            return None
        tests = [[_token_test(spec, strings) for spec in seq] for seq in entry["patterns"]]
        if any(test is None for seq in tests for test in seq):  # a pattern this module cannot express
            return None
        alternatives = tuple(tuple(test for test in seq if test is not None) for seq in tests)
        values = tuple((write[attr], int(value)) for attr, value in attrs.items())
        rules.append(_Rule(alternatives, int(ruler.indices[number]), values))
    return FastAttributes(rules, strings)


@dataclass(frozen=True, slots=True)
class _Condition:
    """One test on one column: ``==`` a value, within ``IN`` / outside ``NOT_IN`` a set, or a
    regular expression on the lower-case form (plain data, so a pipeline with it pickles)."""

    column: int
    operator: str
    hashes: tuple[int, ...] = ()
    pattern: re.Pattern[str] | None = None

    def __call__(self, columns: Array, lowers: _Lowers) -> Mask:
        if self.pattern is not None:
            return lowers.matching(self.pattern)
        if self.operator == "==":
            equal: Mask = columns[:, self.column] == self.hashes[0]
            return equal
        inside = np.isin(columns[:, self.column], np.array(self.hashes, dtype=np.uint64))
        return inside if self.operator == "IN" else ~inside


@dataclass(frozen=True, slots=True)
class _TokenTest:
    """All conditions on one token of a pattern."""

    conditions: tuple[_Condition, ...]

    def possible(self, present: list[set[int]]) -> bool:
        """False when an equality asks for a value no token of the doc has."""
        return all(c.operator != "==" or c.hashes[0] in present[c.column] for c in self.conditions)

    def __call__(self, columns: Array, lowers: _Lowers) -> Mask:
        mask = np.ones(len(columns), dtype=bool)
        for condition in self.conditions:
            mask &= condition(columns, lowers)
        return mask


def _token_test(spec: Mapping[str, Any], strings: Any) -> _TokenTest | None:
    """The test of one token's pattern; None when a condition is one this module cannot express."""
    conditions = [_condition(key, value, strings) for key, value in spec.items()]
    kept = [c for c in conditions if c is not None]
    return _TokenTest(tuple(kept)) if len(kept) == len(conditions) else None


def _condition(key: str, value: Any, strings: Any) -> _Condition | None:
    if key not in _READ:
        return None
    column = _READ.index(key)
    if key == "IS_SPACE":
        if not isinstance(value, bool):
            return None
        return _Condition(column, "==", (int(value),))
    if isinstance(value, str):
        return _Condition(column, "==", (_hash(value, strings),))
    if isinstance(value, dict) and len(value) == 1:
        [(operator, operand)] = value.items()
        if operator in {"IN", "NOT_IN"}:
            return _Condition(column, operator, tuple(_hash(v, strings) for v in operand))
        if operator == "REGEX" and key == "LOWER":
            return _Condition(column, operator, pattern=re.compile(operand))
    return None


def _hash(value: str, strings: Any) -> int:
    return int(strings.add(value)) if value else 0  # the empty string (unset) hashes to 0


def _attr_id(name: str) -> int:
    # spacy.attrs is compiled and has no stub: read through importlib, its IDS is a plain dict.
    return int(importlib.import_module("spacy.attrs").IDS[name])
