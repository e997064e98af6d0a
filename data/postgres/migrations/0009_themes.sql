-- 一件事 (issue 24): the sites' theme cases (主题件) as their bundles
-- carry them, by number, and each step's case by the case's number.
CREATE TABLE theme_cases (
	number       text PRIMARY KEY,
	site_code    text NOT NULL,
	theme_code   text NOT NULL,
	theme_name   text NOT NULL,
	limit_days   integer NOT NULL,
	together     integer NOT NULL,
	steps        text NOT NULL,
	applicant    text NOT NULL,
	window_code  text NOT NULL,
	clerk        text NOT NULL,
	received_at  text NOT NULL,
	materials    text NOT NULL,
	proofs       text NOT NULL,
	delivered_at text
);
CREATE TABLE theme_members (
	theme_number text NOT NULL,
	position     integer NOT NULL,
	item         text NOT NULL,
	case_number  text,
	PRIMARY KEY (theme_number, position)
);
CREATE INDEX theme_members_case ON theme_members (case_number);
