-- 该减则减、该免则免 (issue 23): who a waiver policy covers, as the rule an
-- administrator edits (data/policy: fees and items, applicants, conditions,
-- what it takes off; JSON). '' for a policy applied by judgement alone.
ALTER TABLE waiver_policies ADD COLUMN rule TEXT NOT NULL DEFAULT '';
