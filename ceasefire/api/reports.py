"""``/api/v1/reports``: submit, list, read, correct (new versions) and publish reports.

Who may do what (docs/api.md, "Roles"): monitors and parties submit, and correct their own
reports (a party also its party's); analysts publish; every role reads what
:func:`~ceasefire.api.auth.report_scope` lets it see, and a report it may not see is a 404.

Submissions and corrections are written by the app's :class:`~ceasefire.api.writer.ReportWriter`
(group commit: one transaction and one signed checkpoint per batch of concurrent submissions);
the request waits for its batch's commit holding neither a worker thread nor a store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ceasefire.api import auth
from ceasefire.api.auth import Caller, CallerDep, StoreDep, report_scope, require
from ceasefire.api.body import JSONBody
from ceasefire.api.fields import Plain
from ceasefire.api.paging import PageDep, decode_cursor, encode_cursor, sliced
from ceasefire.api.problems import Problem
from ceasefire.api.quotas import check_reports
from ceasefire.api.state import StorePool
from ceasefire.api.warmer import wake
from ceasefire.api.writer import ReportWriter, Written
from ceasefire.ledger import JSONValue, canonical_json
from ceasefire.model import WEAPON_CLASSES
from ceasefire.sources.dates import not_future
from ceasefire.store import SQLStore
from ceasefire.store.protocol import EvidenceRecord, ReportRecord, ReportSubmission
from ceasefire.store.reports import ReportRequest

__all__ = [
    "SUBMITTERS",
    "InFlight",
    "ReportId",
    "ReportIn",
    "SubmitterDep",
    "check_owner",
    "evidence_json",
    "report_json",
    "request_hash",
    "router",
    "submitter",
    "visible",
    "write_version",
]

router = APIRouter(prefix="/reports", tags=["reports"])
SUBMITTERS = ("monitor", "party")
MAX_ID = 2**53  # ids beyond any stored one answer 404, never a database overflow
ReportId = Annotated[int, Path(ge=1, le=MAX_ID, description="The report's id.")]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Retry safely: the same key and body replay the first answer.",
    ),
]


def _weapon(value: str) -> str:
    if value and value not in WEAPON_CLASSES:
        raise ValueError(f"'{value}' is not a weapon class (one of {', '.join(WEAPON_CLASSES)})")
    return value


class SourceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Plain = Field(min_length=1, max_length=300)
    url: Plain = Field(default="", max_length=2000, pattern=r"^(https?://\S+)?$")


EXAMPLE_REPORT: JSONBody = {
    "title": "Shelling of Kafr Hamra",
    "description": "Mortar rounds hit the market.",
    "occurred_on": "2016-09-14",
    "lat": 36.26,
    "lon": 37.08,
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Shelling/artillery/missile attack",
    "actor1": "Military Forces of Syria",
    "actor2": "Civilians (Syria)",
    "weapon": "mortar",
    "fatalities": 2,
    "sources": [{"name": "SOHR", "url": "https://example.org/sohr/1"}],
}
"""A valid report: the OpenAPI example, and the body tests and bench/load.py send."""


def _not_future(day: dt.date) -> dt.date:
    """A submitted report's date, or ``ValueError`` when it is after tomorrow by the current UTC
    date: the API judges a report on the day it arrives (event files carry no such bound)."""
    return not_future(day, dt.datetime.now(dt.UTC).date())


class ReportIn(BaseModel):
    """A report as submitted: one incident, what is known of it, and where that comes from."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_REPORT]})
    title: Plain = Field(min_length=1, max_length=300)
    description: Plain = Field(default="", max_length=20_000)
    occurred_on: Annotated[dt.date, AfterValidator(_not_future)]
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    event_type: Plain = Field(min_length=1, max_length=100, description="ACLED's event types.")
    sub_event_type: Plain = Field(default="", max_length=100)
    actor1: Plain = Field(default="", max_length=300)
    actor2: Plain = Field(default="", max_length=300)
    weapon: Annotated[str, AfterValidator(_weapon)] = Field(
        default="", json_schema_extra={"enum": ["", *WEAPON_CLASSES]}, description="A weapon class, or empty."
    )
    fatalities: int = Field(default=0, ge=0, le=1_000_000)
    sources: list[SourceIn] = Field(default_factory=list, max_length=50)
    client_hash: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{64}$",
        description="SHA-256 (hex) of attached evidence, as the client computed it.",
    )

    def submission(self) -> ReportSubmission:
        fields = self.model_dump(exclude={"sources", "occurred_on"})
        sources = tuple((s.name, s.url) for s in self.sources)
        return ReportSubmission(**fields, occurred_on=self.occurred_on.isoformat(), sources=sources)


