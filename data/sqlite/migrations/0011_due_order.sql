-- The case list's broad searches (a part of a name that thousands of
-- applicants share, a month's number prefix) walk the cases in the list's
-- order — promised due date, cases not yet accepted last — and stop when a
-- page is full, instead of sorting every match (data/query.go,
-- broadSearch). The index holds the columns the walk tests without reading
-- the row: the status and the applicant.
CREATE INDEX IF NOT EXISTS applications_by_due_order ON applications (due_promised IS NULL, due_promised, status, applicant_id);
