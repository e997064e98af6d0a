-- Publications (下发包): the centre's signing key (its public half here; the
-- private half in a file on the publishing machine, see docs/central.md),
-- and the publications made — their bytes kept, so that a lost file is
-- written again.
ALTER TABLE site ADD COLUMN public_key text NOT NULL DEFAULT '';

CREATE TABLE publications (
	seq        bigint PRIMARY KEY,
	sha256     text NOT NULL,
	created_at text NOT NULL,
	sites      text NOT NULL, -- JSON list of site codes; [] = every site
	summary    text NOT NULL,
	body       bytea NOT NULL
);
