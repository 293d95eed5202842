-- 0006_claims: claims extracted from news articles (issue 4), shared by SQLite and PostgreSQL.
--
-- news_imports records an imported article (its bytes are an evidence row; unique: importing the
-- same bytes again is a no-op) and the agreement version its claims were extracted with. claims
-- holds one row per claim, each logged on its own (kind claim), in article order (seq).

CREATE TABLE news_imports (
    id BIGINT PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE REFERENCES evidence (sha256),
    name TEXT NOT NULL,                  -- the file name given
    published TEXT,                      -- the article's date (YYYY-MM-DD), from its dateline
    agreement_version BIGINT NOT NULL,   -- the version the claims were extracted with
    claims BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    log_index BIGINT NOT NULL UNIQUE
        REFERENCES log_entries (idx) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE claims (
    id BIGINT PRIMARY KEY,
    news_import_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,                 -- the claim's position in its article
    file TEXT NOT NULL,
    speaker TEXT NOT NULL,
    speaker_party TEXT,
    cited_by TEXT,
    claim_kind TEXT NOT NULL,            -- accusation | denial | demand | commitment | assessment
    accused TEXT NOT NULL,               -- canonical JSON list of party ids
    obligation TEXT,
    category TEXT,
    quote TEXT NOT NULL,
    sentence BIGINT NOT NULL,
    date TEXT,                           -- YYYY-MM-DD, the article's date
    created_at TEXT NOT NULL,
    log_index BIGINT NOT NULL UNIQUE
        REFERENCES log_entries (idx) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX claims_by_import ON claims (news_import_id, seq);
