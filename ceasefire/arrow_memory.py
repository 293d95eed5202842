"""Arrow's memory pool for the CLI's columnar work (issue 16).

``ceasefire verify`` reads, checks and writes a million rows as Arrow columns a slice at a time,
allocating and freeing tens of MB per slice. With pyarrow's default pool (mimalloc) much of its
CPU went to the kernel: on the 2-core VM, writing 232,000 findings as JSON took 0.9 s of user
and 1.9 s of system time with mimalloc, 0.9 s and 0.6 s with jemalloc, which keeps freed pages
for the next slice. The bytes written do not depend on the pool.
"""

from __future__ import annotations

import os

__all__ = ["use_jemalloc"]


def use_jemalloc() -> None:
    """Make jemalloc Arrow's default memory pool, unless the user chose one with
    ``ARROW_DEFAULT_MEMORY_POOL`` or this pyarrow has no jemalloc (some wheels are built
    without it) or there is no pyarrow (a core install). Process-wide: for commands, not for
    a library caller's process."""
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    try:
        import pyarrow as pa

        pa.set_memory_pool(pa.jemalloc_memory_pool())
    except (ImportError, NotImplementedError):  # no pyarrow, or built without jemalloc: keep the default
        return
