-- casegate schema, version 2: revalidation. The feeds' snapshots (TIS extract, GMC Connect's
-- GetDoctorsForDB per designated body) and the rows of the snapshots in force, the current
-- classification of every doctor and its history, admins' manual actions with the facts they
-- were made on, connection history, and every request sent to GMC Connect.

-- One row per snapshot taken, applied or refused. designated_body is '' for the TIS extract
-- (it covers every DB).
CREATE TABLE reval_snapshots (
    id              bigserial PRIMARY KEY,
    feed            text NOT NULL CHECK (feed IN ('tis', 'gmc')),
    designated_body text NOT NULL DEFAULT '',
    taken_at        timestamptz NOT NULL DEFAULT now(),
    row_count       integer NOT NULL,
    error_count     integer NOT NULL DEFAULT 0,
    state           text NOT NULL CHECK (state IN ('applied', 'refused')),
    reason          text,          -- why refused (or, when forced through, why it looked wrong)
    applied_at      timestamptz,
    CHECK (feed = 'gmc' OR designated_body = '')
);
CREATE INDEX reval_snapshots_feed ON reval_snapshots (feed, designated_body, id);

-- The TIS persons of the applied TIS snapshot, in extract order (ord) so that a reader sees
-- the records in the order the rules were written for.
CREATE TABLE reval_tis_persons (
    snapshot_id   bigint NOT NULL REFERENCES reval_snapshots (id),
    ord           integer NOT NULL,
    tis_person_id text NOT NULL,
    gmc_number    text NOT NULL DEFAULT '',   -- as TIS holds it, possibly junk
    forenames     text NOT NULL DEFAULT '',
    surname       text NOT NULL DEFAULT '',
    status        text NOT NULL CHECK (status IN ('ACTIVE', 'INACTIVE')),
    current_grade text NOT NULL DEFAULT '',
    PRIMARY KEY (snapshot_id, ord)
);
CREATE INDEX reval_tis_persons_gmc ON reval_tis_persons (gmc_number);

CREATE TABLE reval_tis_memberships (
    snapshot_id         bigint NOT NULL REFERENCES reval_snapshots (id),
    person_ord          integer NOT NULL,
    ord                 integer NOT NULL,
    membership_id       text NOT NULL DEFAULT '',
    programme_name      text NOT NULL DEFAULT '',
    type                text NOT NULL
                        CHECK (type IN ('SUBSTANTIVE', 'LAT', 'FTSTA', 'MILITARY', 'VISITOR', 'ACADEMIC')),
    start_date          date,
    end_date            date,
    curriculum_end_date date,
    designated_body     text NOT NULL DEFAULT '',
    PRIMARY KEY (snapshot_id, person_ord, ord)
);

-- The GetDoctorsForDB rows of each DB's applied snapshot.
CREATE TABLE reval_gmc_doctors (
    snapshot_id     bigint NOT NULL REFERENCES reval_snapshots (id),
    ord             integer NOT NULL,
    designated_body text NOT NULL,
    gmc_number      text NOT NULL CHECK (gmc_number ~ '^[0-9]{7}$'),
    forenames       text NOT NULL DEFAULT '',
    surname         text NOT NULL DEFAULT '',
    date_added      date,
    submission_date date,
    under_notice    text NOT NULL DEFAULT '',
    licence         text NOT NULL DEFAULT 'LICENSED' CHECK (licence IN ('LICENSED', 'SUSPENDED', 'REMOVED')),
    PRIMARY KEY (snapshot_id, ord)
);
CREATE INDEX reval_gmc_doctors_db ON reval_gmc_doctors (designated_body);
CREATE INDEX reval_gmc_doctors_gmc ON reval_gmc_doctors (gmc_number);

