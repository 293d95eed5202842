"""The one exception tree of ceasefire.

::

    CeasefireError                 anything ceasefire refuses, with a one-line message
    ├── AgreementError             an agreement file is invalid (one or more FILE:LINE problems)
    ├── YamlTooLarge               a YAML document expands past the node or alias limit (agreement.yamlsize)
    ├── InputError                 an events file cannot be read (FILE:LINE: message)
    │   └── FormatNotRecognized    a file's content matches no known events format
    ├── UsageError                 options that contradict each other (e.g. --from after --to)
    ├── RowError                   one field of one row is unusable (ceasefire.sources.rows); readers
    │                              turn it into an InputError with FILE:LINE, or skip the row
    │   └── NoPlace                the row is an event without coordinates: counted, not an error
    ├── DocumentError              a stored document (finding, clock, run summary) has an unknown schema
    ├── LogError                   a log entry, proof, checkpoint or receipt fails (ceasefire.ledger)
    ├── StoreError                 a database, key file or evidence folder is unusable (ceasefire.store)
    │   ├── AppendOnlyError        an update or delete of an append-only row was refused
    │   ├── UnknownRecord          no such record, or none the caller may see
    │   ├── IdempotencyMismatch    an Idempotency-Key used again for a different request
    │   └── BatchRolledBack        a batch of reports failed and none of it was stored
    ├── BulletinError              a bulletin cannot be made: no run, bad date (ceasefire.bulletin)
    │   └── OutsideRun             the day asked for lies outside the run's days
    ├── MissingExtra               a command needs an extra that is not installed (ceasefire.extras)
    ├── Problem                    an API answer other than success, with its HTTP status
    │                              (ceasefire.api.problems, the web edge's own error)
    └── BodyTooLarge               a request body past its limit, stopped while it streams in
                                   (ceasefire.api.limits; also Starlette's HTTPException)

The root, AgreementError, InputError, FormatNotRecognized, UsageError and DocumentError are defined here; the others live beside the package that
raises them, so that importing this module never imports those packages. ``tests/test_error_tree.py``
keeps this drawing complete: every exception class of the package appears in it, under its parent.

Messages say what failed, where, and how to fix it. No HTTP status codes live here: the CLI maps
every ``CeasefireError`` to exit code 2 and its message; the web edge maps them to problem+json
(``ceasefire.api.problems``), and only its own ``Problem`` carries a status.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AgreementError",
    "CeasefireError",
    "DocumentError",
    "FormatNotRecognized",
    "InputError",
    "UsageError",
]


class CeasefireError(Exception):
    """Root of every error ceasefire raises on purpose."""

    @property
    def lines(self) -> list[str]:
        """The message as the lines a CLI prints, one problem per line."""
        return str(self).splitlines() or [type(self).__name__]


class AgreementError(CeasefireError):
    """An agreement is invalid. ``problems`` holds one ``FILE:LINE: message`` each."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class InputError(CeasefireError):
    """An events file (or a row of it) cannot be read: ``FILE:LINE: message``."""


class FormatNotRecognized(InputError):
    """A file's content matches none of the events formats ceasefire reads."""


class UsageError(CeasefireError):
    """Command options that cannot be honoured together."""


class DocumentError(CeasefireError):
    """A document (a stored finding, clock or run summary) is of a schema version this code
    does not read; the message names it and says to upgrade."""
