"""The store contract, run against every backend: migrations, versions, imports, runs, tokens."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from store.storekit import DATA, SYRIA, OpenTarget, agreement_copy

from ceasefire.errors import InputError, UsageError
from ceasefire.ledger import verify_receipt
from ceasefire.service.bundles import load_bundle
from ceasefire.service.workflow import import_events, init_database
from ceasefire.store import StoreError, open_store
from ceasefire.store.migrations import migrations_for
from ceasefire.store.sqlite import SQLiteDatabase
from ceasefire.store.sqlstore import token_hash

EVENTS = DATA / "events"


def test_migrations_from_empty_are_named_ordered_and_recorded(open_target: OpenTarget) -> None:
    store = open_target()
    expected = [
        m.name for m in migrations_for(store.db.dialect) if m.requires is None or store.db.has_extension(m.requires)
    ]
    assert expected[:2] == ["0001_core", "0002_append_only"]
    assert store.migrate() == expected
    assert store.migrate() == []
    assert store.migrations() == expected


def test_postgis_geometry_follows_lon_lat_when_installed(open_target: OpenTarget, tmp_path: Path) -> None:
    store = open_target()
    if not store.db.has_extension("postgis"):
        pytest.skip("PostGIS is installed only in the PostgreSQL test database")
    init_database(store, agreement_copy(tmp_path))
    import_events(store, [EVENTS / "acled_current.csv"])
    x, y = store.db.execute("SELECT ST_X(geom), ST_Y(geom) FROM incidents WHERE incident_id = 'TST1001'")[0]
    assert (x, y) == (36.95, 36.149)


def test_init_stores_a_version_and_a_changed_agreement_adds_one(open_target: OpenTarget, tmp_path: Path) -> None:
    store = open_target()
    first = init_database(store, agreement_copy(tmp_path))
    again = init_database(store, agreement_copy(tmp_path))
    changed = init_database(store, agreement_copy(tmp_path, title="Amended arrangement"))
    assert (first.version.version, first.created) == (1, True)
    assert (again.version.version, again.created) == (1, False)
    assert (changed.version.version, changed.created) == (2, True)
    assert [v.title for v in store.agreement_versions()] == ["Test arrangement with every key", "Amended arrangement"]
    loaded = load_bundle(store.current_agreement().bundle)  # type: ignore[union-attr]
    assert loaded.title == "Amended arrangement" and {z.id for z in loaded.zones} >= {"zone-b", "two-areas"}


def test_another_agreement_id_is_refused(open_target: OpenTarget, tmp_path: Path) -> None:
    store = open_target()
    init_database(store, agreement_copy(tmp_path))
    with pytest.raises(StoreError, match="holds 'test-full'"):
        init_database(store, SYRIA / "agreement.yaml")


def test_findings_keep_the_version_they_were_made_under(open_target: OpenTarget, tmp_path: Path) -> None:
    store = open_target()
    init_database(store, SYRIA / "agreement.yaml")
    first = import_events(store, [SYRIA / "incidents.csv"]).run
    before = store.run_findings(first.id)  # type: ignore[union-attr]
    changed = tmp_path / "agreement.yaml"
    changed.write_text((SYRIA / "agreement.yaml").read_text() + "\n# amended\n")
    init_database(store, changed)
    second = import_events(store, [SYRIA / "incidents.csv"]).run
    assert [(r.agreement_version, r.findings) for r in store.runs()] == [(1, len(before)), (2, len(before))]
    assert first is not None and second is not None and store.run_findings(first.id) == before
    assert before[0].obligation and before[0].explanation


def test_import_is_idempotent_by_content_hash(open_target: OpenTarget, tmp_path: Path) -> None:
    store = open_target()
    init_database(store, agreement_copy(tmp_path))
    copy = tmp_path / "renamed.csv"
    copy.write_bytes((EVENTS / "acled_current.csv").read_bytes())
    done = import_events(store, [EVENTS / "acled_current.csv", EVENTS / "ucdp_ged.csv"])
    size = store.log_size()
    again = import_events(store, [copy, EVENTS / "ucdp_ged.csv"])
    assert [r.new for r in done.imports] == [True, True]
    assert [r.new for r in again.imports] == [False, False]
    assert [r.id for r in again.imports] == [r.id for r in done.imports]
    assert store.log_size() == size and again.run == done.run
    assert len(store.imports()) == 2
    incidents = list(store.incidents())
    assert len(incidents) == sum(r.incidents for r in done.imports)
    assert store.evidence(done.imports[0].sha256) is not None


def test_a_bad_file_stores_nothing(open_target: OpenTarget, tmp_path: Path) -> None:
    store = open_target()
    init_database(store, agreement_copy(tmp_path))
    bad = tmp_path / "bad.csv"
    lines = (EVENTS / "acled_current.csv").read_text().splitlines()
    bad.write_text("\n".join([lines[0], lines[1].replace("2016-09-19", "2016-19-99")]) + "\n")
    size = store.log_size()
    with pytest.raises(InputError, match=r"bad\.csv:2"):
        import_events(store, [EVENTS / "acled_current.csv", bad])
    assert store.log_size() == size and store.imports() == []


def test_stored_incidents_round_trip(open_target: OpenTarget, tmp_path: Path) -> None:
    from ceasefire.sources import BadRows, read_events

    store = open_target()
    init_database(store, agreement_copy(tmp_path))
    import_events(store, [EVENTS / "acled_current.csv", EVENTS / "points.geojson"])
    read = [*read_events(EVENTS / "acled_current.csv", BadRows()), *read_events(EVENTS / "points.geojson", BadRows())]
    assert list(store.incidents()) == read


@pytest.mark.parametrize(
    ("role", "party", "problem"),
    [
        ("party", None, "needs the party"),
        ("party", "nobody", "not a party"),
        ("analyst", "syria-gov", "only role"),
        ("king", None, "not one of"),
    ],
    ids=["party-without-party", "unknown-party", "party-on-analyst", "unknown-role"],
)
def test_bad_tokens_are_refused(
    open_target: OpenTarget, tmp_path: Path, role: str, party: str | None, problem: str
) -> None:
    store = open_target()
    init_database(store, agreement_copy(tmp_path))
    with pytest.raises(UsageError, match=problem):  # a CeasefireError: exit 2 on the CLI, 400 on the API
        store.create_token(role, party, "x")


def test_tokens_are_stored_hashed_and_found(open_target: OpenTarget, tmp_path: Path) -> None:
    store = open_target()
    init_database(store, agreement_copy(tmp_path))
    token, record = store.create_token("party", "syria-gov", "liaison")
    assert (record.role, record.party, record.name) == ("party", "syria-gov", "liaison")
    assert store.find_token(token) == record and store.find_token(token + "x") is None
    stored = store.db.execute("SELECT token_sha256 FROM tokens")
    assert stored == [(token_hash(token),)] and token not in str(store.db.execute("SELECT * FROM log_entries"))


def test_every_write_is_logged_and_receipts_verify(open_target: OpenTarget, tmp_path: Path) -> None:
    store = open_target()
    init_database(store, agreement_copy(tmp_path))
    done = import_events(store, [EVENTS / "acled_current.csv"])
    store.create_token("analyst", None, "a")
    kinds = [store.log_entry(i).split(b'"kind":"')[1].split(b'"')[0].decode() for i in range(store.log_size())]
    assert kinds == ["log_key", "agreement_version", "evidence", "import", "run", "token"]
    public = store.public_key()
    assert public is not None
    receipt = store.receipt(done.imports[0].log_index)
    verify_receipt(receipt, public, store.log_entry(done.imports[0].log_index))
    assert store.verify_log().ok


def test_writes_need_the_right_key(open_target: OpenTarget, tmp_path: Path) -> None:
    store = open_target()
    init_database(store, agreement_copy(tmp_path))
    assert stat.S_IMODE(open_target.key.stat().st_mode) == 0o600
    other = tmp_path / "other.key"
    wrong = open_store(open_target.target, key=other, evidence=open_target.evidence)
    open_target.opened.append(wrong)
    from ceasefire.store.keys import create_key

    create_key(other)
    with pytest.raises(StoreError, match="not the log key"):
        wrong.checkpoint()
    open_target.key.chmod(0o644)
    with pytest.raises(StoreError, match="chmod 600"):
        open_target().checkpoint()


def test_sqlite_is_wal_with_synchronous_full(tmp_path: Path) -> None:
    db = SQLiteDatabase(tmp_path / "cf.db", create=True)
    try:
        assert (db.pragma("journal_mode"), db.pragma("synchronous"), db.pragma("foreign_keys")) == ("wal", 2, 1)
    finally:
        db.close()


def test_a_missing_sqlite_database_is_not_created_by_accident(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="ceasefire init"):
        open_store(tmp_path / "nothing.db")
    assert not (tmp_path / "nothing.db").exists()
