"""Database addresses as they may be shown: ``redact_url`` hides a URL's password (issue 11).

``ceasefire serve`` and the store's messages print the database they use; a PostgreSQL URL
may carry its password (``postgresql://user:secret@host/db``), and what is printed ends up in
terminals, logs and bug reports.
"""

from __future__ import annotations

from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = ["redact_url"]

_HIDDEN = "***"
_SECRET_PARAMS = frozenset({"password", "passfile", "sslpassword"})


def redact_url(target: str) -> str:
    """``target`` with any password replaced by ``***``: in the user part of a URL and in
    ``password=`` query parameters. A plain file path (SQLite) comes back unchanged."""
    if "://" not in target:
        return target
    try:
        parts = urlsplit(target)
        user = parts.username
    except ValueError:  # a URL too malformed to split: show only its scheme
        return target.split("://", 1)[0] + "://" + _HIDDEN
    netloc = parts.netloc
    if parts.password is not None:
        host = netloc.rsplit("@", 1)[1]
        netloc = f"{user or ''}:{_HIDDEN}@{host}"
    return urlunsplit(SplitResult(parts.scheme, netloc, parts.path, _query(parts.query), parts.fragment))


def _query(query: str) -> str:
    if not query:
        return query
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(name.lower() in _SECRET_PARAMS for name, _ in pairs):
        return query  # unchanged, byte for byte
    return urlencode([(n, _HIDDEN if n.lower() in _SECRET_PARAMS else v) for n, v in pairs], safe="*")
