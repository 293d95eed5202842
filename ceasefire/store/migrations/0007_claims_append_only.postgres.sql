-- 0007_claims_append_only (PostgreSQL): the tables of 0006 are append-only too, like those of 0002.
-- (ceasefire_append_only() comes from 0002.)

CREATE TRIGGER news_imports_append_only BEFORE UPDATE OR DELETE ON news_imports
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER news_imports_no_truncate BEFORE TRUNCATE ON news_imports
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();

CREATE TRIGGER claims_append_only BEFORE UPDATE OR DELETE ON claims
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER claims_no_truncate BEFORE TRUNCATE ON claims
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();
