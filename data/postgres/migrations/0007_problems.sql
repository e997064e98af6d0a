-- 企业反映问题 (issue 22) at the centre: every site's problems as their
-- bundles carry them — each with its whole log (the truth), the state the
-- centre replays from it, and its papers.
CREATE TABLE problems (
	number          text PRIMARY KEY,   -- site-year-WT000001
	site_code       text NOT NULL,
	enterprise_code text NOT NULL,
	enterprise_name text NOT NULL,
	category        text NOT NULL,
	case_number     text NOT NULL,
	received_at     text NOT NULL,
	received_date   date NOT NULL,
	-- replayed from the log at the merge
	status          text NOT NULL,
	track           text NOT NULL,
	days            text NOT NULL,      -- JSON: the track's days as its triage recorded them
	department      text NOT NULL,
	helpers         text NOT NULL,      -- JSON list of codes
	explained       date,
	last_note       date,
	promised        date,
	closed_on       date,
	urges           integer NOT NULL,
	track_changes   integer NOT NULL,
	reopened        integer NOT NULL,
	verdict         text NOT NULL
);
CREATE INDEX problems_by_department ON problems (department, received_date);
CREATE INDEX problems_pending ON problems (received_date) WHERE status IN ('received', 'open');
CREATE INDEX problems_closed ON problems (closed_on) WHERE closed_on IS NOT NULL;

CREATE TABLE problem_events (
	number text NOT NULL,
	seq    integer NOT NULL,
	kind   text NOT NULL,
	at     text NOT NULL,
	actor  text NOT NULL,   -- site code / login
	data   text NOT NULL,
	PRIMARY KEY (number, seq)
);

CREATE TABLE problem_documents (
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
CREATE INDEX problem_documents_problem ON problem_documents (number);

-- County departments' answers to problems townships reported up (上报),
-- waiting for the publication that carries them back (published_seq).
CREATE TABLE problem_replies (
	id            bigserial PRIMARY KEY,
	problem       text NOT NULL,
	site_code     text NOT NULL,
	department    text NOT NULL,
	kind          text NOT NULL,
	text          text NOT NULL,
	promised      text NOT NULL,
	at            text NOT NULL,
	actor         text NOT NULL,   -- the centre user's name
	published_seq bigint
);
CREATE INDEX problem_replies_pending ON problem_replies (site_code) WHERE published_seq IS NULL;
