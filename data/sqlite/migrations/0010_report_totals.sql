-- The report now adds up daily totals (the report_* tables, kept by
-- triggers on applications; both are made by the program from one
-- definition, dayTables in data/report_days.go, when a database is opened)
-- instead of scanning every case. The wide covering index it scanned and
-- the index of completion days are no longer read; keeping them cost every
-- registration and every event an index update. The report's drill-down
-- to one item or department's cases uses the narrow index instead.
DROP INDEX IF EXISTS applications_report;
DROP INDEX IF EXISTS applications_done;
CREATE INDEX IF NOT EXISTS applications_by_item ON applications (item_id);
