"""Append-only below the application: raw SQL UPDATE/DELETE fail on both backends."""

from __future__ import annotations

import sqlite3

import pytest
from store.storekit import SYRIA, OpenTarget

from ceasefire.model import NewsClaim
from ceasefire.service.workflow import import_events, init_database
from ceasefire.store.protocol import (
    Assessment,
    Grade,
    InformationRequest,
    PartyResponse,
    ReportSubmission,
    Submitter,
)

# (table, a column to change): every table that holds submitted data or the log.
TABLES = [
    ("log_entries", "entry"),
    ("checkpoints", "signature"),
    ("log_keys", "public_key"),
    ("agreement_versions", "title"),
    ("evidence", "name"),
    ("imports", "name"),
    ("incidents", "actor1"),
    ("runs", "summary"),
    ("findings", "status"),
    ("finding_rows", "status"),
    ("run_days", "day"),
    ("finding_incidents", "incident_id"),
    ("finding_counts", "status"),
    ("incident_counts", "status"),
    ("tokens", "role"),
    ("report_versions", "title"),
    ("report_publications", "created_at"),
    ("idempotency_keys", "receipt"),
    ("news_imports", "name"),
    ("claims", "quote"),
    ("cases", "title"),
    ("case_requests", "question"),
    ("case_responses", "response"),
    ("case_assessments", "reasoning"),
    ("token_revocations", "created_at"),
    ("sessions", "expires_at"),
    ("session_ends", "created_at"),
    ("link_decisions", "reason"),
]


@pytest.fixture
def filled(open_target: OpenTarget) -> OpenTarget:
    store = open_target()
    init_database(store, SYRIA / "agreement.yaml")
    import_events(store, [SYRIA / "incidents.csv"])
    _, analyst = store.create_token("analyst", None, "a")
    _, monitor = store.create_token("monitor", None, "m")
    submission = ReportSubmission("t", "", "2016-09-14", 36.2, 37.1, "Battles", "", "", "", "", 0, ())
    done = store.submit_report(Submitter(monitor.id, "monitor"), submission, idempotency=("key", "sha"))
    store.publish_report(Submitter(analyst.id, "analyst"), done.report_id)
    (open_target.tmp_path / "news.txt").write_text("MOSCOW (TASS) - Nothing was said.", encoding="utf-8")
    claim = NewsClaim("news.txt", "Lavrov", "russia", "Tass", "denial", ("russia",), None, "airspace", "q", 0)
    store.add_news(open_target.tmp_path / "news.txt", None, 1, [claim])
    _, liaison = store.create_token("party", "syria-gov", "l")
    case = store.open_case(Submitter(analyst.id, "analyst"), "t", "", [done.report_id])
    store.add_case_step(Submitter(analyst.id, "analyst"), case.id, InformationRequest("syria-gov", "q", "2016-10-01"))
    store.add_case_step(Submitter(liaison.id, "party", "syria-gov"), case.id, PartyResponse(None, "r"))
    store.add_case_step(
        Submitter(analyst.id, "analyst"), case.id, Assessment("inconclusive", "", (Grade("s", "F", 6),))
    )
    _, gone = store.create_token("observer", None, "o")
    store.revoke_token(gone.id, None)
    store.end_session(store.create_session(analyst.id))
    store.add_link_decision(Submitter(analyst.id, "analyst"), f"report-{done.report_id}", "SYR-ILL-0041", "split", "r")
    store.close()
    return open_target


def _raw(target: OpenTarget, sql: str) -> None:
    """Run one statement on a plain driver connection, as a person with the database would."""
    if target.postgres:
        import psycopg

        with psycopg.connect(target.target, autocommit=True) as conn:
            conn.execute(sql)
    else:
        with sqlite3.connect(target.target) as conn:
            conn.execute(sql)


def _refused() -> tuple[type[BaseException], ...]:
    import psycopg

    return (sqlite3.IntegrityError, psycopg.errors.RestrictViolation)


@pytest.mark.parametrize(("table", "column"), TABLES, ids=[t for t, _ in TABLES])
def test_raw_update_and_delete_fail(filled: OpenTarget, table: str, column: str) -> None:
    if table == "findings":  # runs since 0019 write finding_rows: no row here for a trigger to refuse
        pytest.skip("findings holds only runs written before 0019 (issue 14)")
    with pytest.raises(_refused(), match="append-only"):
        _raw(filled, f"UPDATE {table} SET {column} = 'x'")
    with pytest.raises(_refused(), match="append-only"):
        _raw(filled, f"DELETE FROM {table}")
    assert filled().verify_log().ok


def test_postgres_truncate_fails(filled: OpenTarget) -> None:
    if not filled.postgres:
        pytest.skip("TRUNCATE is a PostgreSQL statement")
    with pytest.raises(_refused(), match="append-only"):
        _raw(filled, "TRUNCATE log_entries CASCADE")


def test_postgres_app_role_may_insert_but_never_update_or_delete(filled: OpenTarget) -> None:
    """Where the server's role is not the owner, REVOKE holds even without the triggers."""
    if not filled.postgres:
        pytest.skip("roles are a PostgreSQL feature")
    import psycopg

    from ceasefire.store.postgres import PostgresDatabase, grant_app_role

    db = PostgresDatabase(filled.target)
    try:
        grant_app_role(db, "ceasefire_app")
    finally:
        db.close()
    with psycopg.connect(filled.target) as conn:
        conn.execute("SET ROLE ceasefire_app")
        assert conn.execute("SELECT COUNT(*) FROM log_entries").fetchone()[0] > 0
        for statement in ("UPDATE incidents SET actor1 = 'x'", "DELETE FROM log_entries"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
            conn.rollback()
            conn.execute("SET ROLE ceasefire_app")
