-- casegate schema, version 8: mail held for review that a member of staff released onto a case
-- (`casegate review attach`): processed again as coming from someone who may add to it.
ALTER TABLE inbound_items ADD COLUMN released_by text;
