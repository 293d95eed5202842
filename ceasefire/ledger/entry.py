"""Log entries as canonical JSON bytes: one value, one byte string.

A log entry is a JSON value (in practice an object) turned into bytes by :func:`canonical_json`:

- object keys sorted by Unicode code point, each key once;
- no whitespace between tokens (separators ``,`` and ``:``);
- strings as UTF-8, not ``\\u`` escapes (only ``"``, ``\\``, and control characters are escaped,
  exactly as Python's :mod:`json` writes them);
- integers in decimal; floats in Python's shortest round-trip form (``0.1``, ``1e-07``, ``1.0``);
  ``NaN`` and ``±Infinity`` are refused, as are values JSON has no type for (dates, bytes, sets,
  objects with non-string keys).

This is *not* RFC 8785 (JCS): floats and key order can differ for exotic inputs. It does not need
to be, because nobody re-encodes an entry to verify it: the server hashes the exact bytes it
stored, and a receipt is checked against those bytes. Canonical form exists so that the same
submission always yields the same bytes (and so the same leaf hash), which makes idempotent
submission checks simple. Prefer strings and integers for values whose exact form matters.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from json.encoder import encode_basestring
from typing import Any, TypeAlias

from ceasefire.ledger.errors import LogError

__all__ = ["JSONValue", "canonical_json", "canonical_lines", "canonicalize"]

JSONValue: TypeAlias = "bool | int | float | str | Sequence[JSONValue] | Mapping[str, JSONValue] | None"

_ALLOWED = "null, true/false, finite numbers, strings, arrays and objects with string keys"


def canonical_json(value: JSONValue) -> bytes:
    """The canonical UTF-8 bytes of ``value`` (see the module docstring).

    Raises LogError naming the JSON path of the first value that JSON cannot carry,
    e.g. ``entry $.incidents[2].lat: nan is not allowed``.
    """
    if _string_keys(value):  # json.dumps then writes the same bytes, or raises
        try:
            text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
            return text.encode("utf-8")
        except (TypeError, ValueError, UnicodeEncodeError, RecursionError):
            pass  # not JSON as it stands: the walk below names what and where
    return _walked(value)


def _walked(value: JSONValue) -> bytes:
    """:func:`canonical_json` by checking every value first (:func:`_plain`): the reference the
    direct ``json.dumps`` must equal (a test holds them equal), and the one that names errors.

    The walk costs a function call and a path string per value; a log entry's row goes through
    :func:`canonical_json` twice, and under load that was a quarter of the report writer's CPU.
    """
    plain = _plain(value, "$")
    try:
        text = json.dumps(plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate such as "\ud800"
        raise LogError(f"entry: a string is not valid Unicode ({exc.reason})") from exc


_CONTAINERS = (dict, list, tuple)
_KEY_TYPES = frozenset({str})


def _string_keys(value: object) -> bool:
    """True when every container in ``value`` is exactly a dict, list or tuple and every object
    key exactly a str: then ``json.dumps`` (sorted keys, no NaN) writes what :func:`_walked`
    writes, or raises. It would write other keys (``1``, ``None``) as strings, which
    :func:`canonical_json` refuses, and copies of container subclasses are left to the walk."""
    if isinstance(value, dict):
        if type(value) is not dict or not _KEY_TYPES.issuperset(map(type, value)):
            return False
        nested = [item for item in value.values() if isinstance(item, _CONTAINERS)]
    elif isinstance(value, list | tuple):
        if type(value) not in _CONTAINERS:
            return False
        nested = [item for item in value if isinstance(item, _CONTAINERS)]
    else:
        return True
    return all(map(_string_keys, nested))


def canonical_lines(names: Sequence[str], columns: Sequence[Sequence[object]]) -> str:
    """``canonical_json(dict(zip(names, row))).decode() + "\\n"`` for each row of ``columns``
    (one sequence of scalars per name, all of one length, at least one name), joined, computed a
    column at a time.

    The same text as :func:`canonical_json` (a test holds them equal), without one dict per row:
    each column's values are encoded by one C-level ``map`` when the column holds only ``str``,
    only ``int`` or only finite ``float`` values (what a database returns), and value by value
    otherwise. LogError as :func:`canonical_json` for a value JSON cannot carry.
    """
    if not columns or not len(columns[0]):
        return ""
    order = sorted(range(len(names)), key=lambda k: names[k])
    keys = (json.dumps(names[k], ensure_ascii=False).replace("%", "%%") for k in order)
    row = "{" + ",".join(f"{key}:%s" for key in keys) + "}"  # one C-level format per row
    encoded = [list(_encoded_column(names[k], columns[k])) for k in order]
    return "\n".join(map(row.__mod__, zip(*encoded, strict=True))) + "\n"


def _encoded_column(name: str, values: Sequence[Any]) -> Iterator[str]:
    """The JSON text of each value of one column (see :func:`canonical_lines`)."""
    kinds = set(map(type, values))
    if kinds == {str}:
        return map(encode_basestring, values)
    if kinds == {int}:
        return map(int.__repr__, values)
    if kinds == {float} and all(map(math.isfinite, values)):
        return map(float.__repr__, values)
    return (_scalar(value, name) for value in values)


_SCALARS: dict[type, Callable[[Any], str]] = {
    str: encode_basestring,
    int: int.__repr__,
    float: float.__repr__,  # finite ones only: _scalar sends NaN and infinities to _plain's LogError
    type(None): lambda _: "null",
}


def _scalar(value: Any, name: str) -> str:
    """One value's JSON text: a table lookup for the plain scalars, :func:`canonical_json` (and
    its LogError naming ``$.name``) for anything else."""
    encode = _SCALARS.get(type(value))
    if encode is not None and (type(value) is not float or math.isfinite(value)):
        return encode(value)
    _plain(value, f"$.{name}")  # LogError naming the column when JSON cannot carry it
    return canonical_json(value).decode("utf-8")


def canonicalize(raw: bytes | str) -> bytes:
    """Parse JSON text strictly and return its canonical bytes.

    Refuses duplicate object keys, ``NaN``/``Infinity`` and invalid UTF-8, so a submission sent as
    raw text can be stored canonically and compared with an earlier one.
    """
    try:
        value = json.loads(raw, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        raise LogError(f"entry: not valid JSON ({exc})") from exc
    return canonical_json(value)


def _plain(value: object, path: str) -> object:
    """A copy of ``value`` made of dict/list/scalars only, or LogError at the first bad node."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise LogError(f"entry {path}: {value!r} is not allowed (JSON has no NaN or Infinity)")
        return value
    if isinstance(value, Mapping):
        out: dict[str, object] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise LogError(f"entry {path}: object key {key!r} is not a string ({_ALLOWED})")
            out[key] = _plain(item, f"{path}.{key}")
        return out
    if isinstance(value, list | tuple):
        return [_plain(item, f"{path}[{i}]") for i, item in enumerate(value)]
    raise LogError(f"entry {path}: {type(value).__name__} cannot be logged (only {_ALLOWED})")


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    seen: set[str] = set()
    duplicates: set[str] = set()
    for key, _ in pairs:
        (duplicates if key in seen else seen).add(key)
    if duplicates:
        raise LogError(f"entry: duplicate object key(s) {', '.join(map(repr, sorted(duplicates)))}")
    return dict(pairs)


def _no_constant(name: str) -> object:
    raise LogError(f"entry: {name} is not allowed (JSON has no NaN or Infinity)")
