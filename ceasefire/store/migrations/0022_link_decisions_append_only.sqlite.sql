-- 0022_link_decisions_append_only (SQLite): link_decisions is append-only.

CREATE TRIGGER link_decisions_no_update BEFORE UPDATE ON link_decisions
BEGIN SELECT RAISE(ABORT, 'link_decisions is append-only: UPDATE refused'); END;

CREATE TRIGGER link_decisions_no_delete BEFORE DELETE ON link_decisions
BEGIN SELECT RAISE(ABORT, 'link_decisions is append-only: DELETE refused'); END;
