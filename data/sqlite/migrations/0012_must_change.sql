-- A user whose PIN is still the one the sample catalogue ships (1234) on a
-- real site must choose their own before anything else (issue 19).
ALTER TABLE users ADD COLUMN must_change INTEGER NOT NULL DEFAULT 0;
