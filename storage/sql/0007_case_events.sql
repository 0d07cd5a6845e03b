-- casegate schema, version 7: changes written straight into PostgreSQL by another system are
-- told like any other. A change of a case's status or case manager made outside casegate's
-- case service (which marks its own transactions) is recorded as an event and announced with
-- pg_notify; the daemon sends the notifications the workflow names for it.
CREATE TABLE case_events (
    id               bigserial PRIMARY KEY,
    case_id          bigint NOT NULL REFERENCES cases (id),
    at               timestamptz NOT NULL DEFAULT now(),
    db_user          text NOT NULL DEFAULT current_user,
    old_status       text NOT NULL,
    new_status       text NOT NULL,
    old_case_manager text,
    new_case_manager text,
    processed_at     timestamptz
);
CREATE INDEX case_events_pending ON case_events (id) WHERE processed_at IS NULL;

CREATE FUNCTION casegate_case_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('casegate.case_service', true), '') = 'on' THEN
        RETURN NEW;
    END IF;
    INSERT INTO case_events (case_id, old_status, new_status, old_case_manager, new_case_manager)
    VALUES (NEW.id, OLD.status, NEW.status, OLD.case_manager, NEW.case_manager);
    PERFORM pg_notify('casegate_case_events', NEW.id::text);
    RETURN NEW;
END
$$;

CREATE TRIGGER cases_changed_outside AFTER UPDATE OF status, case_manager ON cases
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.case_manager IS DISTINCT FROM NEW.case_manager)
    EXECUTE FUNCTION casegate_case_changed();
