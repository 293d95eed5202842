-- 0007_claims_append_only (SQLite): the tables of 0006 are append-only too, like those of 0002.

CREATE TRIGGER news_imports_no_update BEFORE UPDATE ON news_imports
BEGIN SELECT RAISE(ABORT, 'news_imports is append-only: UPDATE refused'); END;

CREATE TRIGGER news_imports_no_delete BEFORE DELETE ON news_imports
BEGIN SELECT RAISE(ABORT, 'news_imports is append-only: DELETE refused'); END;

CREATE TRIGGER claims_no_update BEFORE UPDATE ON claims
BEGIN SELECT RAISE(ABORT, 'claims is append-only: UPDATE refused'); END;

CREATE TRIGGER claims_no_delete BEFORE DELETE ON claims
BEGIN SELECT RAISE(ABORT, 'claims is append-only: DELETE refused'); END;
