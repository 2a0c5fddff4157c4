-- Files by status and, for rejected files, by reason (quality.files: one row per file that
-- arrived). Grain: one row per (status, reason_kind).
select
    status,
    reason_kind,
    count(*) as files,
    count(distinct township_code) as townships,
    sum(data_rows)::bigint as data_rows
from quality.files
group by status, reason_kind
order by status, files desc, reason_kind
