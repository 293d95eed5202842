"""What happens to a row that cannot become an incident, and what reading each file found.

Rows fall in four classes, counted per file (``FileCounts``, the ``inputs`` section of verify):

- ``incidents``: rows that became an ``Incident``;
- ``no_place``: well-formed events without coordinates (GDELT rows without ActionGeo, ACLED or
  UCDP rows with both coordinates empty): they cannot be placed, so they are not verified, but
  they are not errors (issue 12);
- ``not_incidents``: well-formed rows that are not incidents (GDELT outside CAMEO roots 18-20);
- ``bad_rows``: really broken rows (a field that cannot be read, a truncated row), counted per
  reason (``bad_rows_by_reason``: the message without its place and literal values).

A reader that meets a bad row calls ``bad_rows.report("FILE:LINE: column: what is wrong")``.
With ``BadRows(skip=False)`` (the default for ``ceasefire verify``) the first bad row stops the
run with an ``InputError`` carrying that message; with ``skip=True`` the row is dropped, counted
and its message kept (the first ``MAX_MESSAGES`` of them) for a summary. Rows without a place and
rows that are not incidents never stop a run, whatever the policy.
"""

from __future__ import annotations

import re
from typing import NoReturn

from ceasefire.errors import CeasefireError, InputError
from ceasefire.model import FileCounts

__all__ = ["MAX_MESSAGES", "BadRows", "FileCounts", "NoPlace", "RowError", "fail_file", "reason_of"]

MAX_MESSAGES = 100
_PLACE = re.compile(r"^.*?:\d+: (?:feature \d+: )?")  # "FILE:LINE: " and GeoJSON's "feature N: "
_LITERAL = re.compile(r"'[^']*'|\"[^\"]*\"|(?<!\w)-?\d[\d.,:/\-]*")


class RowError(CeasefireError):
    """One field of one row is unusable; ``str()`` names the column first: ``column: problem``."""

    def __init__(self, column: str, problem: str) -> None:
        self.column = column
        self.problem = problem
        super().__init__(f"{column}: {problem}")


class NoPlace(RowError):
    """The row is a well-formed event without coordinates: counted as ``no_place``, not bad."""


def reason_of(message: str) -> str:
    """The class of a bad-row message: without ``FILE:LINE:``, literal values or the parenthesis,
    so that ``e.csv:3: latitude: 91 is out of range (-90 to 90)`` gives
    ``latitude: … is out of range``."""
    text = _LITERAL.sub("…", _PLACE.sub("", message, count=1))
    return text.split(" (", 1)[0].strip()


class BadRows:
    """The bad-row policy of one run, shared by every file read in it, and the per-file counts."""

    def __init__(self, skip: bool = False) -> None:
        self.skip = skip
        self.count = 0
        self.ignored = 0  # not incidents, over every file
        self.messages: list[str] = []
        self.files: list[FileCounts] = []

    def start_file(self, name: str, format: str = "", encoding: str = "") -> FileCounts:
        """Counts for the file read from now on."""
        self.files.append(FileCounts(name, format=format, encoding=encoding))
        return self.files[-1]

    @property
    def current(self) -> FileCounts:
        if not self.files:  # a reader called on a file object directly
            self.start_file("")
        return self.files[-1]

    @property
    def no_places(self) -> int:
        return sum(f.no_place for f in self.files)

    def report(self, message: str) -> None:
        """Refuse the row: raise ``InputError(message)``, or record it when skipping."""
        current = self.current
        current.bad_rows += 1
        reason = reason_of(message)
        current.bad_rows_by_reason[reason] = current.bad_rows_by_reason.get(reason, 0) + 1
        current.first.setdefault("bad_rows", message)
        if not self.skip:
            raise InputError(message)
        self.count += 1
        if len(self.messages) < MAX_MESSAGES:
            self.messages.append(message)

    def no_place(self, message: str) -> None:
        """Count a well-formed event without coordinates; never an error."""
        current = self.current
        current.no_place += 1
        current.first.setdefault("no_place", message)

    def not_incident(self, message: str) -> None:
        """Count a well-formed row that is not an incident; never an error."""
        self.ignored += 1
        current = self.current
        current.not_incidents += 1
        current.first.setdefault("not_incidents", message)

    def __repr__(self) -> str:
        return f"BadRows(skip={self.skip}, count={self.count}, ignored={self.ignored})"


def fail_file(bad_rows: BadRows, message: str) -> NoReturn:
    """Report a problem that makes the whole file unusable, then raise whatever the policy."""
    bad_rows.report(message)
    raise InputError(message)
