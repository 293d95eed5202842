-- 0001_core: every table of a ceasefire database (issue 3), shared by SQLite and PostgreSQL.
--
-- Portable types only: TEXT, BIGINT, DOUBLE PRECISION. Hashes are lowercase hex, signatures and
-- keys standard base64, times ISO 8601 UTC text, so both backends store the same values and a
-- row hashes the same wherever it lives. Ids are given by the application under the write lock.
-- Data rows point at the log entry that records them (log_index); that foreign key is deferred
-- because the entry is written last, in the same transaction, from the rows as stored.

CREATE TABLE log_entries (
    idx BIGINT PRIMARY KEY,              -- 0-based position in the Merkle tree
    entry TEXT NOT NULL,                 -- canonical JSON (ceasefire.ledger.canonical_json)
    leaf_hash TEXT NOT NULL              -- SHA-256(0x00 || entry), hex
);

CREATE TABLE checkpoints (
    id BIGINT PRIMARY KEY,
    origin TEXT NOT NULL,
    size BIGINT NOT NULL,
    root_hash TEXT NOT NULL,
    timestamp BIGINT NOT NULL,
    key_id TEXT NOT NULL,
    signature TEXT NOT NULL
);

CREATE TABLE log_keys (
    key_id TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    origin TEXT NOT NULL,
    created_at TEXT NOT NULL,
    log_index BIGINT NOT NULL UNIQUE
        REFERENCES log_entries (idx) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE agreement_versions (
    agreement_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    sha256 TEXT NOT NULL,                -- of document
    title TEXT NOT NULL,
    source TEXT NOT NULL,                -- the file name it was read from, for messages
    document TEXT NOT NULL,              -- canonical JSON bundle: the YAML and the files it names
    created_at TEXT NOT NULL,
    log_index BIGINT NOT NULL UNIQUE
        REFERENCES log_entries (idx) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (agreement_id, version)
);

CREATE TABLE evidence (
    sha256 TEXT PRIMARY KEY,             -- the file lives at EVIDENCE_DIR/ab/<sha256>
    size BIGINT NOT NULL,
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    created_at TEXT NOT NULL,
    log_index BIGINT NOT NULL UNIQUE
        REFERENCES log_entries (idx) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE imports (
    id BIGINT PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE REFERENCES evidence (sha256),
    name TEXT NOT NULL,
    format TEXT NOT NULL,
    incidents BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    log_index BIGINT NOT NULL UNIQUE
        REFERENCES log_entries (idx) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE incidents (
    import_id BIGINT NOT NULL REFERENCES imports (id) DEFERRABLE INITIALLY DEFERRED,
    seq BIGINT NOT NULL,                 -- order within the file
    incident_id TEXT NOT NULL,
    source TEXT NOT NULL,
    date TEXT NOT NULL,
    date_end TEXT,
    date_reported TEXT,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    event_type TEXT NOT NULL,
    sub_event_type TEXT NOT NULL,
    actor1 TEXT NOT NULL,
    assoc_actor_1 TEXT NOT NULL,
    actor2 TEXT NOT NULL,
    assoc_actor_2 TEXT NOT NULL,
    attacker TEXT NOT NULL,
    weapon TEXT NOT NULL,
    date_precision BIGINT NOT NULL,
    geo_precision BIGINT NOT NULL,
    radius_m DOUBLE PRECISION NOT NULL,
    fatalities BIGINT NOT NULL,
    country TEXT NOT NULL,
    admin1 TEXT NOT NULL,
    location TEXT NOT NULL,
    notes TEXT NOT NULL,
    source_name TEXT NOT NULL,
    file TEXT NOT NULL,
    line BIGINT NOT NULL,
    PRIMARY KEY (import_id, seq)
);
CREATE INDEX incidents_by_incident_id ON incidents (incident_id);
CREATE INDEX incidents_by_date ON incidents (date);

CREATE TABLE runs (
    id BIGINT PRIMARY KEY,
    agreement_id TEXT NOT NULL,
    agreement_version BIGINT NOT NULL,
    incidents BIGINT NOT NULL,
    findings BIGINT NOT NULL,
    summary TEXT NOT NULL,               -- canonical JSON: by_party, by_obligation, clocks
    created_at TEXT NOT NULL,
    log_index BIGINT NOT NULL UNIQUE
        REFERENCES log_entries (idx) DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (agreement_id, agreement_version)
        REFERENCES agreement_versions (agreement_id, version)
);

CREATE TABLE findings (
    run_id BIGINT NOT NULL REFERENCES runs (id) DEFERRABLE INITIALLY DEFERRED,
    seq BIGINT NOT NULL,
    finding_id TEXT NOT NULL,
    obligation TEXT NOT NULL,
    status TEXT NOT NULL,
    date TEXT NOT NULL,
    parties TEXT NOT NULL,               -- JSON array of party ids
    document TEXT NOT NULL,              -- canonical JSON, the `verify --format json` finding
    PRIMARY KEY (run_id, seq)
);
CREATE INDEX findings_by_obligation ON findings (run_id, obligation, status);

CREATE TABLE tokens (
    id BIGINT PRIMARY KEY,
    token_sha256 TEXT NOT NULL UNIQUE,   -- SHA-256 of the token; the token itself is never stored
    role TEXT NOT NULL
        CHECK (role IN ('admin', 'analyst', 'monitor', 'party', 'observer')),
    party TEXT,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    log_index BIGINT NOT NULL UNIQUE
        REFERENCES log_entries (idx) DEFERRABLE INITIALLY DEFERRED,
    CHECK ((role = 'party') = (party IS NOT NULL))
);
