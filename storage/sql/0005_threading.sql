-- casegate schema, version 5: threading. Mail held for review (from someone who may not add to
-- the case it names, or failing DMARC) and the reference a message named.
ALTER TABLE inbound_items DROP CONSTRAINT inbound_items_state_check;
ALTER TABLE inbound_items ADD CONSTRAINT inbound_items_state_check
    CHECK (state IN ('received', 'processed', 'duplicate', 'set_aside', 'quarantined', 'held'));
ALTER TABLE inbound_items ADD COLUMN thread_reference text;
CREATE INDEX inbound_items_held ON inbound_items (id) WHERE state = 'held';

-- A complete referral that repeats an open case is recorded on it, not opened again.
CREATE INDEX cases_repeat ON cases (gmc_number, lower(referrer_email)) WHERE status <> 'closed';
