-- 企业反映问题 (issue 22): the problems enterprises raise, each with its log
-- of events (the truth) and the state replayed from it (the cache the list,
-- the board and the clocks read; verify holds it to the log), and the
-- categories an administrator maintains.
CREATE TABLE problem_categories (
	id     INTEGER PRIMARY KEY,
	name   TEXT NOT NULL UNIQUE,
	active INTEGER NOT NULL DEFAULT 1
);
INSERT INTO problem_categories (name) VALUES ('审批'), ('政策兑现'), ('用地'), ('用工'), ('融资'), ('水电路网'), ('其他');

CREATE TABLE problems (
	id              INTEGER PRIMARY KEY,
	number          TEXT NOT NULL UNIQUE,  -- site-year-WT000001
	site_code       TEXT NOT NULL,
	enterprise_code TEXT NOT NULL,
	enterprise_name TEXT NOT NULL,
	category        TEXT NOT NULL,
	case_number     TEXT NOT NULL DEFAULT '',
	received_at     TEXT NOT NULL,
	received_date   TEXT NOT NULL,
	-- the state replayed from the events
	status          TEXT NOT NULL,
	track           TEXT NOT NULL DEFAULT '',
	days            TEXT NOT NULL DEFAULT '{}', -- the track's days as its triage recorded them
	department      TEXT NOT NULL DEFAULT '',  -- the lead department's code
	helpers         TEXT NOT NULL DEFAULT '[]',
	explained       TEXT NOT NULL DEFAULT '',
	last_note       TEXT NOT NULL DEFAULT '',
	promised        TEXT NOT NULL DEFAULT '',
	closed_on       TEXT NOT NULL DEFAULT '',
	urges           INTEGER NOT NULL DEFAULT 0,
	track_changes   INTEGER NOT NULL DEFAULT 0,
	reopened        INTEGER NOT NULL DEFAULT 0,
	verdict         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX problems_by_status ON problems (status, received_date);
CREATE INDEX problems_by_department ON problems (department, received_date);
CREATE INDEX problems_by_enterprise ON problems (enterprise_code);

CREATE TABLE problem_events (
	problem_id INTEGER NOT NULL REFERENCES problems (id),
	seq        INTEGER NOT NULL,
	kind       TEXT NOT NULL,
	at         TEXT NOT NULL,
	actor_id   INTEGER NOT NULL REFERENCES users (id),
	data       TEXT NOT NULL,
	PRIMARY KEY (problem_id, seq)
);
