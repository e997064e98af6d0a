-- The central export (onewindow export / import). A site writes every
-- change since its last export into a signed bundle; the central office
-- merges the bundles of all sites into one database.

-- At a site: the cases changed since the last export. Every table that
-- holds a case's records marks the case here in the same transaction as
-- the change, whoever writes it (registration, events, fees, waivers,
-- ratings, documents, a calendar change refreshing the clock cache), so no
-- write path can forget to. The triggers that do it are kept by the program
-- (exportTriggers in data/store.go, created when a database is opened) so
-- that a large demo run can write without them and mark its cases itself.
CREATE TABLE export_dirty (
	app_id INTEGER PRIMARY KEY
);

-- Every case a database already holds goes into its first bundle.
INSERT INTO export_dirty (app_id) SELECT id FROM applications;

-- At a site: the bundles written, kept whole so that exporting the same
-- sequence again gives the same bytes.
CREATE TABLE exports (
	seq         INTEGER PRIMARY KEY,         -- the site's bundle sequence, from 1
	created_at  TEXT NOT NULL,               -- UTC
	period_from TEXT NOT NULL,               -- changes made after this (UTC; '' for the first)
	period_to   TEXT NOT NULL,               -- and up to this
	cases       INTEGER NOT NULL,
	audit_to    INTEGER NOT NULL,            -- the last audit entry carried (0 = none yet)
	sha256      TEXT NOT NULL,               -- of the whole file
	bundle      BLOB NOT NULL
);

-- Documents: numbered per site (the number starts with the site code), so a
-- central database can hold every site's 受理通知书 No. 1 of a year.
CREATE TABLE documents_new (
	id        INTEGER PRIMARY KEY,
	number    TEXT NOT NULL UNIQUE,
	site_code TEXT NOT NULL,
	kind      TEXT NOT NULL,
	year      INTEGER NOT NULL,
	seq       INTEGER NOT NULL,
	app_id    INTEGER NOT NULL REFERENCES applications (id),
	issued_at TEXT NOT NULL,
	issued_by INTEGER NOT NULL REFERENCES users (id),
	content   TEXT NOT NULL,
	hash      TEXT NOT NULL,
	reprints  INTEGER NOT NULL DEFAULT 0,
	UNIQUE (site_code, kind, year, seq)
);
INSERT INTO documents_new (id, number, site_code, kind, year, seq, app_id, issued_at, issued_by, content, hash, reprints)
	SELECT id, number, substr(number, 1, 9), kind, year, seq, app_id, issued_at, issued_by, content, hash, reprints FROM documents;
DROP TABLE documents;
ALTER TABLE documents_new RENAME TO documents;
CREATE INDEX documents_app ON documents (app_id, kind, id);

-- At the central office: the bundles applied, per site, in sequence.
CREATE TABLE bundles (
	site_code   TEXT NOT NULL,
	seq         INTEGER NOT NULL,
	sha256      TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	imported_at TEXT NOT NULL,
	cases       INTEGER NOT NULL,
	events      INTEGER NOT NULL,
	audit_to    INTEGER NOT NULL,            -- the site's last audit entry received
	audit_hash  TEXT NOT NULL,               -- and its hash, which the next bundle's first entry must link to
	PRIMARY KEY (site_code, seq)
) WITHOUT ROWID;

-- Each site's own audit chain, as received; verified link by link.
CREATE TABLE site_audit (
	site_code TEXT NOT NULL,
	seq       INTEGER NOT NULL,
	at        TEXT NOT NULL,
	actor     TEXT NOT NULL,
	action    TEXT NOT NULL,
	entity    TEXT NOT NULL,
	detail    TEXT NOT NULL,
	prev_hash TEXT NOT NULL,
	hash      TEXT NOT NULL,
	PRIMARY KEY (site_code, seq)
) WITHOUT ROWID;

-- Each site's working-day calendar as of its latest bundle: the clock cache
-- of a site's cases was computed on it.
CREATE TABLE site_calendar (
	site_code TEXT NOT NULL,
	layer     TEXT NOT NULL,
	date      TEXT NOT NULL,
	working   INTEGER NOT NULL,
	name      TEXT NOT NULL,
	PRIMARY KEY (site_code, layer, date)
) WITHOUT ROWID;

-- Site-local row ids of records that have no natural key (waivers,
-- extension requests), mapped to the central database's ids.
CREATE TABLE imported_rows (
	site_code TEXT NOT NULL,
	tbl       TEXT NOT NULL,
	remote_id INTEGER NOT NULL,
	local_id  INTEGER NOT NULL,
	PRIMARY KEY (site_code, tbl, remote_id)
) WITHOUT ROWID;
