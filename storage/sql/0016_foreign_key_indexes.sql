-- Every foreign key gets an index on its column, so that a row's referencing rows are looked
-- up rather than found by reading the whole table: the console's audit of a submission
-- (audit_log.submission_id), the purge of a case's mail (outbox.case_id), and each check
-- PostgreSQL makes when a referenced row is deleted (50,000 inbound items deleted by hand took
-- a minute through inbound_items.duplicate_of). Columns mostly empty are indexed where set.
CREATE INDEX audit_log_submission ON audit_log (submission_id) WHERE submission_id IS NOT NULL;
CREATE INDEX case_actions_inbound_item ON case_actions (inbound_item_id)
    WHERE inbound_item_id IS NOT NULL;
CREATE INDEX case_events_case ON case_events (case_id);
CREATE INDEX cases_import ON cases (import_id) WHERE import_id IS NOT NULL;
CREATE INDEX documents_inbound_item ON documents (inbound_item_id)
    WHERE inbound_item_id IS NOT NULL;
CREATE INDEX imported_rows_case ON imported_rows (case_id);
CREATE INDEX imported_rows_import ON imported_rows (import_id);
CREATE INDEX inbound_items_duplicate_of ON inbound_items (duplicate_of)
    WHERE duplicate_of IS NOT NULL;
CREATE INDEX outbox_case ON outbox (case_id) WHERE case_id IS NOT NULL;
CREATE INDEX outbox_submission ON outbox (submission_id) WHERE submission_id IS NOT NULL;
CREATE INDEX reval_manual_actions_gmc_request ON reval_manual_actions (gmc_request_id)
    WHERE gmc_request_id IS NOT NULL;
