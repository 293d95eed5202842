"""Reading agreement YAML and GeoJSON files into ``Document``s that can locate any path's line.

YAML is read with ruamel.yaml's round-trip loader, which keeps the line of every key and item.
Timestamps are kept as the strings written, because the YAML timestamp type drops the UTC offset
(``2016-09-12T19:00:00+03:00`` would become a naive 16:00); ``times.py`` parses them.

GeoJSON is read with the standard ``json`` module (zone files can hold many thousands of
vertices, which a YAML parser reads a hundred times slower); ``JsonPositions`` finds the line of
a path in the text only when a problem has to be reported.
"""

from __future__ import annotations

import bisect
import json
import re
from pathlib import Path as FilePath
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import ScalarNode

from ceasefire.agreement.nodes import Document, Key, Node, Path, Problems
from ceasefire.agreement.yamlsize import YamlTooLarge, load_limited

__all__ = ["JsonPositions", "parse_yaml", "read_geojson", "read_yaml"]


class _Constructor(RoundTripConstructor):
    """Round-trip constructor that leaves YAML timestamps as the strings written."""

    def construct_timestamp_as_text(self, node: ScalarNode) -> str:
        return str(self.construct_scalar(node))


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_timestamp_as_text)


def read_text(file: str, problems: Problems, report: Node | None = None) -> str | None:
    """The UTF-8 text of ``file``, or ``None`` after recording why it cannot be read.

    An unreadable file is reported on ``report`` (the key that named the file) when given, else
    at line 1 of ``file`` itself.
    """
    try:
        data = FilePath(file).read_bytes()
    except OSError as error:
        reason = "file not found" if isinstance(error, FileNotFoundError) else error.strerror
        message = f"cannot read {file}: {reason or error}"
        if report is not None:
            report.problem(f"{message} (the path is relative to the agreement file)")
        else:
            problems.add_at(file, 1, message)
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problems.add_at(file, line, "the file is not UTF-8 text; save it as UTF-8")
        return None


def read_yaml(file: str, problems: Problems) -> Document | None:
    """Parse the YAML file ``file``; ``None`` after recording a read or syntax problem."""
    text = read_text(file, problems)
    return None if text is None else parse_yaml(text, file, problems)


def parse_yaml(text: str, file: str, problems: Problems) -> Document | None:
    """Parse YAML ``text`` read from ``file`` (the name problems cite); ``None`` after recording
    a syntax problem, or a document over the alias and node limits (``yamlsize``)."""
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    try:
        data = load_limited(yaml, text)
    except YamlTooLarge as error:
        problems.add_at(file, error.line, error.message)
        return None
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        detail = ": ".join(str(part) for part in (error.context, error.problem) if part)
        problems.add_at(file, line, f"YAML syntax error: {(detail.splitlines() or ['?'])[0]}")
        return None
    except Exception as error:
        # ruamel.yaml raises assorted types on malformed input besides its own (ValueError for a
        # 5000-digit integer, RecursionError for deep nesting, AttributeError for `!!set` on a
        # scalar); the contract is a FILE:LINE problem, never a traceback.
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        problems.add_at(file, 1, f"YAML syntax error: {reason}")
        return None
    return Document(file, data, lambda path: yaml_line(data, path))


def yaml_line(data: object, path: Path) -> int:
    """1-based line of the deepest node of ``path`` in ruamel round-trip ``data`` (1 for ``()``)."""
    line = 1
    node: object = data
    for step in path:
        try:
            if isinstance(node, CommentedMap) and isinstance(step, str) and step in node:
                line, node = node.lc.key(step)[0] + 1, node[step]
            elif isinstance(node, CommentedSeq) and isinstance(step, int) and step < len(node):
                line, node = node.lc.item(step)[0] + 1, node[step]
            else:
                break
        except (KeyError, TypeError, AttributeError):  # merged (<<:) keys have no position
            break
    return line


def read_geojson(file: str, prefix: str, report: Node) -> Document | None:
    """Parse the GeoJSON (JSON) file ``file``; ``None`` after recording why it cannot be.

    ``prefix`` is shown before paths inside the file (e.g. ``zones[1].file``); ``report`` is
    the node that named the file, where an unreadable file is reported.
    """
    text = read_text(file, report.problems, report)
    if text is None:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        report.problems.add_at(file, error.lineno, f"{prefix}: not valid JSON: {error.msg}")
        return None
    except (ValueError, RecursionError) as error:  # e.g. an integer of over 4300 digits
        report.problems.add_at(file, 1, f"{prefix}: not valid JSON: {error}")
        return None
    positions = JsonPositions(text)
    return Document(file, data, positions.line, prefix)


_SPACE = re.compile(r"[ \t\n\r]*")


class JsonPositions:
    """Finds the line of a path in a valid JSON text, scanning only the containers on that path.

    The text must already have been parsed successfully by ``json.loads``.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._decoder = json.JSONDecoder()
        self._children: dict[int, dict[Key, tuple[int, int]]] = {}
        self._line_starts: list[int] | None = None

    def line(self, path: Path) -> int:
        """1-based line of the deepest node of ``path`` (a member's key, or a list item)."""
        offset = line_offset = self._skip_space(0)
        for step in path:
            found = self._members(offset).get(step)
            if found is None:
                break
            line_offset, offset = found
        if self._line_starts is None:
            self._line_starts = [m.end() for m in re.finditer("\n", self._text)]
        return bisect.bisect_right(self._line_starts, line_offset) + 1

    def _skip_space(self, offset: int) -> int:
        match = _SPACE.match(self._text, offset)
        return match.end() if match else offset

    def _members(self, start: int) -> dict[Key, tuple[int, int]]:
        """Members of the object or array at ``start``: key or index -> (item, value) offsets."""
        if start not in self._children:
            self._children[start] = self._scan(start)
        return self._children[start]

    def _scan(self, start: int) -> dict[Key, tuple[int, int]]:
        text = self._text
        if start >= len(text) or text[start] not in "[{":
            return {}
        closing = "}" if text[start] == "{" else "]"
        members: dict[Key, tuple[int, int]] = {}
        offset = self._skip_space(start + 1)
        while offset < len(text) and text[offset] != closing:
            item = value = offset
            key: Any = len(members)
            if closing == "}":
                key, offset = self._decoder.raw_decode(text, offset)
                value = self._skip_space(self._skip_space(offset) + 1)  # past the ':'
            members[key] = (item, value)
            offset = self._skip_space(self._decoder.raw_decode(text, value)[1])
            if offset < len(text) and text[offset] == ",":
                offset = self._skip_space(offset + 1)
        return members
