-- The report's money and open cases without reading the cases (issue 21's
-- 50-million-case report): fees due per group and day of acceptance, and
-- the open cases per group and warning dates, kept by the merge like the
-- other daily totals (totals.go); each waiver carries its case's group, so
-- that the waivers approved in a period are summed without a join, through
-- a partial index.
CREATE TABLE report_money (
	item text NOT NULL, win text NOT NULL, clerk text NOT NULL, site text NOT NULL, day date NOT NULL,
	cases bigint NOT NULL, due_fen bigint NOT NULL,
	PRIMARY KEY (item, win, clerk, site, day)
);
CREATE INDEX report_money_by_day ON report_money (day);
CREATE TABLE report_open (
	item text NOT NULL, win text NOT NULL, clerk text NOT NULL, site text NOT NULL,
	yellow_promised date NOT NULL, yellow_statutory date NOT NULL, red_promised date NOT NULL, red_statutory date NOT NULL,
	cases bigint NOT NULL,
	PRIMARY KEY (item, win, clerk, site, yellow_promised, yellow_statutory, red_promised, red_statutory)
);
ALTER TABLE waivers ADD COLUMN item text, ADD COLUMN window_code text, ADD COLUMN clerk text;
UPDATE waivers w SET item = a.item, window_code = a.window_code, clerk = a.clerk FROM applications a WHERE a.number = w.number;
CREATE INDEX waivers_approved ON waivers (decided_at) WHERE status = 'approved';
