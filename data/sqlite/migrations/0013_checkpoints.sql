-- Signed checkpoints of the audit chain's head (issue 19): a site signs its
-- head at every export and once a day; the checkpoints travel with the
-- bundles, and the centre keeps them. A history rewritten after a
-- checkpoint, here or in the centre's copy, no longer matches it.
CREATE TABLE checkpoints (
	seq       INTEGER PRIMARY KEY, -- the audit entry signed
	hash      TEXT NOT NULL,
	at        TEXT NOT NULL,
	signature TEXT NOT NULL        -- base64 ed25519 by the site key
);
CREATE TABLE site_checkpoints (
	site_code TEXT NOT NULL,
	seq       INTEGER NOT NULL,
	hash      TEXT NOT NULL,
	at        TEXT NOT NULL,
	signature TEXT NOT NULL,
	PRIMARY KEY (site_code, seq)
);
