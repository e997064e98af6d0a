-- Fees and waivers (减 / 免), extension requests, and 好差评 ratings with
-- rectification. Money is integer fen; dates are Shanghai civil dates.

-- The fee catalogue: one row per fee schedule; a fee whose amount changes
-- gets a new row with the same code from the date the new schedule applies.
CREATE TABLE fee_items (
	id         INTEGER PRIMARY KEY,
	code       TEXT NOT NULL,
	name       TEXT NOT NULL,
	amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
	unit       TEXT NOT NULL,
	basis      TEXT NOT NULL,            -- 依据文号
	valid_from TEXT NOT NULL,
	valid_to   TEXT,                     -- inclusive; NULL = until further notice
	UNIQUE (code, valid_from),
	CHECK (valid_to IS NULL OR valid_to >= valid_from)
);

-- Which fees a service item charges (by fee code, whatever the schedule).
CREATE TABLE item_fees (
	item_id  INTEGER NOT NULL REFERENCES items (id),
	fee_code TEXT NOT NULL,
	PRIMARY KEY (item_id, fee_code)
) WITHOUT ROWID;

-- The maintained list of lawful reductions and exemptions.
CREATE TABLE waiver_policies (
	id         INTEGER PRIMARY KEY,
	code       TEXT NOT NULL UNIQUE,
	name       TEXT NOT NULL,
	basis      TEXT NOT NULL,            -- 文号
	valid_from TEXT NOT NULL,
	valid_to   TEXT,
	CHECK (valid_to IS NULL OR valid_to >= valid_from)
);

-- A case's fee lines, fixed from the schedule in force on the acceptance
-- date (a later change of schedule does not touch them).
CREATE TABLE case_fees (
	id         INTEGER PRIMARY KEY,
	app_id     INTEGER NOT NULL REFERENCES applications (id),
	fee_code   TEXT NOT NULL,
	name       TEXT NOT NULL,
	amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
	unit       TEXT NOT NULL,
	basis      TEXT NOT NULL,
	UNIQUE (app_id, fee_code)
);

-- Reductions and waivers of one fee line: requested by a clerk, decided by
-- a supervisor. At most one live (pending or approved) waiver per line.
CREATE TABLE waivers (
	id           INTEGER PRIMARY KEY,
	app_id       INTEGER NOT NULL REFERENCES applications (id),
	fee_id       INTEGER NOT NULL REFERENCES case_fees (id),
	kind         TEXT NOT NULL CHECK (kind IN ('full', 'partial')),
	amount_fen   INTEGER NOT NULL CHECK (amount_fen > 0),
	policy_id    INTEGER NOT NULL REFERENCES waiver_policies (id),
	reason       TEXT NOT NULL,
	status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
	requested_by INTEGER NOT NULL REFERENCES users (id),
	requested_at TEXT NOT NULL,
	decided_by   INTEGER REFERENCES users (id),
	decided_at   TEXT,
	note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX waivers_by_case ON waivers (app_id);
CREATE INDEX waivers_pending ON waivers (status) WHERE status = 'pending';
CREATE UNIQUE INDEX waivers_one_live ON waivers (fee_id) WHERE status IN ('pending', 'approved');

-- A clerk's request to extend a deadline (Art. 42), for a supervisor.
CREATE TABLE extension_requests (
	id           INTEGER PRIMARY KEY,
	app_id       INTEGER NOT NULL REFERENCES applications (id),
	days         INTEGER NOT NULL CHECK (days BETWEEN 1 AND 60),
	reason       TEXT NOT NULL,
	status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
	requested_by INTEGER NOT NULL REFERENCES users (id),
	requested_at TEXT NOT NULL,
	decided_by   INTEGER REFERENCES users (id),
	decided_at   TEXT,
	note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX extension_requests_by_case ON extension_requests (app_id);
CREATE UNIQUE INDEX extension_requests_one_pending ON extension_requests (app_id) WHERE status = 'pending';

-- 好差评: one rating per case (一次一评).
CREATE TABLE ratings (
	app_id   INTEGER PRIMARY KEY REFERENCES applications (id),
	level    INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
	comment  TEXT NOT NULL DEFAULT '',
	at       TEXT NOT NULL,
	clerk_id INTEGER NOT NULL REFERENCES users (id) -- who was at the window
);

-- The rectification (整改) a 差评 opens.
CREATE TABLE rectifications (
	app_id      INTEGER PRIMARY KEY REFERENCES ratings (app_id),
	status      TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'appealed', 'invalid')),
	due_date    TEXT NOT NULL,
	opened_at   TEXT NOT NULL,
	done_date   TEXT,
	measures    TEXT NOT NULL DEFAULT '', -- 整改措施
	revisit     TEXT NOT NULL DEFAULT '', -- 回访记录
	appeal      TEXT NOT NULL DEFAULT '', -- 申诉理由
	decision    TEXT NOT NULL DEFAULT '', -- the supervisor's word on an appeal
	updated_at  TEXT NOT NULL
);
CREATE INDEX rectifications_by_status ON rectifications (status, due_date);
