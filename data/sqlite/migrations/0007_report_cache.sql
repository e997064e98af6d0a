-- More of each case's clock kept on its row, so that the supervisors'
-- reports are GROUP BY queries over one table instead of a clock reading of
-- every case. Like the due and yellow dates, these are written by the same
-- clock function every time a case gets an event, and recomputed for the
-- cases a calendar change touches; a new cache version (settings.clock_cache)
-- recomputes every case once when the file is opened.
ALTER TABLE applications ADD COLUMN accepted_date TEXT;        -- the day of 受理
ALTER TABLE applications ADD COLUMN used_days INTEGER;         -- working days counted, net of pauses
ALTER TABLE applications ADD COLUMN ontime_promised INTEGER;   -- completed cases: 1 within the promised limit, else 0
ALTER TABLE applications ADD COLUMN ontime_statutory INTEGER;  -- completed cases: within the statutory limit
ALTER TABLE applications ADD COLUMN pause_days INTEGER;        -- working days not counted because of pauses
ALTER TABLE applications ADD COLUMN extra_days INTEGER;        -- approved extension days
ALTER TABLE applications ADD COLUMN supplemented INTEGER;      -- 1 when a 补正 notice was given
ALTER TABLE applications ADD COLUMN red_promised TEXT;         -- open cases: first day red against the promised limit
ALTER TABLE applications ADD COLUMN red_statutory TEXT;
-- The 好差评 on the case's row (also in ratings), so the report's scan needs
-- no lookup per rating.
ALTER TABLE applications ADD COLUMN rated_date TEXT;
ALTER TABLE applications ADD COLUMN rating_level INTEGER;

-- The report reads only this index (it covers every column the report's
-- scan uses, in the order of its GROUP BY), never the wide table rows.
CREATE INDEX applications_report ON applications (item_id, window_id, clerk_id, site_code, used_days, status,
	received_date, accepted_date, closed_date, ontime_promised, ontime_statutory, extra_days, pause_days, supplemented,
	rated_date, rating_level);
-- Completed cases by day and working days used (the weekly chart).
CREATE INDEX applications_done ON applications (closed_date, used_days, status);
CREATE INDEX applications_by_accepted ON applications (accepted_date);

-- Ratings given before this version: their Shanghai date and level.
UPDATE applications SET
	rated_date = (SELECT date(g.at, '+8 hours') FROM ratings g WHERE g.app_id = applications.id),
	rating_level = (SELECT g.level FROM ratings g WHERE g.app_id = applications.id)
WHERE id IN (SELECT app_id FROM ratings);
