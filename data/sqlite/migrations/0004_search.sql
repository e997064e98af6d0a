-- The list's search box: an FTS5 index with the trigram tokenizer over the
-- applicants' names and credit codes / ID numbers, so that any part of three
-- or more characters ("华盛", "食品" need LIKE; "华盛达", "9133" use the index)
-- is found without reading the whole applicants table. External content: the
-- index holds no second copy of the text, the triggers keep it in step.
CREATE VIRTUAL TABLE applicant_search USING fts5 (
	name, id_code,
	content = 'applicants', content_rowid = 'id',
	tokenize = 'trigram'
);

CREATE TRIGGER applicant_search_insert AFTER INSERT ON applicants BEGIN
	INSERT INTO applicant_search (rowid, name, id_code) VALUES (new.id, new.name, new.id_code);
END;

CREATE TRIGGER applicant_search_update AFTER UPDATE OF name, id_code ON applicants BEGIN
	INSERT INTO applicant_search (applicant_search, rowid, name, id_code) VALUES ('delete', old.id, old.name, old.id_code);
	INSERT INTO applicant_search (rowid, name, id_code) VALUES (new.id, new.name, new.id_code);
END;

CREATE TRIGGER applicant_search_delete AFTER DELETE ON applicants BEGIN
	INSERT INTO applicant_search (applicant_search, rowid, name, id_code) VALUES ('delete', old.id, old.name, old.id_code);
END;

INSERT INTO applicant_search (applicant_search) VALUES ('rebuild');
