-- Findings (quality.row_issues: one per cell) by rule and township, counted three ways:
-- findings (cells), rows (distinct file, sheet, Excel row) and files.
-- Grain: one row per (rule, severity, township_code).
select
    rule,
    severity,
    township_code,
    count(*) as findings,
    count(distinct (file_id, sheet_name, excel_row)) as rows,
    count(distinct file_id) as files
from quality.row_issues
group by rule, severity, township_code
order by severity, rule, township_code nulls last
