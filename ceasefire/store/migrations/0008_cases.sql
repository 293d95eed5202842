-- 0008_cases: the case workflow of the REST API (issue 3), shared by SQLite and PostgreSQL.
--
-- A case is an allegation an analyst opens from one or more reports (cases). Each later step is
-- a row of its own, never a change: a request for information addressed to a party with a
-- deadline (case_requests), that party's answer (case_responses), an analyst's conclusion with
-- the Admiralty grading of each source (case_assessments; a later one supersedes, the earlier
-- stay). Every row keeps who (token, role, party) and when (UTC) and is logged (kinds case,
-- case_request, case_response, case_assessment) in the same transaction.

CREATE TABLE cases (
    id BIGINT PRIMARY KEY,
    title TEXT NOT NULL,
    allegation TEXT NOT NULL,
    reports TEXT NOT NULL,               -- canonical JSON list of report ids
    token_id BIGINT NOT NULL,
    role TEXT NOT NULL,
    party TEXT,
    created_at TEXT NOT NULL,
    log_index BIGINT NOT NULL UNIQUE
        REFERENCES log_entries (idx) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE case_requests (
    id BIGINT PRIMARY KEY,
    case_id BIGINT NOT NULL,
    party TEXT NOT NULL,                 -- the party asked
    question TEXT NOT NULL,
    deadline TEXT NOT NULL,              -- YYYY-MM-DD
    token_id BIGINT NOT NULL,
    role TEXT NOT NULL,
    created_at TEXT NOT NULL,
    log_index BIGINT NOT NULL UNIQUE
        REFERENCES log_entries (idx) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX case_requests_by_case ON case_requests (case_id);
CREATE INDEX case_requests_by_party ON case_requests (party);

CREATE TABLE case_responses (
    id BIGINT PRIMARY KEY,
    case_id BIGINT NOT NULL,
    request_id BIGINT NOT NULL,
    party TEXT NOT NULL,                 -- the party answering (the one asked)
    response TEXT NOT NULL,
    token_id BIGINT NOT NULL,
    role TEXT NOT NULL,
    created_at TEXT NOT NULL,
    log_index BIGINT NOT NULL UNIQUE
        REFERENCES log_entries (idx) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX case_responses_by_case ON case_responses (case_id);

CREATE TABLE case_assessments (
    id BIGINT PRIMARY KEY,
    case_id BIGINT NOT NULL,
    conclusion TEXT NOT NULL
        CHECK (conclusion IN ('violation', 'no_violation', 'inconclusive')),
    reasoning TEXT NOT NULL,
    grades TEXT NOT NULL,                -- canonical JSON: [{"source", "reliability" A-F, "credibility" 1-6}]
    token_id BIGINT NOT NULL,
    role TEXT NOT NULL,
    created_at TEXT NOT NULL,
    log_index BIGINT NOT NULL UNIQUE
        REFERENCES log_entries (idx) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX case_assessments_by_case ON case_assessments (case_id);
