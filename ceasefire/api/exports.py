"""``/export/``: the findings of the run the viewer may read, for other tools, at the site's root
(not under ``/api/v1``): ``GET /export/findings.csv`` (ACLED column names, then the finding's),
``/export/findings.hxl.csv`` (the same with HXL hashtags on the second row),
``/export/findings.geojson`` (RFC 7946) and ``/export/findings.parquet`` (the CSV's columns,
typed). Rows and features are ``ceasefire.exports``'s, as ``ceasefire verify --format
csv|hxl|geojson`` writes them.

Public, like ``/api/v1/findings``, with its filters (``from``, ``to``, ``party``, ``obligation``,
``status``). Every export is streamed (issue 14): the findings are read from the database a
chunk at a time (``CHUNK`` rows, keyed by their place in the run, the findings of the viewer's hidden
reports left out in Arrow) as Arrow tables with no Python object per value (``store.export_reads.export_chunk``), each
chunk turned into text (or a Parquet row group) by Arrow's kernels (``ceasefire.export_chunks``)
and the next chunk read, by one worker thread, while the piece before is written out. Each read
borrows a store for that read alone, so an answer streaming to a slow client holds no connection.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any

import anyio
import anyio.to_thread
import pyarrow as pa
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from ceasefire import export_chunks, exports
from ceasefire.api.auth import StoreDep, ViewerDep
from ceasefire.api.body import JSONBody
from ceasefire.api.findings import Status, hidden_reports, visible_run
from ceasefire.api.state import StorePool
from ceasefire.store import SQLStore
from ceasefire.store.export_reads import ExportChunk
from ceasefire.store.pages import FindingFilter
from ceasefire.store.protocol import RunRecord

__all__ = ["router"]

router = APIRouter(prefix="/export", tags=["exports"])
_CSV: dict[int | str, JSONBody] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "CSV, UTF-8."}
}
_GEOJSON: dict[int | str, JSONBody] = {
    200: {
        "content": {"application/geo+json": {"schema": {"type": "object"}}},
        "description": "An RFC 7946 FeatureCollection, one Point feature per finding.",
    }
}

PARQUET_TYPE = "application/vnd.apache.parquet"  # registered with IANA (2024)
_PARQUET: dict[int | str, JSONBody] = {
    200: {
        "content": {PARQUET_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        "description": "An Apache Parquet file (zstd), one row group per chunk of findings.",
    }
}

DateFrom = Annotated[dt.date | None, Query(alias="from", description="First date (YYYY-MM-DD).")]
DateTo = Annotated[dt.date | None, Query(alias="to", description="Last date (YYYY-MM-DD).")]
Party = Annotated[str | None, Query(max_length=200, description="A party among the finding's parties.")]
Obligation = Annotated[str | None, Query(max_length=200)]


CHUNK = 20_000  # findings read per query: memory stays flat whatever the run's size (issue 14)


@dataclass(frozen=True)
class _Export:
    """What one export reads: the run the viewer reads (None: none) and the filters, with the
    reports the viewer may not see (their findings are left out in Arrow, ``export_chunk``)."""

    run: RunRecord | None
    where: FindingFilter


def _export(
    db: StoreDep,
    who: ViewerDep,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    party: Party = None,
    obligation: Obligation = None,
    status: Status | None = None,
) -> _Export:
    """The export a request asks for (a dependency of every format's endpoint: one list of filters)."""
    run = visible_run(db, who)
    hidden = hidden_reports(db, who, run) if run is not None else frozenset()
    return _Export(run, FindingFilter(date_from, date_to, party, obligation, status, hidden))


ExportDep = Annotated[_Export, Depends(_export)]


def _read(db: SQLStore, export: _Export, after: int | None, incidents: bool) -> ExportChunk:
    """The next chunk after the finding at position ``after`` (None: the first chunk), as Arrow."""
    assert export.run is not None
    return db.export_chunk(export.run, export.where, after, CHUNK, incidents=incidents)


async def _borrowed_read(pool: StorePool, export: _Export, after: int | None, incidents: bool) -> ExportChunk:
    async with pool.borrow() as db:
        return await anyio.to_thread.run_sync(_read, db, export, after, incidents)


_Step = tuple[bytes, ExportChunk | None]  # a chunk's piece, and the chunk after it (None: no more)


async def _pieces(
    request: Request, export: _Export, turn: Callable[[pa.Table], bytes], *, incidents: bool
) -> AsyncIterator[bytes]:
    """``turn`` of each chunk of the export's findings (``store.export_reads.export_chunk``), in the
    run's order. Each chunk is read with a store borrowed for that read alone (the answer may
    stream slower than the reads). The piece of chunk k is written to the socket (here, in the
    event loop) while a worker thread turns chunk k+1 into bytes and reads chunk k+2
    (``_ahead``): written after them, the socket's part (a third of a CSV export's CPU) left a
    core idle (issue 14). A chunk without findings (every one hidden) gives no piece."""
    if export.run is None:
        return
    pool: StorePool = request.app.state.pool
    first = await _borrowed_read(pool, export, None, incidents)
    step = _ahead(_turn_and_read(pool, export, (turn, first.table), first.after, incidents))
    try:
        while True:
            data, chunk = await step
            if chunk is not None:
                step = _ahead(_turn_and_read(pool, export, (turn, chunk.table), chunk.after, incidents))
            if data:
                yield data
            if chunk is None:
                return
    finally:
        step.cancel()  # a client gone: the work ahead stops at its next await (a read returns its store)


def _ahead(work: Coroutine[Any, Any, _Step]) -> asyncio.Task[_Step]:
    """``work`` started now, not awaited: it runs while the caller writes the piece before it.
    A task rather than a task group, which may not span the generator's ``yield``."""
    task = asyncio.ensure_future(work)
    task.add_done_callback(lambda done: done.cancelled() or done.exception())  # its error is the awaiter's
    return task


async def _turn_and_read(
    pool: StorePool,
    export: _Export,
    work: tuple[Callable[[pa.Table], bytes], pa.Table],
    after: int | None,
    incidents: bool,
) -> _Step:
    """(``turn(chunk)``, the chunk after position ``after``: None when ``after`` is), one after the
    other in one worker thread while the event loop writes the piece before. Two threads, one
    turning and one reading, fought over the GIL (Arrow's kernels and the ADBC driver give it up
    and take it back many times a chunk): at 1M, the CSV export took 8.8 s where one thread doing
    both took 7.7 s (issue 14), and one thread hop a chunk instead of two."""
    turn, chunk = work
    if after is None:
        return await anyio.to_thread.run_sync(_turned, turn, chunk), None
    async with pool.borrow() as db:
        return await anyio.to_thread.run_sync(_turned_and_read, db, export, work, after, incidents)


def _turned(turn: Callable[[pa.Table], bytes], chunk: pa.Table) -> bytes:
    """``turn(chunk)``; a chunk whose findings are all hidden turns into nothing (no empty row group)."""
    return turn(chunk) if chunk.num_rows else b""


def _turned_and_read(
    db: SQLStore, export: _Export, work: tuple[Callable[[pa.Table], bytes], pa.Table], after: int, incidents: bool
) -> _Step:
    return _turned(*work), _read(db, export, after, incidents)


async def _csv_bytes(request: Request, export: _Export, *, hxl: bool) -> AsyncIterator[bytes]:
    """The CSV of ``exports.csv_lines``: its header, then a chunk of lines per piece."""
    yield "".join(exports.csv_lines((), hxl=hxl)).encode("utf-8")
    async for piece in _pieces(request, export, export_chunks.csv_lines, incidents=True):
        yield piece


async def _geojson_bytes(request: Request, export: _Export) -> AsyncIterator[bytes]:
    """``exports.feature_collection`` as ``JSONResponse`` renders it, a chunk of features at a time."""
    agreement = export.run.agreement_id if export.run is not None else None
    yield ('{"type":"FeatureCollection","agreement":' + _json(agreement) + ',"features":[').encode("utf-8")
    first = True
    async for text in _pieces(request, export, export_chunks.features, incidents=False):
        yield text if first else b"," + text
        first = False
    yield b"]}"


async def _parquet_bytes(request: Request, export: _Export) -> AsyncIterator[bytes]:
    """A Parquet file of ``export_chunks.PARQUET_SCHEMA``, a row group per ``CHUNK`` findings, streamed."""
    stream = export_chunks.ParquetStream(CHUNK)  # row groups of CHUNK findings, as many as a chunk read
    async for data in _pieces(request, export, stream.write, incidents=True):
        if data:
            yield data
    yield stream.close()


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":"))


