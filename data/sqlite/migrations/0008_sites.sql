-- The sites registered at a central office: each site's public key, taken
-- from the registration file the site made (onewindow site registration).
-- Bundles from a site are verified against this key.
CREATE TABLE sites (
	code          TEXT PRIMARY KEY,
	name          TEXT NOT NULL,
	kind          TEXT NOT NULL,
	public_key    TEXT NOT NULL,             -- base64 ed25519
	registered_at TEXT NOT NULL              -- UTC
) WITHOUT ROWID;
