-- References come from a sequence per year, which never waits. The counter row that every new
-- case updated was held by one processing transaction until its commit, so the processes and
-- threads opening cases took turns, and each update in a group's savepoint added to the row's
-- chain of versions. Numbers still rise and are never given twice; one taken by work that is
-- then undone is skipped.
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT year, last_value FROM reference_counters LOOP
        EXECUTE format('CREATE SEQUENCE %I START %s', 'case_references_' || r.year, r.last_value + 1);
    END LOOP;
END
$$;
DROP TABLE reference_counters;

-- Year y's sequence, made by its first reference. Two first takers at once: the second waits
-- for the first's commit and then uses what it made (once a year).
CREATE FUNCTION case_reference_sequence(y integer) RETURNS regclass LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    name text := 'case_references_' || y;
    seq regclass := to_regclass(name);
BEGIN
    IF seq IS NULL THEN
        BEGIN
            EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', name);
        EXCEPTION WHEN unique_violation OR duplicate_table THEN
            NULL;
        END;
        seq := name::regclass;
    END IF;
    RETURN seq;
END
$$;

-- The next reference of year y, CG-YYYY-NNNNNN (more digits past 999,999).
CREATE FUNCTION next_case_reference(y integer) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    n bigint := nextval(case_reference_sequence(y));
BEGIN
    RETURN 'CG-' || lpad(y::text, 4, '0') || '-' || lpad(n::text, greatest(6, length(n::text)), '0');
END
$$;

-- Year y's numbers from now on are above `given` (an imported case's own reference). The
-- sequence is moved on by taking numbers, never set: a setval racing another transaction's
-- nextval could move it back. At most the gap is taken (millions of numbers take seconds).
CREATE FUNCTION raise_case_reference(y integer, given bigint) RETURNS void LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    seq regclass := case_reference_sequence(y);
    last bigint;
BEGIN
    LOOP
        last := coalesce(pg_sequence_last_value(seq), 0);
        EXIT WHEN last >= given;
        PERFORM nextval(seq) FROM generate_series(1, given - last);
    END LOOP;
END
$$;
