-- 0004_reports: reports submitted through the REST API (issue 3), shared by SQLite and PostgreSQL.
--
-- A report is the rows of report_versions with one report_id: version 1 is the submission, each
-- correction is the next version; nothing is updated in place. Whoever submitted version 1 (its
-- token, role and party) owns the report. report_publications marks a report published (visible
-- to every role). report_evidence attaches evidence files (kept under their SHA-256 in the
-- evidence table) to a report. All three are logged (kinds report_version, publication,
-- attachment). idempotency_keys keeps,
-- per token and Idempotency-Key, the request's hash and the answer given, written in the same
-- transaction as the version it created, so a retry replays that answer; it is bookkeeping of
-- the server, not logged.

CREATE TABLE report_versions (
    report_id BIGINT NOT NULL,
    version BIGINT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    occurred_on TEXT NOT NULL,           -- YYYY-MM-DD
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    event_type TEXT NOT NULL,
    sub_event_type TEXT NOT NULL,
    actor1 TEXT NOT NULL,
    actor2 TEXT NOT NULL,
    weapon TEXT NOT NULL,                -- a weapon class, or ''
    fatalities BIGINT NOT NULL,
    sources TEXT NOT NULL,               -- canonical JSON: [{"name": ..., "url": ...}]
    client_hash TEXT,                    -- SHA-256 of attached evidence, as the client computed it
    token_id BIGINT NOT NULL,            -- who submitted this version
    role TEXT NOT NULL,
    party TEXT,
    created_at TEXT NOT NULL,
    log_index BIGINT NOT NULL UNIQUE
        REFERENCES log_entries (idx) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (report_id, version)
);
CREATE INDEX report_versions_by_token ON report_versions (token_id);
CREATE INDEX report_versions_by_party ON report_versions (party);

CREATE TABLE report_publications (
    report_id BIGINT PRIMARY KEY,
    token_id BIGINT NOT NULL,            -- the analyst or admin who published it
    created_at TEXT NOT NULL,
    log_index BIGINT NOT NULL UNIQUE
        REFERENCES log_entries (idx) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE report_evidence (
    report_id BIGINT NOT NULL,
    sha256 TEXT NOT NULL,                -- an evidence row (the log covers the link)
    token_id BIGINT NOT NULL,            -- who attached it
    created_at TEXT NOT NULL,
    log_index BIGINT NOT NULL UNIQUE
        REFERENCES log_entries (idx) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (report_id, sha256)
);

CREATE TABLE idempotency_keys (
    token_id BIGINT NOT NULL,
    idem_key TEXT NOT NULL,
    request_sha256 TEXT NOT NULL,        -- of the method, path and canonical body
    report_id BIGINT NOT NULL,
    version BIGINT NOT NULL,
    log_index BIGINT NOT NULL,
    receipt TEXT NOT NULL,               -- the receipt answered, canonical JSON
    created_at TEXT NOT NULL,
    PRIMARY KEY (token_id, idem_key)
);
