-- Rows quarantined, by the error rule that put them there (a row is quarantined when it has
-- at least one error finding; a row with two error rules counts under each).
-- is_total rows hold the rule's county total (see quality_findings_by_rule_township.sql).
-- Grain: one row per (rule, township_code), and one per rule total.
select
    grouping(township_code) = 1 as is_total,
    rule,
    township_code,
    count(distinct (file_id, sheet_name, excel_row)) as rows,
    count(distinct file_id) as files
from quality.row_issues
where severity = 'error'
group by grouping sets ((rule, township_code), (rule))
order by rule, is_total, township_code nulls last
