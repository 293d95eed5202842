-- 0019_finding_rows: a run's findings as typed columns (issue 14), written by every run from now on
-- instead of one JSON document per finding in `findings` (which keeps the runs written before).
-- Each column is a field of model.Finding; `parties` and `incidents` are canonical JSON arrays.
-- The rows chain into the run's log entry as `findings` rows do: the entry's digest covers the
-- canonical JSON of every row in `seq` order (store/log_entries.py: an optional child table, in
-- the digest only when the run has rows in it, so the entries of older runs keep their digest).

CREATE TABLE finding_rows (
    run_id BIGINT NOT NULL REFERENCES runs (id) DEFERRABLE INITIALLY DEFERRED,
    seq BIGINT NOT NULL,
    finding_id TEXT NOT NULL,
    obligation TEXT NOT NULL,
    category TEXT NOT NULL,
    status TEXT NOT NULL,
    parties TEXT NOT NULL,               -- canonical JSON array of party ids
    attribution TEXT NOT NULL,
    incidents TEXT NOT NULL,             -- canonical JSON array of incident ids
    date TEXT NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    confidence DOUBLE PRECISION NOT NULL,
    explanation TEXT NOT NULL,
    rule TEXT NOT NULL,
    distance_m DOUBLE PRECISION,
    radius_m DOUBLE PRECISION NOT NULL,
    event_type TEXT NOT NULL,
    sub_event_type TEXT NOT NULL,
    weapon TEXT NOT NULL,
    location TEXT NOT NULL,
    actor1 TEXT NOT NULL,
    actor2 TEXT NOT NULL,
    fatalities BIGINT NOT NULL,
    source TEXT NOT NULL,
    sources BIGINT,                      -- independent sources (issue 13); NULL: not counted
    PRIMARY KEY (run_id, seq)
);
CREATE INDEX finding_rows_by_obligation ON finding_rows (run_id, obligation, status);
CREATE INDEX finding_rows_by_date ON finding_rows (run_id, date);
CREATE INDEX finding_rows_by_finding_id ON finding_rows (run_id, finding_id);
