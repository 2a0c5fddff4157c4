-- The rejected files, newest first, with the reader's Chinese reason (what the township
-- must do). File names are in the snapshot already (the PII guard scanned them).
-- Grain: one row per rejected file.
select
    file_name,
    township_code,
    period,
    reason_kind,
    reason_zh,
    first_seen_at
from quality.files
where status = 'rejected'
order by first_seen_at desc, path
limit 200
