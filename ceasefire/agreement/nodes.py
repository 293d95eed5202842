"""Validation plumbing: a list of problems, and values that know where they are.

A ``Node`` is one value of a parsed document together with its path, e.g.
``("obligations", 2, "bound")``, rendered ``obligations[2].bound`` (indexes count from 0). Its
getters return a field's value when it has the expected type; otherwise they record a problem
naming the path and return ``None``. Nothing here raises on bad input, so a single pass over an
agreement finds every problem.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Document", "Key", "Node", "Path", "Problems", "describe", "render_path", "suggest"]

Key = str | int  # a mapping key or a list index
Path = tuple[Key, ...]
MAX_METRES = 20_037_508  # half the Earth's circumference: no two places are farther apart


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")
# Every character str.splitlines() breaks at: one problem must stay one line.
_LINE_BREAKS = {ord(c): repr(c)[1:-1] for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}


def render_path(path: Path) -> str:
    """``("obligations", 2, "bound")`` -> ``obligations[2].bound``; ``()`` -> ``""``.

    A key that is not a plain word is quoted: ``zones[0]['two words']``.
    """
    text = ""
    for step in path:
        if isinstance(step, int):
            text += f"[{step}]"
        elif not _PLAIN_KEY.fullmatch(step):
            text += f"[{step!r}]"
        else:
            text += f".{step}" if text else step
    return text


def describe(value: object) -> str:
    """A short rendering of a value for messages: ``'yes'``, ``3``, ``true``, ``null``, ``a list``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(_shorten(str(value)))
    if isinstance(value, int):
        return _shorten(str(int(value)))
    if isinstance(value, float):
        return str(float(value))
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def suggest(word: str, known: Collection[str]) -> str:
    """A hint for an unknown ``word``: the closest known one, then the known ones (first 15)."""
    names = sorted(known)
    listed = ", ".join(names[:15]) + (", ..." if len(names) > 15 else "")
    close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    guess = f"did you mean '{close[0]}'? " if close else ""
    return f"{guess}known: {listed or 'none'}"


@dataclass(frozen=True)
class Document:
    """A parsed file: its data, and how to find the 1-based line of any path in it.

    ``locate`` returns the line of the deepest node of ``path`` that exists. ``prefix`` is put
    before paths in messages (a GeoJSON file says which zone, route or line it belongs to).
    """

    file: str
    data: object
    locate: Callable[[Path], int]
    prefix: str = ""


@dataclass
class Problems:
    """Every problem found, printed ``FILE:LINE: message``, sorted by file then line."""

    _items: list[tuple[int, int, int, str]] = field(default_factory=list)
    _files: dict[str, int] = field(default_factory=dict)

    def add_at(self, file: str, line: int, message: str) -> None:
        """Record ``message`` at ``file:line`` (for problems that precede any parsed data)."""
        order = self._files.setdefault(file, len(self._files))
        text = f"{file}:{line}: {message}".translate(_LINE_BREAKS)
        self._items.append((order, line, len(self._items), text))

    def add(self, doc: Document, path: Path, message: str) -> None:
        """Record ``message`` about ``path`` of ``doc``, with the path rendered in front."""
        where = ": ".join(part for part in (doc.prefix, render_path(path)) if part)
        self.add_at(doc.file, doc.locate(path), f"{where}: {message}" if where else message)

    def lines(self) -> list[str]:
        return [item[3] for item in sorted(self._items)]

    def __len__(self) -> int:
        return len(self._items)


