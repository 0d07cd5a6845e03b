-- What operators ask of a running casegate (`casegate status`): when each source was last
-- polled, and how the last poll ended. One row per configured mailbox or form endpoint, written
-- by whichever process polled it.
CREATE TABLE source_polls (
    source          text PRIMARY KEY,
    last_poll_at    timestamptz NOT NULL,
    last_success_at timestamptz,
    last_error      text,
    last_error_at   timestamptz,
    stored_total    bigint NOT NULL DEFAULT 0,
    poll_errors     bigint NOT NULL DEFAULT 0
);
