"""What the commands print through: atomic output files and a progress bar for large inputs."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from ceasefire.errors import UsageError

__all__ = ["PROGRESS_THRESHOLD", "emit", "emit_binary", "emit_bytes", "progress_bar"]

PROGRESS_THRESHOLD = 100_000  # rows; smaller inputs finish before a bar would help


def emit(write: Callable[[TextIO], None], out: Path | None) -> None:
    """Write to stdout, or to ``out`` atomically: a temp file beside it, fsynced, then renamed,
    so an error half-way never leaves a half-written file."""
    if out is None:
        write(sys.stdout)
        return
    _atomic(out, lambda fd: _text(fd, write))


def emit_bytes(data: bytes, out: Path | None) -> None:
    """``data`` to stdout's bytes, or to ``out`` atomically as :func:`emit` does."""
    if out is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    _atomic(out, lambda fd: _binary(fd, data))


def emit_binary(write: Callable[[BinaryIO], None], out: Path | None, what: str) -> None:
    """A binary output (``what`` names it) to ``out`` atomically, or to stdout when that is
    not a terminal: a terminal gets a UsageError instead of bytes it would garble."""
    if out is None:
        if sys.stdout.isatty():
            raise UsageError(f"{what} is binary: give --out FILE or redirect stdout to a file or pipe")
        sys.stdout.flush()
        write(sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    _atomic(out, lambda fd: _binary_stream(fd, write))


def _binary_stream(fd: int, write: Callable[[BinaryIO], None]) -> None:
    with os.fdopen(fd, "wb") as fp:
        write(fp)
        fp.flush()
        os.fsync(fp.fileno())


def _text(fd: int, write: Callable[[TextIO], None]) -> None:
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fp:
        write(fp)
        fp.flush()
        os.fsync(fp.fileno())


def _binary(fd: int, data: bytes) -> None:
    with os.fdopen(fd, "wb") as fp:
        fp.write(data)
        fp.flush()
        os.fsync(fp.fileno())


def _atomic(out: Path, fill: Callable[[int], None]) -> None:
    """Fill a temp file beside ``out`` (``fill`` gets its descriptor and closes it), then
    rename it over ``out``; on any error the temp file goes and ``out`` is untouched."""
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent or Path("."))
    try:
        fill(fd)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int], None]]:
    """A callback taking the rows read so far; the bar (on stderr) appears past the threshold."""
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} rows"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task: list[TaskID] = []

    def update(rows: int) -> None:
        if rows < PROGRESS_THRESHOLD:
            return
        if not task:
            progress.start()
            task.append(progress.add_task(label, total=None))
        progress.update(task[0], completed=rows)

    try:
        yield update
    finally:
        if task:
            progress.stop()
