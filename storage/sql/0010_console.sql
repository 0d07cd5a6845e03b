-- casegate schema, version 10: the staff console's sign-in links and sessions. Only SHA-256
-- hashes of the secrets handed out are kept, so a copy of the database signs nobody in.
CREATE TABLE console_sign_ins (
    token_hash  bytea PRIMARY KEY,
    email       text NOT NULL,            -- the member of staff, as configured
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    return_to   text NOT NULL DEFAULT '/'  -- the console page asked for before signing in
);
CREATE INDEX console_sign_ins_expiry ON console_sign_ins (expires_at);

CREATE TABLE console_sessions (
    id_hash       bytea PRIMARY KEY,
    email         text NOT NULL,
    csrf_token    text NOT NULL,          -- put in every form of the session's pages
    via           text NOT NULL,          -- 'link' or 'proxy'
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,   -- absolute expiry
    ended_at      timestamptz,
    flash         text                    -- what the last change did, shown once
);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);

-- What the console's pages look up for every case shown: its submission and documents, and
-- each office's cases newest first (the working list, reports by date).
CREATE INDEX submissions_case ON submissions (case_id);
CREATE INDEX documents_case ON documents (case_id);
CREATE INDEX documents_submission ON documents (submission_id);
CREATE INDEX cases_office_created ON cases (local_office, created_at, id);
