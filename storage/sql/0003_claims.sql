-- casegate schema, version 3: several casegate processes on one database. An inbound item is
-- claimed by one session before it is parsed (claimed_by is that session's pg_backend_pid(),
-- claimed_until its lease), and copies of one message are serialised by advisory locks.

ALTER TABLE inbound_items
    ADD COLUMN claimed_by    integer,      -- pg_backend_pid() of the claiming session
    ADD COLUMN claimed_until timestamptz;  -- the claim's lease

-- Takes, for the rest of the transaction, the advisory locks of a message's copies: one on its
-- bytes (SHA-256) and, when it has one, one on its Message-ID, in that order. Fails with
-- lock_not_available (55P03) rather than waiting when another session holds either, so two
-- groups of items in two transactions can never wait for each other's locks.
CREATE FUNCTION casegate_lock_copies(sha bytea, message_id text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtextextended(encode(sha, 'hex'), 1))
       OR (message_id <> '' AND NOT pg_try_advisory_xact_lock(hashtextextended(message_id, 0)))
    THEN
        RAISE EXCEPTION 'a copy of this message is being processed by another session'
            USING ERRCODE = 'lock_not_available';
    END IF;
END
$$;