@dataclass(frozen=True)
class Node:
    """One value of a document at ``path``. Getters take a key of this node when it is a mapping."""

    doc: Document
    problems: Problems
    path: Path
    value: object

    def problem(self, message: str) -> None:
        self.problems.add(self.doc, self.path, message)

    def line(self) -> int:
        return self.doc.locate(self.path)

    def at(self, key: Key) -> Node:
        """The child at ``key`` (``None`` as value when absent)."""
        value: object = None
        if isinstance(key, str) and isinstance(self.value, Mapping):
            value = self.value.get(key)
        elif isinstance(key, int) and isinstance(self.value, list) and 0 <= key < len(self.value):
            value = self.value[key]
        return Node(self.doc, self.problems, (*self.path, key), value)

    def has(self, key: str) -> bool:
        """True when this is a mapping holding ``key`` with a non-null value."""
        return isinstance(self.value, Mapping) and self.value.get(key) is not None

    def as_mapping(self, what: str = "a mapping") -> Mapping[Any, Any] | None:
        """This value when it is a mapping; ``what`` describes the expected one in the problem."""
        if isinstance(self.value, Mapping):
            return self.value
        self.problem(f"expected {what}, got {describe(self.value)}")
        return None

    def check_keys(self, known: Collection[str], what: str = "key") -> None:
        """Report every key of this mapping that is not in ``known``, with the closest match."""
        if not isinstance(self.value, Mapping):
            return
        for key in self.value:
            if not (isinstance(key, str) and key in known):
                name = key if isinstance(key, str) else describe(key)
                self.at(name).problem(f"unknown {what} ({suggest(name, known)})")

    def field(self, key: str, required: bool) -> Node | None:
        """The child at ``key`` when present and not null; reports it when required and missing."""
        if self.has(key):
            return self.at(key)
        if required and isinstance(self.value, Mapping):
            if key in self.value:
                self.at(key).problem("is required but empty (null)")
            else:
                self.problem(f"missing required key '{key}'")
        return None

    def text(self, key: str, required: bool = True) -> str | None:
        """A non-blank string field."""
        node = self.field(key, required)
        return None if node is None else node.as_text()

    def flag(self, key: str) -> bool | None:
        node = self.field(key, False)
        if node is None:
            return None
        if isinstance(node.value, bool):
            return node.value
        node.problem(f"expected true or false, got {describe(node.value)}")
        return None

    def metres(self, key: str, required: bool = False) -> float | None:
        """A distance field: a positive, finite number (an int or a float, not a boolean)."""
        node = self.field(key, required)
        return None if node is None else node.as_metres()

    def integer(self, key: str, minimum: int, required: bool = False) -> int | None:
        node = self.field(key, required)
        if node is None:
            return None
        value = node.value
        if not isinstance(value, int) or isinstance(value, bool):
            node.problem(f"expected a whole number >= {minimum}, got {describe(value)}")
            return None
        if value < minimum:
            node.problem(f"must be >= {minimum}, got {int(value)}")
            return None
        return int(value)

    def items(self, key: str, required: bool = False) -> list[Node] | None:
        """The elements of a list field."""
        node = self.field(key, required)
        return None if node is None else node.as_list()

    def texts(self, key: str, required: bool = False) -> tuple[str, ...] | None:
        """A list-of-strings field; ``None`` when absent or when any element is wrong."""
        nodes = self.items(key, required)
        if nodes is None:
            return None
        values = [node.as_text() for node in nodes]
        return tuple(v for v in values if v is not None) if None not in values else None

    def as_list(self) -> list[Node] | None:
        if not isinstance(self.value, list):
            self.problem(f"expected a list, got {describe(self.value)}")
            return None
        return [self.at(index) for index in range(len(self.value))]

    def as_text(self) -> str | None:
        if not isinstance(self.value, str):
            hint = " (put it in quotes)" if isinstance(self.value, int | float) else ""
            self.problem(f"expected a string, got {describe(self.value)}{hint}")
            return None
        if not self.value.strip():
            self.problem("must not be empty")
            return None
        return str(self.value)

    def as_metres(self) -> float | None:
        value = self.value
        if not isinstance(value, int | float) or isinstance(value, bool):
            self.problem(f"expected a number of metres, got {describe(value)}")
            return None
        if not value > 0:
            self.problem(f"must be a positive number of metres, got {describe(value)}")
            return None
        if not value <= MAX_METRES:  # also catches inf and huge ints (no float overflow)
            self.problem(f"must be at most {MAX_METRES} metres (half the Earth's circumference), got {describe(value)}")
            return None
        return float(value)
