-- 0021_link_decisions: analysts' decisions on event links (issue 13), shared by SQLite and PostgreSQL.
--
-- An analyst confirms that two records describe one event (the next run links them whatever their
-- score) or splits them (the next run never links the two directly). Each decision is a row of its
-- own, never a change: a later decision on the same pair supersedes the earlier, which stays.
-- record_a < record_b (incident ids; a submitted report is ``report-ID``). Who (token, role) and
-- when (UTC) are kept, and each row is logged (kind link_decision) in the same transaction.

CREATE TABLE link_decisions (
    id BIGINT PRIMARY KEY,
    record_a TEXT NOT NULL,
    record_b TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('confirm', 'split')),
    reason TEXT NOT NULL,
    token_id BIGINT,                     -- NULL: the operator's CLI
    role TEXT NOT NULL,
    created_at TEXT NOT NULL,
    log_index BIGINT NOT NULL UNIQUE
        REFERENCES log_entries (idx) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX link_decisions_by_record_a ON link_decisions (record_a);
CREATE INDEX link_decisions_by_record_b ON link_decisions (record_b);
