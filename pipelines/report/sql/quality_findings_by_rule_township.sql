-- Findings (quality.row_issues: one per cell) by rule and township, counted three ways:
-- findings (cells), rows (distinct file, sheet, Excel row) and files; is_total rows hold
-- the rule's county total (a county-wide file may hold rows of several townships, so the
-- townships' file counts do not add up to it).
-- Grain: one row per (rule, severity, township_code), and one per (rule, severity) total.
select
    grouping(township_code) = 1 as is_total,
    rule,
    severity,
    township_code,
    count(*) as findings,
    count(distinct (file_id, sheet_name, excel_row)) as rows,
    count(distinct file_id) as files
from quality.row_issues
group by grouping sets ((rule, severity, township_code), (rule, severity))
order by severity, rule, is_total, township_code nulls last
