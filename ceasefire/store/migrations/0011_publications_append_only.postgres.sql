-- 0011_publications_append_only (PostgreSQL): the tables of 0010 are append-only too.
-- (ceasefire_append_only() comes from 0002.)

CREATE TRIGGER run_publications_append_only BEFORE UPDATE OR DELETE ON run_publications
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER run_publications_no_truncate BEFORE TRUNCATE ON run_publications
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();

CREATE TRIGGER case_publications_append_only BEFORE UPDATE OR DELETE ON case_publications
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER case_publications_no_truncate BEFORE TRUNCATE ON case_publications
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();
