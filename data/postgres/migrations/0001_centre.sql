-- OneWindow central store on PostgreSQL, version 1. Times are UTC RFC 3339
-- text as the sites write them (the audit chains hash them as text);
-- dates are Asia/Shanghai civil dates; money is integer fen.

CREATE TABLE site (
	id     integer PRIMARY KEY CHECK (id = 1),
	code   text NOT NULL CHECK (length(code) = 9),
	name   text NOT NULL,
	kind   text NOT NULL CHECK (kind = 'centre'),
	phone  text NOT NULL DEFAULT '',
	sample boolean NOT NULL DEFAULT false -- a centre made for trials takes demo bundles
);

-- The centre's own people: supervisors who read, administrators who merge.
CREATE TABLE users (
	id           bigserial PRIMARY KEY,
	login        text NOT NULL UNIQUE,
	name         text NOT NULL,
	role         text NOT NULL CHECK (role IN ('clerk', 'supervisor', 'admin')),
	pin_hash     text NOT NULL DEFAULT '',
	failed_pins  integer NOT NULL DEFAULT 0,
	locked_until text NOT NULL DEFAULT '',
	active       boolean NOT NULL DEFAULT true
);

-- The sites registered here, with the key their bundles are signed with.
CREATE TABLE sites (
	code          text PRIMARY KEY,
	name          text NOT NULL,
	kind          text NOT NULL,
	public_key    text NOT NULL,
	registered_at text NOT NULL
);

-- Every bundle merged: a site's are applied in sequence, each once.
CREATE TABLE bundles (
	site_code   text NOT NULL REFERENCES sites (code),
	seq         bigint NOT NULL,
	sha256      text NOT NULL,
	created_at  text NOT NULL,
	imported_at text NOT NULL,
	cases       integer NOT NULL,
	events      integer NOT NULL,
	audit_to    bigint NOT NULL,
	audit_hash  text NOT NULL,
	PRIMARY KEY (site_code, seq)
);

-- The catalogue, shared by code as in a county (the SQLite centre does the
-- same): a code is added as the first site to bring it has it, and left as
-- it is after; a report groups every site's cases of one item or one
-- department together.
CREATE TABLE departments (
	code text PRIMARY KEY,
	name text NOT NULL
);
CREATE TABLE items (
	code       text PRIMARY KEY,
	name       text NOT NULL,
	department text NOT NULL,
	kind       text NOT NULL,
	statutory  integer NOT NULL,
	promised   integer NOT NULL,
	materials  text NOT NULL,
	active     integer NOT NULL
);
-- Windows and users are each site's own, named with the site's name.
CREATE TABLE windows (
	site_code text NOT NULL,
	code      text NOT NULL,
	name      text NOT NULL,
	PRIMARY KEY (site_code, code)
);
CREATE TABLE site_users (
	site_code text NOT NULL,
	login     text NOT NULL,
	name      text NOT NULL,
	role      text NOT NULL,
	window_code text,
	active    integer NOT NULL,
	PRIMARY KEY (site_code, login)
);

-- Applicants are shared by every site; the newest version wins.
CREATE TABLE applicants (
	id_code    text PRIMARY KEY,
	kind       text NOT NULL,
	name       text NOT NULL,
	contact    text NOT NULL,
	phone      text NOT NULL,
	address    text NOT NULL,
	updated_at text NOT NULL
);

-- Cases and their events, partitioned by the year the case arrived, so
-- that an old year can be detached and archived whole. A partition per
-- year is made when a bundle brings the first case of that year.
CREATE TABLE applications (
	site_code        text NOT NULL,
	number           text NOT NULL,
	item             text NOT NULL,
	applicant        text NOT NULL,
	window_code      text NOT NULL,
	clerk            text NOT NULL,
	received_at      text NOT NULL,
	received_date    date NOT NULL,
	status           text NOT NULL,
	start_date       date,
	due_promised     date,
	due_statutory    date,
	closed_date      date,
	yellow_promised  date,
	yellow_statutory date,
	accepted_date    date,
	used_days        integer,
	ontime_promised  integer,
	ontime_statutory integer,
	pause_days       integer,
	extra_days       integer,
	supplemented     integer,
	red_promised     date,
	red_statutory    date,
	rated_date       date,
	rating_level     integer,
	PRIMARY KEY (received_date, number)
) PARTITION BY RANGE (received_date);
CREATE INDEX applications_by_site ON applications (site_code, received_date);
CREATE INDEX applications_by_status ON applications (status, due_promised);
CREATE INDEX applications_by_number ON applications (number);

CREATE TABLE events (
	received_date date NOT NULL,
	number        text NOT NULL,
	seq           integer NOT NULL,
	kind          text NOT NULL,
	at            text NOT NULL,
	actor         text NOT NULL,
	data          text NOT NULL,
	PRIMARY KEY (received_date, number, seq)
) PARTITION BY RANGE (received_date);

-- The centre's own hash-chained audit log.
CREATE TABLE audit (
	seq       bigint PRIMARY KEY,
	at        text NOT NULL,
	actor     text NOT NULL,
	action    text NOT NULL,
	entity    text NOT NULL,
	detail    text NOT NULL,
	prev_hash text NOT NULL,
	hash      text NOT NULL
);

-- Each site's audit chain as received, verified link by link.
CREATE TABLE site_audit (
	site_code text NOT NULL,
	seq       bigint NOT NULL,
	at        text NOT NULL,
	actor     text NOT NULL,
	action    text NOT NULL,
	entity    text NOT NULL,
	detail    text NOT NULL,
	prev_hash text NOT NULL,
	hash      text NOT NULL,
	PRIMARY KEY (site_code, seq)
);
