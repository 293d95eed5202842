-- 0022_link_decisions_append_only (PostgreSQL): link_decisions is append-only.
-- (ceasefire_append_only() comes from 0002.)

CREATE TRIGGER link_decisions_append_only BEFORE UPDATE OR DELETE ON link_decisions
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER link_decisions_no_truncate BEFORE TRUNCATE ON link_decisions
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();
