-- The latest ingest's figures: the files first seen by the latest batch (one ingest stamps
-- all its files with one first_seen_at, as quality/sql/file_health.sql relies on) and the
-- findings in them; with the totals over every file beside them. Grain: one row per scope.
-- The latest batch is the latest *submission*, as in file_health.sql: a run that only
-- records a lock file or a byte-identical copy is no batch of its own.
with latest as (
    select max(first_seen_at) as at from quality.files
    where status not in ('duplicate', 'skipped')
),
scoped as (
    select 'latest' as scope, f.* from quality.files as f, latest where f.first_seen_at = latest.at
    union all
    select 'all' as scope, f.* from quality.files as f
),
issues as (
    select s.scope, i.file_id, i.sheet_name, i.excel_row, i.severity
    from quality.row_issues as i
    join scoped as s using (file_id)
),
files as (
    select
        scope,
        count(*) as files,
        count(*) filter (where status = 'loaded') as loaded_files,
        count(*) filter (where status = 'rejected') as rejected_files,
        count(*) filter (where status = 'superseded') as superseded_files,
        count(*) filter (where status not in ('loaded', 'rejected', 'superseded'))
            as other_files,
        coalesce(sum(data_rows) filter (where status = 'loaded'), 0)::bigint as data_rows
    from scoped
    group by scope
),
findings as (
    select
        scope,
        count(*) as findings,
        count(distinct (file_id, sheet_name, excel_row)) as rows_with_findings,
        count(distinct (file_id, sheet_name, excel_row)) filter (where severity = 'error')
            as rows_quarantined
    from issues
    group by scope
)
select
    files.*,
    coalesce(findings.findings, 0) as findings,
    coalesce(findings.rows_with_findings, 0) as rows_with_findings,
    coalesce(findings.rows_quarantined, 0) as rows_quarantined,
    latest.at as latest_seen_at
from files
cross join latest
left join findings using (scope)
