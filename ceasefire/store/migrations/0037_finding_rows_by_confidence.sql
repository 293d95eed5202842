-- 0037_finding_rows_by_confidence: a claim's strongest evidence without reading its obligation's
-- every finding (issue 14). The /claims page shows, beside each claim, the most confident findings
-- of its obligation naming its parties over the whole run (then by date and id); at a million
-- findings one obligation holds most of them, and ordering them per claim read ~700,000 rows.
-- With this index a claim's top findings are read in that order and the read stops after a few.
CREATE INDEX finding_rows_by_confidence ON finding_rows (run_id, obligation, confidence DESC, date, finding_id);
