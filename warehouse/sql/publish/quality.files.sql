-- quality.files: every file received, from raw.files. quarantine_path (a server path) is
-- left out; file names are kept (the PII guard checks them like every other text).
select
    file_id,
    path,
    file_name,
    size_bytes,
    file_mtime,
    first_seen_at,
    status,
    reason_kind,
    reason_zh,
    reason_en,
    township_code,
    period,
    template,
    report_date,
    superseded_by,
    duplicate_of,
    data_rows
from raw.files
order by first_seen_at, path
