-- Documents handed to applicants (受理通知书, 补正材料通知书, 不予受理通知书,
-- 办结通知书, 减免审批单), and the site's telephone printed on them.

ALTER TABLE site ADD COLUMN phone TEXT NOT NULL DEFAULT '';

-- One row per document issued. content is the canonical JSON of everything
-- the paper says; hash is its SHA-256 (hex), carried, shortened, in the
-- signed QR token. Printing the same content again is a reprint (补打) of
-- the same document; changed content (a waiver approved since) is a new one.
CREATE TABLE documents (
	id        INTEGER PRIMARY KEY,
	number    TEXT NOT NULL UNIQUE,          -- site code-year-kind prefix and sequence
	kind      TEXT NOT NULL,
	year      INTEGER NOT NULL,
	seq       INTEGER NOT NULL,
	app_id    INTEGER NOT NULL REFERENCES applications (id),
	issued_at TEXT NOT NULL,                 -- UTC
	issued_by INTEGER NOT NULL REFERENCES users (id),
	content   TEXT NOT NULL,
	hash      TEXT NOT NULL,
	reprints  INTEGER NOT NULL DEFAULT 0,
	UNIQUE (kind, year, seq)
);
CREATE INDEX documents_app ON documents (app_id, kind, id);

