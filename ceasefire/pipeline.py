"""Event files in, a ``Verification`` out: what ``ceasefire verify`` runs.

``verify(agreement, paths, ...)`` reads event files (streaming, de-duplicating incident ids and
dropping incidents whose reported date is outside ``--from``/``--to`` as they arrive), builds the
columnar table and hands it to ``verification.verify_table``, the one path from incidents to
findings (re-exported here with ``Intake`` and ``Verification`` for the callers that import them
from ``pipeline``). Parquet inputs and ``--engine dask`` go through ``ceasefire.scale``, whose
partitions call the same ``verify_table``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ceasefire.actor_resolution import AliasResolver
from ceasefire.errors import UsageError
from ceasefire.extras import MissingExtra, require_extra
from ceasefire.model import Agreement, Incident
from ceasefire.table import IncidentTable
from ceasefire.verification import Intake, Verification, check_period, verify_table

__all__ = ["attach_claims", "verify"]

Progress = Callable[[int], None]


def verify(
    agreement: Agreement,
    paths: Sequence[str | Path],
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    skip_bad_rows: bool = False,
    progress: Progress | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
) -> Verification:
    """Read every events file and verify it against the agreement; ``encoding`` forces the text
    files' encoding (else detected), ``sheet`` the sheet of .xlsx files (else the first).

    Parquet inputs, or ``engine="dask"``, go through the partitioned engine (``ceasefire.scale``:
    streaming, or on a Dask cluster at ``scheduler``); the findings are the same.
    """
    from ceasefire.sources import BadRows, iter_files

    check_period(date_from, date_to)
    if engine not in ("local", "dask"):
        raise UsageError(f"--engine: '{engine}' is not one of local, dask")
    if engine == "dask" or _any_parquet(paths):
        require_extra("scale", None if engine == "dask" else ("pyarrow",), needed_for="Parquet inputs or --engine dask")
        from ceasefire.scale import verify_partitioned

        return verify_partitioned(
            agreement,
            paths,
            engine=engine,
            scheduler=scheduler,
            date_from=date_from,
            date_to=date_to,
            skip_bad_rows=skip_bad_rows,
            progress=progress,
        )
    bad_rows = BadRows(skip=skip_bad_rows)
    intake = Intake(files=[str(p) for p in paths])
    resolver = AliasResolver(agreement)
    if _columnar():
        from ceasefire.sources.columnar import read_files

        raw = read_files(paths, bad_rows, encoding=encoding, sheet=sheet)
        table = IncidentTable.from_columns(admitted_columns(raw, intake, date_from, date_to, progress), resolver)
    else:
        read = iter_files(paths, bad_rows, encoding=encoding, sheet=sheet)
        table = IncidentTable.from_incidents(_admitted(read, intake, date_from, date_to, progress), resolver)
    intake.read(bad_rows)
    return verify_table(agreement, table, resolver, date_from=date_from, date_to=date_to, intake=intake)


def attach_claims(v: Verification, texts: Sequence[str | Path], days: int = 7) -> Verification:
    """Claims from news text set against the findings (the claims ledger): ``v.claims`` becomes
    one object per claim with its verdict (supports / contradicts / no evidence), the findings it
    rests on and why. ``days`` is how far before a claim (after, for a commitment) to look."""
    from ceasefire.news.claims import extract_claims
    from ceasefire.news.text import read_article
    from ceasefire.news.verdicts import assess_claims

    near = v.agreement.effective.date()  # datelines without a year: the year nearest the agreement
    articles = [read_article(Path(p), near) for p in texts]
    claims = list(extract_claims(v.agreement, articles))
    v.claims = assess_claims(v.agreement, claims, list(v.finding_objects()), days)
    return v


def _any_parquet(paths: Sequence[str | Path]) -> bool:
    from ceasefire.sources import detect_format

    return any(Path(p).is_dir() or detect_format(p) == "parquet" for p in paths)


def _columnar() -> bool:
    """Whether text files are read column by column (``sources.columnar``): with pyarrow, the
    ``scale`` extra; else the row readers read them, to the same incidents (issue 16)."""
    try:
        require_extra("scale", ("pyarrow",))
    except MissingExtra:
        return False
    return True


def admitted_columns(
    raw: dict[str, Any],
    intake: Intake,
    date_from: dt.date | None,
    date_to: dt.date | None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """``_admitted`` on columns: the rows inside the period, first occurrence of each id."""
    n = len(raw["id"])
    if progress is not None and n >= 10_000:
        progress(n - n % 10_000)
    reported = np.asarray(raw["date_reported"], np.int64)
    day = np.where(reported > 0, reported, np.asarray(raw["date"], np.int64))
    inside = np.ones(n, bool)
    if date_from is not None:
        inside &= day >= date_from.toordinal()
    if date_to is not None:
        inside &= day <= date_to.toordinal()
    repeated = np.zeros(n, bool)
    repeated[inside] = pd.Series(np.asarray(raw["id"], dtype=object)[inside]).duplicated().to_numpy()
    intake.outside_period += int(n - inside.sum())
    intake.duplicates += int(repeated.sum())
    keep = inside & ~repeated
    return raw if keep.all() else {k: v[keep] for k, v in raw.items()}


def _admitted(
    incidents: Iterable[Incident],
    intake: Intake,
    date_from: dt.date | None,
    date_to: dt.date | None,
    progress: Progress | None,
) -> Iterator[Incident]:
    """Incidents inside the period, first occurrence of each id; counts the rest."""
    seen: set[str] = set()
    for n, incident in enumerate(incidents, 1):
        if progress is not None and n % 10_000 == 0:
            progress(n)
        day = incident.date_reported or incident.date
        if (date_from and day < date_from) or (date_to and day > date_to):
            intake.outside_period += 1
            continue
        if incident.id in seen:
            intake.duplicates += 1
            continue
        seen.add(incident.id)
        yield incident
