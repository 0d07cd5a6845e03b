-- casegate schema, version 1: inbound items, submissions, cases and their actions, documents,
-- the audit log, and the notification outbox.

CREATE TABLE inbound_items (
    id              bigserial PRIMARY KEY,
    source          text NOT NULL,          -- mailbox or endpoint name from the configuration
    source_kind     text NOT NULL CHECK (source_kind IN ('imap', 'maildir', 'web', 'file')),
    source_key      text NOT NULL,          -- imap: "UIDVALIDITY/UID"; maildir: unique file name
    uidvalidity     bigint,
    uid             bigint,
    file_name       text,
    sha256          bytea NOT NULL,
    size            integer NOT NULL,
    raw             bytea NOT NULL,
    truncated       boolean NOT NULL DEFAULT false,  -- raw holds only the start (over the size limit)
    message_id      text,
    from_address    text,
    received_at     timestamptz NOT NULL DEFAULT now(),
    state           text NOT NULL DEFAULT 'received'
                    CHECK (state IN ('received', 'processed', 'duplicate', 'set_aside', 'quarantined')),
    verdict         text,
    reason          text,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    duplicate_of    bigint REFERENCES inbound_items (id),
    processed_at    timestamptz,
    UNIQUE (source, source_key)
);
CREATE INDEX inbound_items_pending ON inbound_items (next_attempt_at) WHERE state = 'received';
CREATE INDEX inbound_items_message_id ON inbound_items (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX inbound_items_sha256 ON inbound_items (sha256);

-- One counter per year for CG-YYYY-NNNNNN references.
CREATE TABLE reference_counters (
    year       integer PRIMARY KEY,
    last_value integer NOT NULL
);

CREATE TABLE cases (
    id                bigserial PRIMARY KEY,
    reference         text NOT NULL UNIQUE,
    status            text NOT NULL DEFAULT 'submitted'
                      CHECK (status IN ('submitted', 'accepted', 'returned', 'under_review', 'closed')),
    archived          boolean NOT NULL DEFAULT false,
    local_office      text NOT NULL,
    designated_body   text,
    trainee_name      text NOT NULL,
    gmc_number        text NOT NULL CHECK (gmc_number ~ '^[0-9]{7}$'),
    programme         text,
    grade             text,
    employer          text,
    site              text,
    referrer_name     text NOT NULL,
    referrer_email    text NOT NULL,
    referrer_role     text NOT NULL,
    referrer_phone    text,
    concern_route     text NOT NULL,
    concern_type      text NOT NULL,
    incident_date     date,
    support_requested text[] NOT NULL DEFAULT '{}',
    trainee_aware     boolean,
    details           text NOT NULL,
    terms_accepted    boolean NOT NULL,
    case_manager      text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_gmc_number ON cases (gmc_number);
CREATE INDEX cases_office_status ON cases (local_office, status);

CREATE TABLE submissions (
    id              bigserial PRIMARY KEY,
    reference       text NOT NULL UNIQUE,
    inbound_item_id bigint UNIQUE REFERENCES inbound_items (id),
    channel         text NOT NULL,
    status          text NOT NULL CHECK (status IN ('complete', 'incomplete')),
    fields          jsonb NOT NULL,
    missing         jsonb NOT NULL DEFAULT '[]',
    errors          jsonb NOT NULL DEFAULT '[]',
    notes           jsonb NOT NULL DEFAULT '[]',
    sender_email    text,
    case_id         bigint REFERENCES cases (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- A case is a group of actions: its creation, every status change, note, email and document.
CREATE TABLE case_actions (
    id              bigserial PRIMARY KEY,
    case_id         bigint NOT NULL REFERENCES cases (id),
    kind            text NOT NULL,
    actor           text NOT NULL,
    at              timestamptz NOT NULL DEFAULT now(),
    inbound_item_id bigint REFERENCES inbound_items (id),
    details         jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX case_actions_case ON case_actions (case_id, at);

CREATE TABLE documents (
    id              bigserial PRIMARY KEY,
    case_id         bigint REFERENCES cases (id),
    submission_id   bigint REFERENCES submissions (id),
    inbound_item_id bigint REFERENCES inbound_items (id),
    filename        text NOT NULL,
    content_type    text NOT NULL,
    size            integer NOT NULL,
    sha256          bytea NOT NULL,
    content         bytea NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_log (
    id            bigserial PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT now(),
    actor         text NOT NULL,
    action        text NOT NULL,
    case_id       bigint REFERENCES cases (id),
    submission_id bigint REFERENCES submissions (id),
    details       jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_case ON audit_log (case_id, at);

-- Notifications, written in the same transaction as the change that causes them and sent
-- afterwards by the outbox worker, never inside a transaction.
CREATE TABLE outbox (
    id              bigserial PRIMARY KEY,
    message_id      text NOT NULL UNIQUE,
    kind            text NOT NULL,
    case_id         bigint REFERENCES cases (id),
    submission_id   bigint REFERENCES submissions (id),
    mail_from       text NOT NULL,
    recipients      text[] NOT NULL,
    message         bytea NOT NULL,
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE state = 'pending';
