-- For every (township, template, period) the newest submission wins; the others are
-- superseded. "Newest" = latest 填报日期, then latest file mtime, then first seen, then path,
-- so the outcome does not depend on the order files were listed or read.
create or replace temp table sheet_rank as
select
    s.file_id,
    s.sheet_name,
    first_value(s.file_id) over unit as winner_file_id,
    row_number() over unit as rank_in_unit
from raw.sheets s
join raw.files f using (file_id)
where s.status in ('loaded', 'superseded')
window unit as (
    partition by s.township_code, s.template, s.period
    order by s.report_date desc nulls last, f.file_mtime desc nulls last,
             f.first_seen_at desc, f.path desc
);

update raw.sheets s
set status = case when r.rank_in_unit = 1 then 'loaded' else 'superseded' end,
    superseded_by = case when r.rank_in_unit = 1 then null else r.winner_file_id end
from sheet_rank r
where s.file_id = r.file_id and s.sheet_name = r.sheet_name;

update raw.files f
set status = case when u.loaded > 0 then 'loaded' else 'superseded' end,
    superseded_by = case when u.loaded > 0 then null else u.by_file end
from (
    select file_id,
           count(*) filter (where status = 'loaded') as loaded,
           max(superseded_by) as by_file
    from raw.sheets
    where status in ('loaded', 'superseded')
    group by file_id
) u
where f.file_id = u.file_id and f.status <> 'rejected';
