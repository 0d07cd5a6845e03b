-- casegate schema, version 4: runs that happen once per interval across all the processes
-- sharing the database (the revalidation check). A process claims a run by moving next_run_at
-- on while it is due, in one UPDATE.
CREATE TABLE schedules (
    name            text PRIMARY KEY,
    next_run_at     timestamptz NOT NULL DEFAULT '-infinity',
    runs            bigint NOT NULL DEFAULT 0,  -- runs claimed so far
    last_started_at timestamptz,
    last_success_at timestamptz,
    last_error      text,
    last_error_at   timestamptz
);
INSERT INTO schedules (name) VALUES ('revalidation');
