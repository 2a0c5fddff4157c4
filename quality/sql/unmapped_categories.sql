-- Rebuild quality.unmapped_categories from the category_unknown findings (rules, not
-- expectations) of loaded files: one row per word as written (value_masked: a category
-- cell is shown as written, cleaned, in issues). A superseded file's findings are gone with
-- its staging rows, so its words no longer count; quarantined rows' words do (they come
-- back when the row is fixed).
delete from quality.unmapped_categories;
insert into quality.unmapped_categories
with findings as (
    select
        i.value_masked as category_written,
        i.file_id,
        f.file_name,
        coalesce(i.township_code, s.township_code) as township_code,
        i.template,
        s.period
    from quality.row_issues as i
    inner join raw.files as f on f.file_id = i.file_id
    inner join raw.sheets as s on s.file_id = i.file_id and s.sheet_name = i.sheet_name
    where i.rule = 'category_unknown' and i.source = 'rules' and f.status = 'loaded'
        and i.value_masked is not null
)
select
    category_written,
    count(*) as row_count,
    count(distinct file_id) as file_count,
    string_agg(distinct file_name, '、' order by file_name) as file_names,
    string_agg(distinct township_code, ',' order by township_code) as township_codes,
    string_agg(distinct template, ',' order by template) as templates,
    min(period) as first_period,
    max(period) as last_period
from findings
group by category_written
order by row_count desc, category_written;
