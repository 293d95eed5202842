"""Errors of the store, under the one ``CeasefireError`` root (``ceasefire.errors``).

::

    CeasefireError
    └── StoreError              a database, key file or evidence folder cannot be used as asked
        ├── AppendOnlyError     a statement tried to update or delete an append-only row
        ├── UnknownRecord       no such record (a report id); the API answers 404
        └── IdempotencyMismatch an Idempotency-Key used again with another request; 422

The CLI maps both to exit code 2 and their one-line message, like every ``CeasefireError``.
"""

from __future__ import annotations

from ceasefire.errors import CeasefireError

__all__ = ["AppendOnlyError", "IdempotencyMismatch", "StoreError", "UnknownRecord"]


class StoreError(CeasefireError):
    """The store cannot do what was asked: says what, where (database, file) and how to fix it."""


class AppendOnlyError(StoreError):
    """The database refused to update or delete a row of an append-only table."""


class UnknownRecord(StoreError):
    """No record with that id (or none the caller may see)."""


class IdempotencyMismatch(StoreError):
    """An Idempotency-Key was used before by the same token for a different request."""
