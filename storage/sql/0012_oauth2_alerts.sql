-- What the admins were told about an [[oauth2]] client, so that each problem is told once across
-- restarts and across every process sharing the database: a token that cannot be renewed
-- (the row goes when a token is obtained again, so the next outage is told too), and a client
-- secret about to expire (told again only for another expiry date).
CREATE TABLE oauth2_alerts (
    client     text NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('not_renewed', 'secret_expiring')),
    detail     text NOT NULL,
    alerted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (client, kind)
);
