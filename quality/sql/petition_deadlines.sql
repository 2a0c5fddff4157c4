-- Deadline state of each open petition event as of $as_of, for coordinators (grain: one row
-- per open event, on its latest register row). The events and their statutory limits are
-- intermediate.petition_deadlines' - one implementation of DESIGN.md s.4's event keys and of
-- 信访工作条例 Art. 22/23 (accept within 15 days) and Art. 34 (conclude within 60 days of
-- acceptance, 90 with 延期); this adds the lineage a coordinator needs (file, sheet, row)
-- and the state: due_soon = deadline within the next 7 days, as marts.overdue_petitions.
with

open_events as (
    select *
    from intermediate.petition_deadlines
    where open_stage is not null and petition_date <= $as_of
),

register_rows as (
    select row_id, file_id, sheet_name, excel_row from staging.petitions
    union all
    select row_id, file_id, sheet_name, excel_row
    from staging.disputes
    where petition_date is not null
),

final as (
    select
        register_rows.row_id,
        register_rows.file_id,
        register_rows.sheet_name,
        register_rows.excel_row,
        open_events.township_code,
        open_events.petition_no,
        open_events.petition_date,
        open_events.accepted_date,
        open_events.is_extended,
        open_events.open_stage as stage,
        open_events.deadline,
        cast(open_events.deadline - cast($as_of as date) as integer) as days_left,
        case
            when open_events.deadline < $as_of then 'overdue'
            when open_events.deadline - cast($as_of as date) < 7 then 'due_soon'
            else 'on_time'
        end as state,
        cast($as_of as date) as as_of
    from open_events
    inner join register_rows on register_rows.row_id = open_events.source_row_id
)

select * from final
