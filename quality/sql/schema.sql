-- Tables of the validation layer (quality/). Applied idempotently by quality.validate.
create schema if not exists quality;

-- Which staged sheets the suites have seen, under which staging rules
-- version: a sheet restaged under new rules (or new suites) is validated again.
create table if not exists quality.validated_sheets (
    file_id varchar not null,
    sheet_name varchar not null,
    rules_version varchar not null,
    suite_version varchar not null,
    findings integer not null,
    rows_quarantined integer not null,
    validated_at timestamp not null,
    primary key (file_id, sheet_name)
);

-- Deadline state of every open petition event as of the run's as_of (信访工作条例
-- Art. 22/23: accept within 15 days; Art. 34: conclude within 60 days of acceptance, 90
-- with an extension). Grain: one row per open petition event (latest register row of a
-- (township, 信访编号), else the row itself). Rebuilt every run.
create table if not exists quality.petition_deadlines (
    row_id varchar primary key,
    file_id varchar not null, sheet_name varchar not null, excel_row integer not null,
    township_code varchar not null,
    petition_no varchar,
    petition_date date not null,
    accepted_date date,
    is_extended boolean not null,
    stage varchar not null,               -- acceptance | conclusion
    deadline date not null,
    days_left integer not null,           -- negative: days overdue
    state varchar not null,               -- on_time | due_soon | overdue
    as_of date not null
);

-- Feedback workbooks written for coordinators: regenerated only when a file's issues change.
create table if not exists quality.feedback_files (
    file_id varchar primary key,
    township_code varchar,
    output_path varchar not null,
    issues_digest varchar not null,
    issues integer not null,
    errors integer not null,
    written_at timestamp not null
);
