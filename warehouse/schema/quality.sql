-- Quality layer: every issue found in a row, and every row that could not be used.
create schema if not exists quality;

create table if not exists quality.row_issues (
    file_id varchar not null,
    file_path varchar not null,
    sheet_name varchar not null,
    excel_row integer not null,
    template varchar not null,
    township_code varchar,
    field varchar,                        -- canonical field name
    column_header varchar,                -- the header as the coordinator sees it
    column_letter varchar,                -- Excel column letter, e.g. "F"
    value_masked varchar,                 -- never a raw ID / phone / name
    rule varchar not null,
    severity varchar not null,            -- error | warning
    message_zh varchar not null,
    source varchar not null default 'rules'  -- rules | expectations
);

-- Rows with at least one error: kept whole (original text) so nothing is lost.
create table if not exists quality.quarantined_rows (
    row_id varchar primary key,
    file_id varchar not null, sheet_name varchar not null, excel_row integer not null,
    template varchar not null, township_code varchar,
    reasons_zh varchar not null,
    cells_json varchar not null           -- field -> original text
);

-- The category words the directory (pipelines/reference/vocab.yaml) did not map, for the
-- data team: one row per word as written (cleaned), rebuilt after staging from the
-- category_unknown findings of current files (quality/unmapped.py). Not PII: published.
create table if not exists quality.unmapped_categories (
    category_written varchar not null,    -- the word as written, cleaned (NFKC, spaces)
    row_count integer not null,           -- register rows (staged or quarantined) with it
    file_count integer not null,
    file_names varchar not null,          -- the files it came from, sorted, joined by "、"
    township_codes varchar,               -- townships of those rows, sorted, comma-joined
    templates varchar not null,           -- dispute | petition | dispute,petition
    first_period date,                    -- earliest register month with the word
    last_period date                      -- latest register month with the word
);
