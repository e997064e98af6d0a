-- The proofs the clerk recorded at intake (in a case's first event, kind
-- received), one row per case that has some, so that the 政策落实督查 finds
-- them without reading a year of events (issue 23: the report by department
-- over a million cases read 14,892 first events for them). Derived data:
-- events are never changed or deleted (0001), so the trigger below keeps
-- this table whole whoever writes a case (the counter, the demo's bulk
-- insert, a merged bundle).
CREATE TABLE case_proofs (
	app_id INTEGER PRIMARY KEY REFERENCES applications (id),
	proofs TEXT NOT NULL
);
INSERT INTO case_proofs (app_id, proofs)
	SELECT app_id, json_extract(data, '$.proofs') FROM events
	WHERE seq = 1 AND CASE WHEN json_valid(data) THEN json_type(data, '$.proofs') = 'array' END;
CREATE TRIGGER case_proofs_insert AFTER INSERT ON events
	WHEN NEW.seq = 1 AND CASE WHEN json_valid(NEW.data) THEN json_type(NEW.data, '$.proofs') = 'array' END
BEGIN
	INSERT OR REPLACE INTO case_proofs (app_id, proofs) VALUES (NEW.app_id, json_extract(NEW.data, '$.proofs'));
END;
