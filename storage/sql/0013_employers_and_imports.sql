-- Employers counted by trust, and historical cases brought in from the offices' spreadsheets.
--
-- A case keeps the employer as written (`employer`) and, when it matched the office's list of
-- employers (NHS trusts and practices by ODS code, [[office]] employers_file) or an alias
-- staff mapped it to, the code and the list's name: reports count by the code.
ALTER TABLE cases ADD COLUMN employer_code text;
ALTER TABLE cases ADD COLUMN employer_name text;
CREATE INDEX cases_employer_code ON cases (local_office, employer_code);

-- "written name" -> code, per office, as `casegate employers map` recorded it. `written` is the
-- name as matching sees it (employers.hpp: lower case, no punctuation, no "NHS Trust" ending).
CREATE TABLE employer_aliases (
    office    text NOT NULL,
    written   text NOT NULL,
    code      text NOT NULL,
    name      text NOT NULL,
    as_given  text NOT NULL,
    mapped_by text NOT NULL,
    mapped_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (office, written)
);

-- One run of `casegate import-cases` that wrote something (a dry run writes nothing).
CREATE TABLE case_imports (
    id          bigserial PRIMARY KEY,
    office      text NOT NULL,
    file_name   text NOT NULL,
    file_sha256 text NOT NULL,
    imported_by text NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    rows_read   integer NOT NULL DEFAULT 0,
    created     integer NOT NULL DEFAULT 0,
    already     integer NOT NULL DEFAULT 0,
    rejected    integer NOT NULL DEFAULT 0
);

-- Each imported row by its key (the office and the row's content), so that importing the same
-- rows again creates nothing.
CREATE TABLE imported_rows (
    key       text PRIMARY KEY,
    import_id bigint NOT NULL REFERENCES case_imports (id),
    case_id   bigint NOT NULL REFERENCES cases (id)
);

ALTER TABLE cases ADD COLUMN import_id bigint REFERENCES case_imports (id);
ALTER TABLE cases ADD COLUMN source_reference text;  -- the spreadsheet's own reference
