-- Deadline state of each open petition event as of $as_of (grain: one row per open event);
-- due_soon: deadline within the next 7 days (deadline < as_of + 7), as marts.overdue_petitions.
-- An event listed again in a later register is taken from its latest register row; an
-- event is (township, 信访编号) where given, else (key party, 信访日期, 形式) as DESIGN.md s.4
-- keys petition events (the party by person_key from intermediate.party_persons, which
-- joins a name + phone to its ID; without it, by valid ID, else name + phone).
-- A dispute row with its petition columns filled is an event too; the petition register's
-- row wins over a dispute row of the same event (as in intermediate.petition_events).
-- Stage acceptance: no 受理日期 yet, due 15 days after 信访日期 (Art. 22/23).
-- Stage conclusion: accepted, no 办结日期, due 60 days after 受理 (90 with 延期, Art. 34).
with event_rows as (
    select row_id, 'petition' as template, file_id, sheet_name, excel_row, township_code,
           period, report_date, petition_no, petition_date, form, accepted_date,
           concluded_date, is_extended
    from staging.petitions
    union all
    -- a dispute row whose petition columns are filled is a petition event too
    select row_id, 'dispute', file_id, sheet_name, excel_row, township_code, period,
           report_date, petition_no, petition_date, form, accepted_date, concluded_date,
           coalesce(is_extended, false)
    from staging.disputes
    where petition_date is not null
),
keyed as (
    select t.*,
           coalesce(
               'no:' || t.petition_no,
               'party:' || coalesce(pp.person_key, p.id_number,
                                    p.name || '|' || coalesce(p.phone, ''))
                   || '|' || cast(t.petition_date as varchar) || '|' || coalesce(t.form, ''),
               'row:' || t.row_id
           ) as event_key
    from event_rows t
    left join staging.parties p on p.row_id = t.row_id and p.party_index = 0
    left join party_persons pp
        on pp.row_id = t.row_id and pp.party_index = 0 and pp.template = t.template
),
ranked as (
    select t.*,
           row_number() over (
               partition by t.township_code, t.event_key
               order by t.template = 'petition' desc, t.period desc,
                        t.report_date desc nulls last, t.file_id, t.excel_row desc
           ) as rank_in_event
    from keyed t
    where t.petition_date <= $as_of
),
open_events as (
    select * from ranked
    where rank_in_event = 1 and (concluded_date is null or concluded_date > $as_of)
),
staged as (
    select *,
           case when accepted_date is null or accepted_date > $as_of
                then 'acceptance' else 'conclusion' end as stage
    from open_events
),
dated as (
    select *,
           case when stage = 'acceptance' then petition_date + 15
                when is_extended then accepted_date + 90
                else accepted_date + 60 end as deadline
    from staged
)
select row_id, file_id, sheet_name, excel_row, township_code, petition_no, petition_date,
       accepted_date, is_extended, stage, deadline,
       cast(deadline - cast($as_of as date) as integer) as days_left,
       case when deadline < $as_of then 'overdue'
            when deadline - cast($as_of as date) < 7 then 'due_soon'
            else 'on_time' end as state,
       cast($as_of as date) as as_of
from dated