def _csv(request: Request, export: _Export, *, hxl: bool, name: str) -> StreamingResponse:
    return StreamingResponse(
        _csv_bytes(request, export, hxl=hxl),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _name(export: _Export) -> str:
    return export.run.agreement_id if export.run is not None else "ceasefire"


@router.get(
    "/findings.csv",
    response_class=StreamingResponse,
    responses=_CSV,
    summary="Findings as CSV: ACLED column names, then the finding's columns",
)
def findings_csv(request: Request, export: ExportDep) -> StreamingResponse:
    return _csv(request, export, hxl=False, name=f"{_name(export)}-findings.csv")


@router.get(
    "/findings.hxl.csv",
    response_class=StreamingResponse,
    responses=_CSV,
    summary="Findings as HXL-tagged CSV: the CSV with HXL hashtags on its second row",
)
def findings_hxl(request: Request, export: ExportDep) -> StreamingResponse:
    return _csv(request, export, hxl=True, name=f"{_name(export)}-findings.hxl.csv")


@router.get(
    "/findings.geojson",
    response_class=StreamingResponse,
    responses=_GEOJSON,
    summary="Findings as GeoJSON (RFC 7946): one Point feature per finding",
)
def findings_geojson(request: Request, export: ExportDep) -> StreamingResponse:
    return StreamingResponse(_geojson_bytes(request, export), media_type="application/geo+json")


@router.get(
    "/findings.parquet",
    response_class=StreamingResponse,
    responses=_PARQUET,
    summary="Findings as Parquet: the CSV's columns, typed (dates, numbers, a list of parties)",
)
def findings_parquet(request: Request, export: ExportDep) -> StreamingResponse:
    return StreamingResponse(
        _parquet_bytes(request, export),
        media_type=PARQUET_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{_name(export)}-findings.parquet"'},
    )