class InFlight:
    """Idempotency keys whose first request is still being answered (a second one gets 409)."""

    def __init__(self) -> None:
        self._keys: set[tuple[int, str]] = set()
        self._lock = threading.Lock()

    @contextmanager
    def hold(self, token_id: int, key: str | None) -> Iterator[None]:
        if key is None:
            yield
            return
        with self._lock:
            if (token_id, key) in self._keys:
                raise Problem(
                    409, f"a request with Idempotency-Key {key!r} is still in flight; retry when it is answered"
                )
            self._keys.add((token_id, key))
        try:
            yield
        finally:
            with self._lock:
                self._keys.discard((token_id, key))


async def submitter(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(auth._bearer)],
) -> Caller:
    """The caller of a submission (as ``CallerDep``: 401, 429; and 429 past the daily report
    quota, ``api/quotas.py``), with a store borrowed only for the
    token check: a submission then waits for its batch holding no store (``writer.py``).

    On SQLite the check runs in the event loop: one indexed read of the local file (about 10 µs;
    WAL readers never wait for the writer) costs less than handing it to a worker thread, which
    under load was about 7 % of the server's CPU. PostgreSQL's round trip goes to a thread.
    """
    pool: StorePool = request.app.state.pool
    async with pool.borrow() as db:
        if db.db.dialect == "sqlite":
            return _checked(request, db, credentials)
        return await anyio.to_thread.run_sync(_checked, request, db, credentials)


def _checked(request: Request, db: SQLStore, credentials: HTTPAuthorizationCredentials | None) -> Caller:
    """The caller (401, 429 on its rate), 429 when it or its party wrote today's quota of reports."""
    who = auth.caller(request, db, credentials)
    check_reports(db, who, request.app.state.settings)
    return who


SubmitterDep = Annotated[Caller, Depends(submitter)]


async def write_version(
    request: Request, who: Caller, body: ReportIn, key: str | None, report_id: int | None, path: str
) -> Response:
    """Hand a validated submission to the app's writer and answer 201 once its batch committed
    (409 while a request with the same Idempotency-Key is in flight); ``report_id`` None: a new
    report; ``path``: the request's (``request.url.path``, which the key's ``request_hash``
    covers). The route and its fast path (``api/fastsubmit.py``) both answer with this."""
    idempotency = None if key is None else (key, request_hash(request.method, path, body))
    in_flight: InFlight = request.app.state.in_flight
    writer: ReportWriter = request.app.state.writer
    with in_flight.hold(who.token_id, key):
        written = await writer.submit(ReportRequest(who.submitter, body.submission(), report_id, idempotency))
    done = written.submitted
    headers = {"Location": f"/api/v1/reports/{done.report_id}"}
    if done.replayed:
        headers["Idempotent-Replayed"] = "true"
    return Response(_submitted(written), status_code=201, headers=headers, media_type="application/json")


def request_hash(method: str, path: str, body: ReportIn) -> str:
    """SHA-256 (hex) of what a submission sends: an idempotency key replays the first answer
    only to the same method, path and body."""
    document: Mapping[str, JSONValue] = {"method": method, "path": path, "body": body.model_dump(mode="json")}
    return hashlib.sha256(_canonical(document)).hexdigest()


def _canonical(document: Mapping[str, JSONValue]) -> bytes:
    """``canonical_json(document)`` for a pydantic ``model_dump(mode="json")`` (plain JSON values,
    string keys), the same bytes without re-checking every value; odd text falls back to it."""
    try:
        text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        return text.encode("utf-8")
    except (UnicodeEncodeError, ValueError):
        return canonical_json(document)  # raises the ledger's one-line error (a 400)


def _submitted(written: Written) -> bytes:
    """``{"id", "version", "log_index", "receipt", "entry"}``, the receipt's JSON spliced as is."""
    done, entry = written.submitted, json.dumps(written.entry.decode("utf-8"), ensure_ascii=False)
    text = f'{{"id":{done.report_id},"version":{done.version},"log_index":{done.log_index},"receipt":{written.receipt_json},"entry":{entry}}}'
    return text.encode("utf-8")


@router.post("", status_code=201, summary="Submit a report (monitor, party)")
async def submit(request: Request, who: SubmitterDep, body: ReportIn, key: IdempotencyKey = None) -> Response:
    """Store a new report; 201 with its id, log index, the log entry and a receipt
    (a signed checkpoint and an inclusion proof) the submitter can verify alone."""
    require(who, *SUBMITTERS)
    return await write_version(request, who, body, key, None, request.url.path)


