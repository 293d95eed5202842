"""What happens to a row that cannot become an incident.

A reader that meets a bad row calls ``bad_rows.report("FILE:LINE: column: what is wrong")``.
With ``BadRows(skip=False)`` (the default for ``ceasefire verify``) the first bad row stops the
run with an ``InputError`` carrying that message; with ``skip=True`` the row is dropped, counted
and its message kept (the first ``MAX_MESSAGES`` of them) for a summary.

Rows that are well formed but are not incidents (GDELT events outside CAMEO roots 18-20) are not
bad: readers count them in ``ignored`` and go on, whatever the policy.
"""

from __future__ import annotations

from typing import NoReturn

from ceasefire.errors import CeasefireError, InputError

__all__ = ["MAX_MESSAGES", "BadRows", "RowError", "fail_file"]

MAX_MESSAGES = 100


class RowError(CeasefireError):
    """One field of one row is unusable; ``str()`` names the column first: ``column: problem``."""

    def __init__(self, column: str, problem: str) -> None:
        self.column = column
        self.problem = problem
        super().__init__(f"{column}: {problem}")


class BadRows:
    """The bad-row policy of one run, shared by every file read in it."""

    def __init__(self, skip: bool = False) -> None:
        self.skip = skip
        self.count = 0
        self.ignored = 0
        self.messages: list[str] = []

    def report(self, message: str) -> None:
        """Refuse the row: raise ``InputError(message)``, or record it when skipping."""
        if not self.skip:
            raise InputError(message)
        self.count += 1
        if len(self.messages) < MAX_MESSAGES:
            self.messages.append(message)

    def __repr__(self) -> str:
        return f"BadRows(skip={self.skip}, count={self.count}, ignored={self.ignored})"


def fail_file(bad_rows: BadRows, message: str) -> NoReturn:
    """Report a problem that makes the whole file unusable, then raise whatever the policy."""
    bad_rows.report(message)
    raise InputError(message)
