-- The report's daily totals, as the SQLite store keeps them: per group
-- (item, window, clerk, site), day and, for closed cases, status and days
-- used. The merge keeps them right for every bundle (totals.go); the
-- report adds up the period's days instead of reading its cases.

CREATE TABLE report_received (
	item text NOT NULL, win text NOT NULL, clerk text NOT NULL, site text NOT NULL, day date NOT NULL,
	cases bigint NOT NULL, supplemented bigint NOT NULL,
	PRIMARY KEY (item, win, clerk, site, day)
);
CREATE TABLE report_accepted (
	item text NOT NULL, win text NOT NULL, clerk text NOT NULL, site text NOT NULL, day date NOT NULL,
	cases bigint NOT NULL,
	PRIMARY KEY (item, win, clerk, site, day)
);
CREATE TABLE report_closed (
	item text NOT NULL, win text NOT NULL, clerk text NOT NULL, site text NOT NULL, status text NOT NULL, used integer NOT NULL, day date NOT NULL,
	cases bigint NOT NULL, ontime_promised bigint NOT NULL, ontime_statutory bigint NOT NULL, extended bigint NOT NULL,
	paused bigint NOT NULL, pause_days bigint NOT NULL, same_day bigint NOT NULL,
	PRIMARY KEY (item, win, clerk, site, status, used, day)
);
CREATE TABLE report_rated (
	item text NOT NULL, win text NOT NULL, clerk text NOT NULL, site text NOT NULL, day date NOT NULL,
	cases bigint NOT NULL, bad bigint NOT NULL, level_sum bigint NOT NULL,
	PRIMARY KEY (item, win, clerk, site, day)
);
CREATE TABLE report_done (
	day date NOT NULL, used integer NOT NULL,
	cases bigint NOT NULL,
	PRIMARY KEY (day, used)
);
CREATE INDEX report_received_by_day ON report_received (day);
CREATE INDEX report_accepted_by_day ON report_accepted (day);
CREATE INDEX report_closed_by_day ON report_closed (day);
CREATE INDEX report_rated_by_day ON report_rated (day);
