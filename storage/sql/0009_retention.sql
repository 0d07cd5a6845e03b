-- casegate schema, version 9: the retention purge. An archived case closed more than
-- retention_days ago keeps its skeleton (reference, office, route, type, employer, dates,
-- status, outcome, actions' kinds and times) and its audit for reporting; its personal data is
-- blanked and its documents and raw mail deleted. purged_at says when.
ALTER TABLE cases ADD COLUMN purged_at timestamptz;
