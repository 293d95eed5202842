-- 0010_publications: what analysts publish besides reports (issue 5: the public dashboard,
-- bulletins and exports), shared by SQLite and PostgreSQL.
--
-- run_publications marks a verification run published: the public (no token), observers,
-- monitors and parties read the findings of the newest published run; analysts and admins the
-- newest run. case_publications marks a case published: every role, and the public, may then
-- read it with its steps. Both are logged (kinds run_publication, case_publication); publishing
-- again is a no-op. Nothing is ever unpublished: a correction is a newer run or assessment.

CREATE TABLE run_publications (
    run_id BIGINT PRIMARY KEY REFERENCES runs (id) DEFERRABLE INITIALLY DEFERRED,
    token_id BIGINT,                     -- the analyst who published it (NULL: the operator's CLI)
    created_at TEXT NOT NULL,
    log_index BIGINT NOT NULL UNIQUE
        REFERENCES log_entries (idx) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE case_publications (
    case_id BIGINT PRIMARY KEY REFERENCES cases (id) DEFERRABLE INITIALLY DEFERRED,
    token_id BIGINT,
    created_at TEXT NOT NULL,
    log_index BIGINT NOT NULL UNIQUE
        REFERENCES log_entries (idx) DEFERRABLE INITIALLY DEFERRED
);
