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
