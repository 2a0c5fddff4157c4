-- Staging layer: one typed, normalized row per usable register row. Rows are replaced
-- per file (delete the file's rows, insert them again), so a superseded file's rows leave.
create schema if not exists staging;

create table if not exists staging.disputes (
    row_id varchar primary key,           -- file_id:sheet:excel_row
    file_id varchar not null, sheet_name varchar not null, excel_row integer not null,
    township_code varchar not null, period date not null, report_date date,
    -- the file's arrival day (Asia/Shanghai): no row date may be later (DESIGN.md s.7)
    arrival_date date,
    case_no varchar, village varchar, category varchar, category_raw varchar,
    people_count integer not null, summary varchar, found_date date not null,
    responsible_unit varchar, leader varchar, measures varchar,
    status varchar, resolved_date date, risk_level varchar, remarks varchar,
    party_count integer not null,
    -- category_key: the directory's category when the written word maps, else the written
    -- word as cleaned (pipelines.ingest.normalize.vocab.category_key); what case and matter
    -- identity use, so two unknown words are two matters while both count as 其他. Added
    -- after the first release (ensure_schema adds it; a rules change restages the rows).
    category_key varchar,
    -- The row's petition columns (a dispute that was also petitioned): all null unless the
    -- row is a petition event too (petition_date given). Added after the first release;
    -- warehouse.db.ensure_schema adds them to an older warehouse.
    petition_no varchar, petition_date date, form varchar, level varchar,
    accepted_date date, concluded_date date, is_extended boolean, meeting_date date
);

create table if not exists staging.petitions (
    row_id varchar primary key,
    file_id varchar not null, sheet_name varchar not null, excel_row integer not null,
    township_code varchar not null, period date not null, report_date date,
    -- the file's arrival day (Asia/Shanghai): no row date may be later (DESIGN.md s.7)
    arrival_date date,
    petition_no varchar, petition_date date not null, form varchar,
    people_count integer not null, village varchar, content varchar,
    category varchar, category_raw varchar, level varchar,
    accepted_date date, concluded_date date, is_extended boolean not null,
    linked_case_no varchar, meeting_date date, remarks varchar,
    party_count integer not null,
    category_key varchar                  -- as in staging.disputes (added later)
);

-- Parties (当事人 / 信访人) of staged rows, in the order the cell lists them. Raw PII:
-- this table never leaves warehouse.duckdb.
create table if not exists staging.parties (
    row_id varchar not null,
    template varchar not null,
    party_index integer not null,         -- 0 = first party (the key party)
    name varchar,
    id_number varchar,                    -- valid 18-digit ID, else null
    id_status varchar not null,           -- valid | upgraded | checksum | lost_precision | malformed | missing
    phone varchar,
    phone_kind varchar,                   -- mobile | landline
    primary key (row_id, party_index)
);

-- Which loaded sheets have been staged, under which rules version: staging is derived,
-- so a sheet is staged again when the rules change or its file is superseded.
create table if not exists staging.staged_sheets (
    file_id varchar not null,
    sheet_name varchar not null,
    rules_version varchar not null,
    staged_rows integer not null,
    quarantined_rows integer not null,
    primary key (file_id, sheet_name)
);
