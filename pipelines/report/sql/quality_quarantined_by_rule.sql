-- Rows quarantined, by the error rule that put them there (a row is quarantined when it has
-- at least one error finding; a row with two error rules counts under each).
-- Grain: one row per (rule, township_code).
select
    rule,
    township_code,
    count(distinct (file_id, sheet_name, excel_row)) as rows,
    count(distinct file_id) as files
from quality.row_issues
where severity = 'error'
group by rule, township_code
order by rule, township_code nulls last
