-- Publications (下发包, issue 21): at a central office, those it made —
-- the bytes kept, so that a lost file is written again; at a site, those
-- it took from its centre, in sequence (one not addressed to the site is
-- recorded too, so that the sequence goes on). The centre a site takes
-- them from is in settings (centre_code, centre_name, centre_public_key).
CREATE TABLE publications (
	seq        INTEGER PRIMARY KEY,
	sha256     TEXT NOT NULL,
	created_at TEXT NOT NULL,
	sites      TEXT NOT NULL, -- JSON list of site codes; [] = every site
	summary    TEXT NOT NULL,
	body       BLOB NOT NULL
);
CREATE TABLE received_publications (
	centre     TEXT NOT NULL,
	seq        INTEGER NOT NULL,
	sha256     TEXT NOT NULL,
	applied_at TEXT NOT NULL,
	outcome    TEXT NOT NULL, -- applied | not_addressed
	summary    TEXT NOT NULL,
	PRIMARY KEY (centre, seq)
);
