"""Scale out (issue 6): Parquet intake, partitioned verification, locally or on Dask.

::

    partition.py    verify one partition apart with ``verification.verify_table`` (findings,
                    incidents with findings, daily clock counts, id hashes)
    reduce.py       partitions -> one Verification, column by column; repeated ids from the hashes
    engine.py       cut the inputs into partitions, run them in-process or on Dask, reduce
    dask_engine.py  the Dask distributed client (a given scheduler, or a local cluster)
    convert.py      event files -> Parquet, streaming (``ceasefire convert``)

Parquet files are read by ``sources.parquet`` (row groups -> partitions, column by column) and
``sources.columns`` (a partition's columns -> the engine's raw columns, ACLED normalized
vectorized). Findings, clocks and summaries equal those of ``verification.verify_table`` on the
same incidents (each partition runs it): every finding depends on its own incident only, and
clocks sum per-day counts (``rules.clocks.merge_daily``). Linking records across sources (issue
13) is the one global step: with records of several files the partitions send every record back
and the reduction links them all at once, then merges the findings per event
(``verification.link_findings``, as ``verify_table`` does).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ceasefire.scale.engine import ENGINES, verify_partitioned

__all__ = ["ENGINES", "verify_partitioned"]


def __getattr__(name: str) -> Any:
    """``ENGINES`` and ``verify_partitioned`` from ``scale.engine``, imported on first use: the
    engine needs pyarrow (the ``scale`` extra), and a core install must be able to import
    ``ceasefire.scale``'s other modules (``sources`` looks for Parquet through it) without it (issue 17)."""
    if name in __all__:
        from ceasefire.scale import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
