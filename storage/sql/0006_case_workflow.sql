-- The case workflow (workflow/rules.hpp): staff accept, return, assign, review, close, archive
-- and reopen cases. A status of its own for archived cases, kept in step with the `archived`
-- flag; when the case was closed and its outcome; the case manager looked up ignoring case.

-- A case flagged archived before this version becomes an archived case.
UPDATE cases SET status = 'archived' WHERE archived AND status <> 'archived';

ALTER TABLE cases DROP CONSTRAINT cases_status_check;
ALTER TABLE cases ADD CONSTRAINT cases_status_check
    CHECK (status IN ('submitted', 'accepted', 'returned', 'under_review', 'closed', 'archived'));
ALTER TABLE cases ADD CONSTRAINT cases_archived_status CHECK (archived = (status = 'archived'));

ALTER TABLE cases ADD COLUMN closed_at timestamptz;  -- the last close; NULL while open
ALTER TABLE cases ADD COLUMN outcome text;           -- the outcome recorded, or given on close

CREATE INDEX cases_case_manager ON cases (lower(case_manager)) WHERE case_manager IS NOT NULL;
