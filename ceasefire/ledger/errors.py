"""The one error the ledger raises: :class:`LogError`.

It hangs under the project root (see :mod:`ceasefire.errors`)::

    CeasefireError
    └── LogError        a log entry, proof, checkpoint, key or receipt is invalid or fails to verify

The message says which check failed and with which values, so that a party holding a receipt can
tell "bad signature" from "leaf hash mismatch" from "proof does not lead to the signed root".
"""

from __future__ import annotations

from ceasefire.errors import CeasefireError

__all__ = ["LogError"]


class LogError(CeasefireError):
    """An entry, proof, checkpoint, key or receipt is malformed or does not verify."""
