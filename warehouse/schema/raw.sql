-- Raw layer: every file and every data row exactly as received (text), with lineage.
-- Rows of superseded files stay here; only staging forgets them.
create schema if not exists raw;

create table if not exists raw.files (
    -- sha256 of the file's bytes; for an arrival that is not read (pipelines/ingest/arrivals.py)
    -- "<sha256>:copy:<path digest>" (duplicate), "skipped:<path digest>", "link:<path digest>"
    -- (symlink) or "unread:<path digest>" (a file that could not be opened)
    file_id        varchar primary key,
    path           varchar not null,      -- as found in the inbox (relative to it), readable:
                                          -- a non-UTF-8 (GBK) name decoded (pipelines/ingest/walk.py)
    file_name      varchar not null,
    size_bytes     bigint not null,
    file_mtime     timestamp,
    first_seen_at  timestamp not null,
    status         varchar not null,      -- loaded | rejected | superseded | duplicate | skipped
    -- not_spreadsheet | truncated | encrypted | empty | too_large | too_many_rows |
    -- unknown_template | no_township | no_period | not_regular_file | internal_error
    -- (rejected); duplicate; lock_file | hidden_file | special_file |
    -- folder_named_like_file (skipped)
    reason_kind    varchar,
    reason_zh      varchar,
    reason_en      varchar,
    township_code  varchar,
    period         date,
    template       varchar,
    report_date    date,
    superseded_by  varchar,
    data_rows      integer not null default 0,
    quarantine_path varchar,
    -- status duplicate: file_id of the first file with the same bytes (added after the first
    -- release: warehouse.db.ensure_schema adds it to an older warehouse)
    duplicate_of   varchar
);

create table if not exists raw.sheets (
    file_id        varchar not null,
    sheet_name     varchar not null,
    status         varchar not null,      -- loaded | skipped | rejected | superseded
    reason_zh      varchar,
    template       varchar,
    township_code  varchar,
    period         date,
    report_date    date,
    report_date_cell varchar,             -- where the 填报日期 is typed, e.g. "A2" (null: none)
    header_rows    varchar,               -- Excel rows of the header, e.g. "3,4"
    columns_json   varchar,               -- field -> {index, letter, header} as shown
    data_rows      integer not null default 0,
    superseded_by  varchar,
    primary key (file_id, sheet_name)
);

create table if not exists raw.dispute_rows (
    file_id varchar not null, sheet_name varchar not null, excel_row integer not null,
    case_no varchar, township varchar, village varchar, category varchar,
    party_name varchar, id_number varchar, phone varchar, people_count varchar,
    summary varchar, found_date varchar, responsible_unit varchar, leader varchar,
    measures varchar, status varchar, resolved_date varchar, risk_level varchar,
    remarks varchar,
    -- petition columns of a dispute that was also petitioned (optional; blank otherwise).
    -- Added after the first release: warehouse.db.ensure_schema adds them to an older
    -- warehouse; rows landed before stay null there.
    petition_no varchar, petition_date varchar, form varchar, level varchar,
    accepted_date varchar, concluded_date varchar, is_extended varchar, meeting_date varchar,
    extra_cells varchar,                  -- JSON: unrecognized columns, "F:header" -> text
    primary key (file_id, sheet_name, excel_row)
);

create table if not exists raw.petition_rows (
    file_id varchar not null, sheet_name varchar not null, excel_row integer not null,
    petition_no varchar, petition_date varchar, form varchar, party_name varchar,
    id_number varchar, phone varchar, people_count varchar, township varchar,
    village varchar, content varchar, category varchar, level varchar,
    accepted_date varchar, concluded_date varchar, is_extended varchar,
    linked_case_no varchar, meeting_date varchar, remarks varchar,
    extra_cells varchar,
    primary key (file_id, sheet_name, excel_row)
);
