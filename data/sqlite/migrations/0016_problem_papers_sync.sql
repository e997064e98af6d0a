-- 企业反映问题, continued (issue 22): the papers handed to the enterprise,
-- the users who answer for a department, problems in the bundles to the
-- centre, and the centre's answers to problems a township reported up.

-- The papers of a problem (问题受理回执, 情况说明函): numbered, hashed and
-- signed like a case's documents, kept beside them (a document belongs to
-- a case or to a problem, never both).
CREATE TABLE problem_documents (
	id         INTEGER PRIMARY KEY,
	number     TEXT NOT NULL UNIQUE,
	site_code  TEXT NOT NULL,
	kind       TEXT NOT NULL,
	year       INTEGER NOT NULL,
	seq        INTEGER NOT NULL,
	problem_id INTEGER NOT NULL REFERENCES problems (id),
	issued_at  TEXT NOT NULL,
	issued_by  INTEGER NOT NULL REFERENCES users (id),
	content    TEXT NOT NULL,
	hash       TEXT NOT NULL,
	reprints   INTEGER NOT NULL DEFAULT 0,
	UNIQUE (site_code, kind, year, seq)
);
CREATE INDEX problem_documents_problem ON problem_documents (problem_id, kind, id);

-- A user who answers for a department (部门进驻人员): the department's
-- code; '' for the window's own staff, who may record for any department.
ALTER TABLE users ADD COLUMN department TEXT NOT NULL DEFAULT '';

-- At a site: the problems changed since the last export (marked by
-- triggers the program keeps, as for cases). Every problem already held
-- goes into the next bundle.
CREATE TABLE problem_dirty (
	problem_id INTEGER PRIMARY KEY
);
INSERT INTO problem_dirty (problem_id) SELECT id FROM problems;

-- At a centre: the answers of county departments to problems a township
-- reported up (上报), waiting to go back in a publication (published_seq
-- names the one that carried it).
CREATE TABLE problem_replies (
	id            INTEGER PRIMARY KEY,
	problem       TEXT NOT NULL,   -- the site's problem number
	site_code     TEXT NOT NULL,
	department    TEXT NOT NULL,   -- the answering department's code
	kind          TEXT NOT NULL,   -- answered | explained | progress | closed
	text          TEXT NOT NULL,
	promised      TEXT NOT NULL DEFAULT '',
	at            TEXT NOT NULL,   -- UTC
	actor         TEXT NOT NULL,   -- login and name of who recorded it
	published_seq INTEGER
);
CREATE INDEX problem_replies_pending ON problem_replies (published_seq, site_code);
