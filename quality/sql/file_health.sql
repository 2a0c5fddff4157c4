-- Health of every current file (not superseded): rejected whole, or the share of its data
-- rows quarantined. in_latest_batch: first seen by the latest ingest (one ingest stamps all
-- its files with one time). Duplicates and skipped arrivals (lock files) are not
-- submissions: they neither make a batch usable nor unusable. Grain: one row per file.
with submissions as (
    select * from raw.files where status not in ('duplicate', 'skipped')
),
latest as (select max(first_seen_at) as at from submissions),
quarantined as (
    select file_id, count(*) as rows_quarantined from quality.quarantined_rows group by file_id
)
select f.file_id, f.path, f.township_code, f.template, f.status, f.reason_kind,
       f.data_rows, coalesce(q.rows_quarantined, 0) as rows_quarantined,
       case when f.status = 'rejected' then 1.0
            when f.data_rows = 0 then 0.0
            else coalesce(q.rows_quarantined, 0) / f.data_rows end as error_share,
       f.first_seen_at = latest.at as in_latest_batch
from submissions f
cross join latest
left join quarantined q using (file_id)
where f.status <> 'superseded'
order by f.path
