-- 该减则减 (issue 23): each waiver policy's rule (policy.Rule as JSON text,
-- '' for none), as the sites' bundles bring it, so that the centre judges
-- every site's cases (cases --json's eligible, the 政策落实督查).
ALTER TABLE waiver_policies ADD COLUMN rule text NOT NULL DEFAULT '';
