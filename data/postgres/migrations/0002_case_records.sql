-- The rest of what a bundle carries: each case's fee lines, waivers,
-- extension requests, rating and rectification, the documents issued, the
-- site's waiver policies and calendar, and its signed audit checkpoints.
-- Keyed by the case number or by the site and its own row id, as the site
-- owns them; dates are 'YYYY-MM-DD' text as the bundle carries them.

CREATE TABLE case_fees (
	number     text NOT NULL,
	fee_code   text NOT NULL,
	name       text NOT NULL,
	amount_fen bigint NOT NULL,
	unit       text NOT NULL,
	basis      text NOT NULL,
	PRIMARY KEY (number, fee_code)
);

CREATE TABLE waivers (
	site_code    text NOT NULL,
	id           bigint NOT NULL,
	number       text NOT NULL,
	fee_code     text NOT NULL,
	kind         text NOT NULL,
	amount_fen   bigint NOT NULL,
	policy       text NOT NULL,
	reason       text NOT NULL,
	status       text NOT NULL,
	requested_by text NOT NULL,
	requested_at text NOT NULL,
	decided_by   text,
	decided_at   text,
	note         text NOT NULL,
	PRIMARY KEY (site_code, id)
);
CREATE INDEX waivers_by_case ON waivers (number);

CREATE TABLE extensions (
	site_code    text NOT NULL,
	id           bigint NOT NULL,
	number       text NOT NULL,
	days         integer NOT NULL,
	reason       text NOT NULL,
	status       text NOT NULL,
	requested_by text NOT NULL,
	requested_at text NOT NULL,
	decided_by   text,
	decided_at   text,
	note         text NOT NULL,
	PRIMARY KEY (site_code, id)
);

CREATE TABLE ratings (
	number  text PRIMARY KEY,
	level   integer NOT NULL,
	comment text NOT NULL,
	at      text NOT NULL,
	clerk   text NOT NULL
);

CREATE TABLE rectifications (
	number     text PRIMARY KEY,
	status     text NOT NULL,
	due_date   text NOT NULL,
	opened_at  text NOT NULL,
	done_date  text,
	measures   text NOT NULL,
	revisit    text NOT NULL,
	appeal     text NOT NULL,
	decision   text NOT NULL,
	updated_at text NOT NULL
);

CREATE TABLE documents (
	doc_number text PRIMARY KEY,
	kind       text NOT NULL,
	year       integer NOT NULL,
	seq        integer NOT NULL,
	number     text NOT NULL,
	issued_at  text NOT NULL,
	issued_by  text NOT NULL,
	content    text NOT NULL,
	hash       text NOT NULL,
	reprints   integer NOT NULL
);

-- Shared by code, as the catalogue.
CREATE TABLE waiver_policies (
	code       text PRIMARY KEY,
	name       text NOT NULL,
	basis      text NOT NULL,
	valid_from text NOT NULL,
	valid_to   text
);

CREATE TABLE calendar_days (
	site_code text NOT NULL,
	layer     text NOT NULL,
	day       text NOT NULL,
	working   integer NOT NULL,
	name      text NOT NULL,
	PRIMARY KEY (site_code, layer, day)
);

CREATE TABLE site_checkpoints (
	site_code text NOT NULL,
	seq       bigint NOT NULL,
	hash      text NOT NULL,
	at        text NOT NULL,
	signature text NOT NULL,
	PRIMARY KEY (site_code, seq)
);
