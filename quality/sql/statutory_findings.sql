-- Statutory and logical date rules over the staged rows being validated (信访工作条例 and
-- the register's own logic). One row per finding: the field it points at, the rule code of
-- quality/issues.py, the other field of a date-order finding, an optional value to show.
with petition_rows as (
    select t.row_id, t.file_id, t.sheet_name, t.excel_row, 'petition' as template,
           t.township_code, t.petition_date, t.accepted_date, t.concluded_date,
           t.meeting_date, t.report_date
    from staging.petitions t
    join validation_pending v on v.file_id = t.file_id and v.sheet_name = t.sheet_name
),
petitions as (
    select t.* from staging.petitions t
    join validation_pending v on v.file_id = t.file_id and v.sheet_name = t.sheet_name
),
-- every row that is a petition event: petition rows and petitioned dispute rows
events as (
    select * from petition_rows
    union all
    select d.row_id, d.file_id, d.sheet_name, d.excel_row, 'dispute', d.township_code,
           d.petition_date, d.accepted_date, d.concluded_date, d.meeting_date, d.report_date
    from staging.disputes d
    join validation_pending v on v.file_id = d.file_id and v.sheet_name = d.sheet_name
    where d.petition_date is not null
),
disputes as (
    select d.* from staging.disputes d
    join validation_pending v on v.file_id = d.file_id and v.sheet_name = d.sheet_name
),
findings as (
    -- 受理 on/after 信访 (Art. 22/23 count from the petition date)
    select row_id, file_id, sheet_name, excel_row, template, township_code,
           'accepted_date' as field, 'date_order' as rule, 'petition_date' as other_field,
           null as value
    from events where accepted_date < petition_date
    union all
    -- 办结 on/after 受理 (Art. 34 counts from acceptance)
    select row_id, file_id, sheet_name, excel_row, template, township_code,
           'concluded_date', 'date_order', 'accepted_date', null
    from events where concluded_date < accepted_date
    union all
    select row_id, file_id, sheet_name, excel_row, template, township_code,
           'concluded_date', 'date_order', 'petition_date', null
    from events where concluded_date < petition_date
    union all
    -- no date after the file's receipt (填报日期): the register cannot report the future
    -- (a dispute row's 信访日期 is not its key date: a warning there, not a quarantine)
    select row_id, file_id, sheet_name, excel_row, template, township_code,
           'petition_date',
           case when template = 'petition' then 'key_date_impossible'
                else 'date_after_receipt' end,
           null, null
    from events where petition_date > report_date
    union all
    select row_id, file_id, sheet_name, excel_row, template, township_code,
           d.field, 'date_after_receipt', null, null
    from events,
         unnest([
             {'field': 'accepted_date', 'day': accepted_date},
             {'field': 'concluded_date', 'day': concluded_date},
             {'field': 'meeting_date', 'day': meeting_date}
         ]) as u(d)
    where d.day > report_date
    union all
    -- a group visit names at most 5 representatives (Art. 20)
    select row_id, file_id, sheet_name, excel_row, 'petition', township_code,
           'people_count', 'group_over_5_reps', null, cast(people_count as varchar)
    from petitions where form = 'visit' and people_count > 5
    union all
    -- 化解 on/after 排查
    select row_id, file_id, sheet_name, excel_row, 'dispute', township_code,
           'resolved_date', 'date_order', 'found_date', null
    from disputes where resolved_date < found_date
    union all
    select row_id, file_id, sheet_name, excel_row, 'dispute', township_code,
           'found_date', 'key_date_impossible', null, null
    from disputes where found_date > report_date
    union all
    select row_id, file_id, sheet_name, excel_row, 'dispute', township_code,
           'resolved_date', 'date_after_receipt', null, null
    from disputes where resolved_date > report_date
    union all
    -- resolved needs its resolution date
    select row_id, file_id, sheet_name, excel_row, 'dispute', township_code,
           'resolved_date', 'resolved_without_date', null, null
    from disputes where status = 'resolved' and resolved_date is null
)
select * from findings order by file_id, sheet_name, excel_row, field, rule