-- The current classification of every doctor (key = GMC number, or TIS person id without one).
CREATE TABLE reval_classifications (
    doctor_key            text PRIMARY KEY,
    gmc_number            text,
    tis_person_id         text,
    list                  text NOT NULL
                          CHECK (list IN ('connected', 'discrepancy', 'review', 'hidden', 'historic')),
    rule                  integer NOT NULL,
    reasons               text[] NOT NULL DEFAULT '{}',
    flagged               boolean NOT NULL DEFAULT false,
    tis_designated_bodies text[] NOT NULL DEFAULT '{}',
    gmc_designated_body   text,
    visible_to            jsonb NOT NULL DEFAULT '[]',   -- [{designated_body, editable, action}]
    gmc_request           jsonb,                         -- the failed/refused request shown, if any
    signature             text NOT NULL,                 -- digest of all the above: changed or not
    classified_on         date NOT NULL,                 -- the `today` the rules were applied on
    since                 timestamptz NOT NULL DEFAULT now(),  -- list and reasons unchanged since
    updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reval_classifications_list ON reval_classifications (list);
CREATE INDEX reval_classifications_gmc ON reval_classifications (gmc_number);
CREATE INDEX reval_classifications_visible ON reval_classifications USING gin (visible_to jsonb_path_ops);

-- Every change of a doctor's list or reasons: the reasons that appeared (new) and those that
-- went (resolved). list is NULL when the doctor left the data altogether.
CREATE TABLE reval_classification_history (
    id               bigserial PRIMARY KEY,
    doctor_key       text NOT NULL,
    at               timestamptz NOT NULL DEFAULT now(),
    classified_on    date NOT NULL,
    previous_list    text,
    list             text,
    reasons_new      text[] NOT NULL DEFAULT '{}',
    reasons_resolved text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX reval_classification_history_doctor ON reval_classification_history (doctor_key, at);

-- Requests sent to GMC Connect (TryAddDoctor / TryRemoveDoctor), one row per admin request,
-- retried in place. client_request_id is unique per request and reused on its retries.
CREATE TABLE reval_gmc_requests (
    id                bigserial PRIMARY KEY,
    client_request_id text NOT NULL UNIQUE,
    action            text NOT NULL CHECK (action IN ('add', 'remove')),
    gmc_number        text NOT NULL CHECK (gmc_number ~ '^[0-9]{7}$'),
    designated_body   text NOT NULL,
    reason_code       integer NOT NULL,
    requested_by      text NOT NULL,
    requested_at      timestamptz NOT NULL DEFAULT now(),
    state             text NOT NULL DEFAULT 'pending'
                      CHECK (state IN ('pending', 'sent', 'succeeded', 'refused', 'failed')),
    return_code       integer,
    gmc_request_id    text,
    error             text,
    attempts          integer NOT NULL DEFAULT 0,
    next_attempt_at   timestamptz NOT NULL DEFAULT now(),
    leased_until      timestamptz,
    finished_at       timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reval_gmc_requests_due ON reval_gmc_requests (next_attempt_at)
    WHERE state IN ('pending', 'failed', 'sent');
CREATE INDEX reval_gmc_requests_gmc ON reval_gmc_requests (gmc_number, requested_at);

-- Admins' actions on a doctor: hide/unhide/flag/unflag (never sent to GMC) and add/remove
-- (linked to their GMC request), with the facts shown to the admin when they acted.
CREATE TABLE reval_manual_actions (
    id              bigserial PRIMARY KEY,
    gmc_number      text NOT NULL DEFAULT '',
    tis_person_id   text NOT NULL DEFAULT '',
    action          text NOT NULL CHECK (action IN ('hide', 'unhide', 'flag', 'unflag', 'add', 'remove')),
    designated_body text NOT NULL,
    actor           text NOT NULL,
    at              timestamptz NOT NULL DEFAULT now(),
    effective_on    date NOT NULL,        -- the day the rules count it from
    reason          text NOT NULL DEFAULT '',
    until           date,                 -- hide: last day it applies
    context         jsonb,                -- hide: {gmc_designated_body, tis_designated_bodies}
    facts           jsonb NOT NULL DEFAULT '{}',  -- the classification the admin saw
    gmc_request_id  bigint REFERENCES reval_gmc_requests (id),
    CHECK (gmc_number <> '' OR tis_person_id <> ''),
    CHECK ((action IN ('add', 'remove')) = (gmc_request_id IS NOT NULL))
);
CREATE INDEX reval_manual_actions_gmc ON reval_manual_actions (gmc_number, at);
CREATE INDEX reval_manual_actions_tis ON reval_manual_actions (tis_person_id, at);

-- Connections seen over time: opened when a doctor appears in a DB's applied GMC snapshot,
-- closed (to_date) when the doctor is gone from it. Imported rows carry source 'import'.
CREATE TABLE reval_connection_history (
    id              bigserial PRIMARY KEY,
    gmc_number      text NOT NULL CHECK (gmc_number ~ '^[0-9]{7}$'),
    designated_body text NOT NULL,
    from_date       date,
    to_date         date,
    source          text NOT NULL DEFAULT 'snapshot' CHECK (source IN ('snapshot', 'import'))
);
CREATE INDEX reval_connection_history_gmc ON reval_connection_history (gmc_number);
CREATE UNIQUE INDEX reval_connection_history_open ON reval_connection_history (designated_body, gmc_number)
    WHERE to_date IS NULL AND source = 'snapshot';