@router.post("/{report_id}/versions", status_code=201, summary="Correct a report: a new version")
async def add_version(
    request: Request,
    who: SubmitterDep,
    report_id: ReportId,
    body: ReportIn,
    key: IdempotencyKey = None,
) -> Response:
    """A correction is the report's next version; earlier versions stay as they were."""
    require(who, *SUBMITTERS)
    pool: StorePool = request.app.state.pool
    async with pool.borrow() as db:
        record = await anyio.to_thread.run_sync(visible, db, who, report_id)
    check_owner(who, record)
    return await write_version(request, who, body, key, report_id, request.url.path)


@router.get("", summary="The reports this token may see, a page at a time")
def list_reports(
    db: StoreDep,
    who: CallerDep,
    page: PageDep,
    offset: Annotated[
        int, Query(ge=0, le=MAX_ID, description="Rows to skip on the first page (kept for old clients; use `cursor`).")
    ] = 0,
) -> JSONBody:
    """The latest version of each report visible to the caller, by id, a page at a time
    (``api/paging.py``): ``{"items", "total", "limit", "offset", "next"}``."""
    after = decode_cursor(page.cursor, "reports", (int,))
    if after is not None and offset:
        raise Problem(
            400,
            "offset: not with a cursor; a cursor already says where the page starts",
            errors=[{"field": "offset", "in": "query", "message": "not with a cursor"}],
        )
    start = None if after is None else int(after[0])
    records, total = db.reports(report_scope(who), limit=page.limit + 1, offset=offset, after=start)
    shown, more = sliced(records, page.limit)
    return {
        "items": [report_json(r) for r in shown],
        "total": total,
        "limit": page.limit,
        "offset": offset,
        "next": encode_cursor("reports", (shown[-1].id,)) if more else None,
    }


@router.get("/{report_id}", summary="One report (404 when not yours to see)")
def get_report(db: StoreDep, who: CallerDep, report_id: ReportId) -> JSONBody:
    """The latest version, and the evidence files attached to the report."""
    record = visible(db, who, report_id)
    return {**report_json(record), "evidence": [evidence_json(e) for e in db.report_evidence(record.id)]}


@router.post("/{report_id}/publish", summary="Publish a report (analyst)")
def publish(request: Request, db: StoreDep, who: CallerDep, report_id: ReportId) -> JSONBody:
    """Make the report visible to every role; publishing again changes nothing."""
    require(who, "analyst")
    visible(db, who, report_id)
    index, new = db.publish_report(who.submitter, report_id)
    if new:
        wake(request.app)  # the public's views of the run now show the report's findings
    return {"id": report_id, "published": True, "log_index": index, "new": new}


def visible(db: SQLStore, who: Caller, report_id: int) -> ReportRecord:
    """The report, or 404 when it is absent or not ``who``'s to see (the same answer)."""
    record = db.report(report_scope(who), report_id)
    if record is None:
        raise Problem(404, f"report {report_id}: no such report")
    return record


def check_owner(who: Caller, record: ReportRecord) -> None:
    """403 unless ``who`` submitted the report (a party token: or its party did)."""
    if record.owner.token_id == who.token_id or (who.role == "party" and record.owner.party == who.party):
        return
    raise Problem(
        403, f"report {record.id} was submitted by someone else; only its submitter (or its party) may change it"
    )


def report_json(record: ReportRecord) -> JSONBody:
    """A report as the API shows it: the latest version's fields and who stands behind it."""
    return {
        "id": record.id,
        "version": record.version,
        **_submission_json(record.submission),
        "submitted_by": {"role": record.owner.role, "party": record.owner.party},
        "published": record.published,
        "created_at": record.created_at,
        "log_index": record.log_index,
    }


def _submission_json(submission: ReportSubmission) -> JSONBody:
    """A version's fields, in the order ``ReportSubmission`` declares them (``client_hash`` last)."""
    return {
        "title": submission.title,
        "description": submission.description,
        "occurred_on": submission.occurred_on,
        "lat": submission.lat,
        "lon": submission.lon,
        "event_type": submission.event_type,
        "sub_event_type": submission.sub_event_type,
        "actor1": submission.actor1,
        "actor2": submission.actor2,
        "weapon": submission.weapon,
        "fatalities": submission.fatalities,
        "sources": [{"name": n, "url": u} for n, u in submission.sources],
        "client_hash": submission.client_hash,
    }


def evidence_json(evidence: EvidenceRecord) -> JSONBody:
    """An evidence file attached to a report, as the API shows it."""
    return {"sha256": evidence.sha256, "size": evidence.size, "name": evidence.name, "media_type": evidence.media_type}
