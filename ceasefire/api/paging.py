"""Paging of the list endpoints (MISSION.md, second round; issue 14).

A list endpoint takes ``limit`` (default 100, 1-1000; outside: 422 naming ``limit``) and an
opaque ``cursor`` (the ``next`` of the page before), and answers ``next``: the cursor of the
page after, or null on the last page. A cursor is the key of the last row served (keyset paging:
the next page is read after it, whatever was added meanwhile), as base64url JSON with the kind of
list it belongs to and a check tag. It is not secret and needs no key: any key it can hold only
moves where a page starts, every filter and who sees what are applied again on each page. A
cursor that does not decode, belongs to another list or holds a key of the wrong shape is a 400
naming ``cursor``, never a 500.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Query

from ceasefire.api.problems import Problem

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "Key",
    "Page",
    "PageDep",
    "decode_cursor",
    "encode_cursor",
    "page_params",
    "sliced",
]

DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
MAX_KEY = 2**63 - 1  # a key beyond any BIGINT is refused, never sent to the database
Key = tuple[int | str, ...]
T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    """The paging a request asked for: at most ``limit`` rows after the ``cursor`` (None: first page)."""

    limit: int = DEFAULT_LIMIT
    cursor: str | None = None


def page_params(
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"Rows per page (1-{MAX_LIMIT}, default {DEFAULT_LIMIT}).")
    ] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None, Query(max_length=400, description="The `next` of the previous page (opaque).")
    ] = None,
) -> Page:
    return Page(limit, cursor)


PageDep = Annotated[Page, Depends(page_params)]


def _tag(payload: bytes) -> str:
    return hashlib.sha256(b"ceasefire cursor\n" + payload).hexdigest()[:12]


def encode_cursor(kind: str, key: Key) -> str:
    """The cursor after the row whose key is ``key`` in the list ``kind``."""
    payload = json.dumps([kind, *key], separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(payload).decode("ascii").rstrip("=") + "." + _tag(payload)


def _bad(why: str) -> Problem:
    message = f"cursor: {why}; send the `next` of the previous page, or no cursor for the first page"
    return Problem(400, message, errors=[{"field": "cursor", "in": "query", "message": why}])


def decode_cursor(cursor: str | None, kind: str, shape: tuple[type, ...]) -> Key | None:
    """The key a cursor of the list ``kind`` holds (None: no cursor), its items of the types in
    ``shape``; 400 (``Problem``) for anything else."""
    if cursor is None:
        return None
    body, _, tag = cursor.partition(".")
    try:
        payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        items = json.loads(payload.decode("utf-8"))
    except (binascii.Error, ValueError) as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise _bad("not a cursor this server gave") from error
    if tag != _tag(payload) or not isinstance(items, list) or not items:
        raise _bad("not a cursor this server gave")
    if items[0] != kind:
        raise _bad(f"a cursor of another list ({str(items[0])[:40]!r}), not of {kind!r}")
    key = tuple(items[1:])
    if len(key) != len(shape) or not all(_fits(v, t) for v, t in zip(key, shape, strict=True)):
        raise _bad("a cursor of an older form")
    return key


def _fits(value: object, kind: type) -> bool:
    if kind is int:
        return type(value) is int and 0 <= value <= MAX_KEY
    return isinstance(value, kind)


def sliced(items: list[T], limit: int) -> tuple[list[T], bool]:
    """(the first ``limit`` of ``items``, whether there were more): read ``limit + 1`` rows to
    know whether a page is the last without counting."""
    return items[:limit], len(items) > limit
