-- Files per township and status (a rejected file the reader could not place has no
-- township: township_code null). Grain: one row per (township_code, status).
select
    township_code,
    status,
    count(*) as files
from quality.files
group by township_code, status
order by township_code nulls last, status
