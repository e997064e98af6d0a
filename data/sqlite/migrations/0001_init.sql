-- OneWindow schema, version 1. Times are UTC RFC 3339 text ('…Z'); dates are
-- Asia/Shanghai civil dates as 'YYYY-MM-DD'; money is integer fen.

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE site (
	id   INTEGER PRIMARY KEY CHECK (id = 1),
	code TEXT NOT NULL CHECK (length(code) = 9),
	name TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('centre', 'township', 'village'))
);

CREATE TABLE departments (
	id   INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL
);

CREATE TABLE windows (
	id   INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL
);

CREATE TABLE users (
	id        INTEGER PRIMARY KEY,
	login     TEXT NOT NULL UNIQUE,
	name      TEXT NOT NULL,
	role      TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor', 'admin')),
	window_id INTEGER REFERENCES windows (id),
	active    INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE items (
	id            INTEGER PRIMARY KEY,
	code          TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL,
	department_id INTEGER NOT NULL REFERENCES departments (id),
	kind          TEXT NOT NULL CHECK (kind IN ('immediate', 'promised', 'reported', 'joint')),
	statutory     INTEGER NOT NULL CHECK (statutory >= 0),
	promised      INTEGER NOT NULL CHECK (promised >= 0 AND promised <= statutory),
	materials     TEXT NOT NULL DEFAULT '[]', -- JSON array of material names
	active        INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE applicants (
	id         INTEGER PRIMARY KEY,
	kind       TEXT NOT NULL CHECK (kind IN ('enterprise', 'individual', 'organisation')),
	name       TEXT NOT NULL,
	id_code    TEXT NOT NULL UNIQUE, -- 统一社会信用代码 or 身份证号, normalised
	contact    TEXT NOT NULL DEFAULT '',
	phone      TEXT NOT NULL DEFAULT '',
	address    TEXT NOT NULL DEFAULT '',
	updated_at TEXT NOT NULL
);

-- One row per case. status and the date columns after it are a cache of the
-- event log read through the clock, rewritten in the same transaction as
-- every event and after every calendar change; the clock stays the truth.
CREATE TABLE applications (
	id            INTEGER PRIMARY KEY,
	number        TEXT NOT NULL UNIQUE,
	site_code     TEXT NOT NULL,
	item_id       INTEGER NOT NULL REFERENCES items (id),
	applicant_id  INTEGER NOT NULL REFERENCES applicants (id),
	window_id     INTEGER NOT NULL REFERENCES windows (id),
	clerk_id      INTEGER NOT NULL REFERENCES users (id),
	received_at   TEXT NOT NULL,
	received_date TEXT NOT NULL,
	status        TEXT NOT NULL,
	start_date    TEXT,
	due_promised  TEXT,
	due_statutory TEXT,
	closed_date   TEXT
);
CREATE INDEX applications_by_status ON applications (status, window_id, received_date, due_promised);
CREATE INDEX applications_by_due ON applications (status, due_promised);
CREATE INDEX applications_by_received ON applications (received_date);
CREATE INDEX applications_by_applicant ON applications (applicant_id);

-- The append-only event log of each case.
CREATE TABLE events (
	app_id   INTEGER NOT NULL REFERENCES applications (id),
	seq      INTEGER NOT NULL,
	kind     TEXT NOT NULL,
	at       TEXT NOT NULL,
	actor_id INTEGER NOT NULL REFERENCES users (id),
	data     TEXT NOT NULL DEFAULT '{}',
	PRIMARY KEY (app_id, seq)
) WITHOUT ROWID;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

-- The last daily sequence number handed out, per Shanghai date 'YYYYMMDD'.
CREATE TABLE number_seq (
	day  TEXT PRIMARY KEY,
	last INTEGER NOT NULL
) WITHOUT ROWID;

-- The hash-chained audit log: hash = SHA-256 over the entry and prev_hash.
CREATE TABLE audit (
	seq       INTEGER PRIMARY KEY,
	at        TEXT NOT NULL,
	actor     TEXT NOT NULL,
	action    TEXT NOT NULL,
	entity    TEXT NOT NULL,
	detail    TEXT NOT NULL,
	prev_hash TEXT NOT NULL,
	hash      TEXT NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- Working-day exceptions: the national schedule and the site's own overrides.
CREATE TABLE calendar_days (
	layer   TEXT NOT NULL CHECK (layer IN ('national', 'site')),
	date    TEXT NOT NULL,
	working INTEGER NOT NULL,
	name    TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (layer, date)
) WITHOUT ROWID;

CREATE TABLE calendar_years (
	year      INTEGER PRIMARY KEY,
	source    TEXT NOT NULL,
	loaded_at TEXT NOT NULL
);
