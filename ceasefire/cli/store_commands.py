"""The store's commands: ``init``, ``import``, ``token create``/``revoke``, ``log verify``, ``log checkpoint``.

Importing this module is cheap: the store, the readers and the database drivers load when a
command runs. ``--db`` takes a SQLite file path or a ``postgresql://`` URL everywhere. Exit codes:
0 done; 1 ``log verify`` found the log or the data altered; 2 bad input (one line).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ceasefire.cli.options import AgreementFile, Db, Evidence, Key, Sheet, TextEncoding
from ceasefire.errors import UsageError
from ceasefire.extras import require_extra

if TYPE_CHECKING:
    from ceasefire.store.sqlstore import SQLStore

__all__ = ["import_events", "init", "log_app", "token_app"]

Format = Annotated[str, typer.Option("--format", help="text | json")]

token_app = typer.Typer(
    name="token", help="Access tokens. Example: ceasefire token create --db cf.db --role analyst", no_args_is_help=True
)
log_app = typer.Typer(
    name="log", help="The tamper-evident log. Example: ceasefire log verify --db cf.db", no_args_is_help=True
)


@contextmanager
def _store(db: str, key: Path | None, evidence: Path | None, *, create: bool = False) -> Iterator[SQLStore]:
    """The opened store, closed on leaving; one that holds no ceasefire database is a StoreError
    unless ``create``."""
    from ceasefire.store import StoreError, open_store

    store = open_store(db, key=key, evidence=evidence, create=create)
    try:
        if not create:
            if not store.migrations():
                raise StoreError(f"{store.url}: not a ceasefire database; create it with `ceasefire init`")
            store.migrate()  # as `serve` does: the commands read and write the current schema
        yield store
    finally:
        store.close()


def _check_format(fmt: str) -> None:
    if fmt not in ("text", "json"):
        raise UsageError(f"--format: '{fmt}' is not one of text, json")


def _print_json(data: dict[str, Any]) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False))


def init(
    agreement: AgreementFile,
    db: Db,
    key: Key = None,
    evidence: Evidence = None,
    fmt: Format = "text",
) -> None:
    """Create a database holding the agreement; with a changed agreement, add a version.

    Example: ceasefire init --db syria.db examples/syria-2016-09/agreement.yaml

    Exit codes: 0 done (also when the agreement is unchanged); 2 bad input.
    """
    from ceasefire.service.workflow import init_database

    with _store(db, key, evidence, create=True) as store:
        _check_format(fmt)
        done = init_database(store, agreement)
        v = done.version
        if fmt == "json":
            _print_json(
                {
                    "agreement": v.agreement_id,
                    "version": v.version,
                    "sha256": v.sha256,
                    "created": done.created,
                    "migrations": done.migrations,
                    "log_index": v.log_index,
                    "checkpoint": done.checkpoint.to_dict(),
                }
            )
            return
        state = "stored" if done.created else "unchanged, still"
        typer.echo(
            f"{store.url}: agreement {v.agreement_id} {state} version {v.version} "
            f"(log: {done.checkpoint.size} entries, key {done.checkpoint.key_id})"
        )


def import_events(
    db: Db,
    events: Annotated[
        list[Path] | None,
        typer.Argument(help="Event files: ACLED/UCDP CSV, GDELT TSV, GeoJSON, news text (.txt, .html)."),
    ] = None,
    news: Annotated[
        list[Path] | None,
        typer.Option("--news", help="A news article (text or HTML) whose claims to store; repeatable."),
    ] = None,
    key: Key = None,
    evidence: Evidence = None,
    fmt: Format = "text",
    encoding: TextEncoding = None,
    sheet: Sheet = None,
) -> None:
    """Import event files (same readers as verify), then re-verify everything stored; with
    --news, store the claims of news articles (extracted with the current agreement version).

    Files already imported (same SHA-256) are skipped. Every file is read before anything is
    stored: a bad row stores nothing.

    Example: ceasefire import --db syria.db examples/syria-2016-09/incidents.csv --news article.txt

    Exit codes: 0 done; 2 bad input (one line naming file, line or field).
    """
    with _store(db, key, evidence) as store:
        _check_format(fmt)
        if not events and not news:
            raise UsageError("give event files to import, or --news TEXT_FILE, or both")
        if news:  # before any import: a missing model must not leave the events half-stored
            require_extra("news", needed_for="ceasefire import --news")
        out = _import_events(store, events or [], fmt, encoding, sheet) if events else {}
        if news:
            out["news"] = _import_news(store, news, fmt)
        if fmt == "json":
            _print_json(out)


def _import_events(
    store: SQLStore, events: list[Path], fmt: str, encoding: str | None, sheet: str | None
) -> dict[str, Any]:
    from ceasefire.service.workflow import import_events as run_import

    done = run_import(store, events, encoding=encoding, sheet=sheet)
    assert done.run is not None and done.checkpoint is not None
    if fmt == "text":
        for record in done.imports:
            what = f"{record.incidents} incidents" if record.new else "already imported"
            typer.echo(f"{record.name}: {what} (import {record.id}, sha256 {record.sha256[:12]})")
        run = done.run
        typer.echo(
            f"run {run.id}: {run.findings} findings from {run.incidents} incidents under "
            f"{run.agreement_id} version {run.agreement_version}"
        )
    return {
        "imports": [{**r.__dict__} for r in done.imports],
        "run": done.run.__dict__,
        "checkpoint": done.checkpoint.to_dict(),
    }


def _import_news(store: SQLStore, news: list[Path], fmt: str) -> list[dict[str, Any]]:
    from ceasefire.service.workflow import import_news

    done = import_news(store, news)
    if fmt == "text":
        for record in done:
            what = f"{record.claims} claims" if record.new else "already imported"
            typer.echo(f"{record.name}: {what} (news import {record.id}, sha256 {record.sha256[:12]})")
    return [{**r.__dict__} for r in done]


@token_app.command("create")
def token_create(
    db: Db,
    role: Annotated[str, typer.Option("--role", help="admin | analyst | monitor | party | observer")],
    party: Annotated[str | None, typer.Option("--party", help="The party a 'party' token speaks for.")] = None,
    name: Annotated[str, typer.Option("--name", help="Who holds it (a label).")] = "",
    expires: Annotated[
        str | None,
        typer.Option("--expires", help="When it stops working: a number of days (30d) or an ISO date (default 90d)."),
    ] = None,
    key: Key = None,
) -> None:
    """Create an access token and print it alone on stdout (only its SHA-256 is stored).

    Example: ceasefire token create --db syria.db --role party --party syria-gov --name "liaison" --expires 30d

    Exit codes: 0 done; 2 bad input (unknown role, missing or unknown party, bad --expires).
    """
    expires_at = _expiry(expires) if expires is not None else None
    with _store(db, key, None) as store:
        store.ensure_log_key(create=False)
        token, _ = store.create_token(role, party, name, expires_at=expires_at)
        store.checkpoint()
        typer.echo(token)


@token_app.command("revoke")
def token_revoke(
    db: Db,
    token_id: Annotated[int, typer.Argument(metavar="ID", help="The token's id (see `GET /api/v1/tokens`).")],
    key: Key = None,
    fmt: Format = "text",
) -> None:
    """Revoke a token: from now on it answers 401 everywhere (an appended, logged row).

    Example: ceasefire token revoke --db syria.db 7

    Exit codes: 0 revoked (or revoked before); 2 bad input (no such token).
    """
    _check_format(fmt)
    with _store(db, key, None) as store:
        store.ensure_log_key(create=False)
        index, new = store.revoke_token(token_id, None)
        receipt = store.receipt(index)
    if fmt == "json":
        _print_json({"token_id": token_id, "log_index": index, "new": new, "receipt": json.loads(receipt.to_json())})
    else:
        typer.echo(f"token {token_id}: {'revoked' if new else 'already revoked'} (log entry {index})")


def _expiry(text: str) -> str:
    """``--expires``: ``N`` days (``30d``) from now, or an ISO date or date-time (UTC unless
    it names a zone), as a stored stamp."""
    import datetime as dt

    from ceasefire.store.tokens import stamp

    value = text.strip()
    try:
        if value.lower().endswith("d") and value[:-1].isdigit():
            return stamp(dt.datetime.now(dt.UTC) + dt.timedelta(days=int(value[:-1])))
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--expires: '{text}' is neither a number of days (30d) nor an ISO date") from None
    return stamp(moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC))


@log_app.command("verify")
def log_verify(db: Db, key: Key = None, evidence: Evidence = None, fmt: Format = "text") -> None:
    """Recompute the log from the stored rows; exit 1 naming the first bad entry.

    Example: ceasefire log verify --db syria.db

    Exit codes: 0 the log and the stored data are intact; 1 they are not; 2 bad input.
    """
    with _store(db, key, evidence) as store:
        _check_format(fmt)
        report = store.verify_log()
    first = report.first()
    if fmt == "json":
        _print_json(
            {
                "ok": report.ok,
                "size": report.size,
                "root_hash": report.root_hash,
                "checkpoints": report.checkpoints,
                "evidence_files": report.evidence_files,
                "key_id": report.key_id,
                "first_problem": str(first) if first else None,
                "problems": [str(p) for p in report.problems],
            }
        )
    elif first is None:
        typer.echo(
            f"ok: {report.size} entries, root {report.root_hash}, {report.checkpoints} checkpoints, "
            f"{report.evidence_files} evidence files, key {report.key_id}"
        )
    else:
        typer.echo(f"FAILED: {first}")
        for problem in [p for p in report.problems if p is not first][:20]:
            typer.echo(f"  also: {problem}")
    if first is not None:
        raise typer.Exit(1)


@log_app.command("checkpoint")
def log_checkpoint(db: Db, key: Key = None) -> None:
    """Sign the log as it is now, store the checkpoint and print it as JSON.

    Example: ceasefire log checkpoint --db syria.db

    Exit codes: 0 done; 2 bad input (no database, wrong or missing key).
    """
    with _store(db, key, None) as store:
        _print_json(store.checkpoint().to_dict())
