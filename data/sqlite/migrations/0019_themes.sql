-- 一件事一次办 (issue 24): themes in the catalogue and the theme cases
-- (主题件) registered from them (data/theme).

-- A theme: a named set of items with its own promised limit (working days
-- from its acceptance to its last item's completion) and whether the
-- results are handed over together (统一出件).
CREATE TABLE themes (
	id         INTEGER PRIMARY KEY,
	code       TEXT NOT NULL UNIQUE,
	name       TEXT NOT NULL,
	limit_days INTEGER NOT NULL CHECK (limit_days > 0),
	together   INTEGER NOT NULL DEFAULT 1,
	active     INTEGER NOT NULL DEFAULT 1
);

-- Its steps, in order: the item, the item it waits for (NULL: from
-- intake), and what it issues that later steps need (营业执照).
CREATE TABLE theme_steps (
	theme_id INTEGER NOT NULL REFERENCES themes (id),
	position INTEGER NOT NULL,
	item_id  INTEGER NOT NULL REFERENCES items (id),
	after_id INTEGER REFERENCES items (id),
	result   TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (theme_id, position),
	UNIQUE (theme_id, item_id)
);

-- A registered theme case: the theme as it was then (code, name, limit,
-- together and the steps, JSON), the applicant, the materials handed in.
CREATE TABLE theme_cases (
	id           INTEGER PRIMARY KEY,
	number       TEXT NOT NULL UNIQUE,
	site_code    TEXT NOT NULL,
	theme_id     INTEGER REFERENCES themes (id), -- NULL for another site's theme (merged at a centre)
	theme_code   TEXT NOT NULL,
	theme_name   TEXT NOT NULL,
	limit_days   INTEGER NOT NULL,
	together     INTEGER NOT NULL,
	steps        TEXT NOT NULL, -- JSON: [{"item": code, "after": code, "result": text}]
	applicant_id INTEGER NOT NULL REFERENCES applicants (id),
	window_id    INTEGER NOT NULL REFERENCES windows (id),
	clerk_id     INTEGER NOT NULL REFERENCES users (id),
	received_at  TEXT NOT NULL,
	materials    TEXT NOT NULL DEFAULT '[]', -- JSON: the materials handed in at intake
	proofs       TEXT NOT NULL DEFAULT '[]', -- JSON: the proofs recorded at intake
	delivered_at TEXT -- 统一出件
);
CREATE INDEX theme_cases_by_received ON theme_cases (received_at);

-- Each step's case, once registered (a waiting step has none until the
-- step it waits for completes), with a copy of what the report by theme
-- reads of it — its number, status and its clock's start and end dates —
-- so that the report reads this small table and not a hundred thousand
-- cases (kept by the trigger below whenever the case's status or clock
-- cache changes; set when the case is linked).
CREATE TABLE theme_members (
	theme_case_id INTEGER NOT NULL REFERENCES theme_cases (id),
	position      INTEGER NOT NULL,
	item_code     TEXT NOT NULL,
	app_id        INTEGER UNIQUE REFERENCES applications (id),
	case_number   TEXT,
	status        TEXT,
	start_date    TEXT,
	closed_date   TEXT,
	PRIMARY KEY (theme_case_id, position)
);
CREATE TRIGGER theme_members_follow AFTER UPDATE OF status, start_date, closed_date ON applications
	WHEN NEW.id IN (SELECT app_id FROM theme_members WHERE app_id = NEW.id)
BEGIN
	UPDATE theme_members SET status = NEW.status, start_date = NEW.start_date, closed_date = NEW.closed_date WHERE app_id = NEW.id;
END;
