-- The first date each open case turns yellow against its promised and its
-- statutory limit (a cache of the clock, like the due dates), so the list can
-- show only yellow and red cases without reading every case's events.
-- Filled by the clock-cache refresh that runs when the program opens a file
-- whose cache version is older (settings.clock_cache).
ALTER TABLE applications ADD COLUMN yellow_promised TEXT;
ALTER TABLE applications ADD COLUMN yellow_statutory TEXT;
