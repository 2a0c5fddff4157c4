-- Findings by register month (the period of the file they were found in) and severity:
-- the trend the data team watches. Rows with an error are the quarantined ones.
-- Grain: one row per (period, severity).
with issues as (
    select i.file_id, i.sheet_name, i.excel_row, i.severity, f.period
    from quality.row_issues as i
    join quality.files as f using (file_id)
)
select
    period,
    severity,
    count(*) as findings,
    count(distinct (file_id, sheet_name, excel_row)) as rows
from issues
group by period, severity
order by period, severity
