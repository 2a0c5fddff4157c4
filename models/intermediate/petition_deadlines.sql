-- One row per petition event: where it stands against the statutory limits at as_of
-- (信访工作条例 Art. 22-23: accept within 15 days; Art. 34: conclude within 60 days of
-- acceptance, 90 when extended). The counting flags feed 及时受理率 and 按期办结率.
with

events as (
    select * from intermediate.petition_events
),

status as (
    select
        *,
        coalesce(accepted_date <= $as_of, false) as is_accepted,
        coalesce(concluded_date <= $as_of, false) as is_concluded,
        case when is_extended then 90 else 60 end as conclusion_limit_days
    from events
),

flags as (
    select
        *,
        is_accepted
            and date_diff('day', petition_date, accepted_date) <= 15 as is_accepted_timely,
        is_accepted
            or date_diff('day', petition_date, $as_of) > 15 as counts_for_acceptance,
        is_concluded
            and date_diff('day', accepted_date, concluded_date) <= conclusion_limit_days
            as is_concluded_on_time,
        is_concluded
            or (is_accepted and date_diff('day', accepted_date, $as_of) > conclusion_limit_days)
            as counts_for_conclusion,
        case
            when is_concluded then null
            when is_accepted then 'conclusion'
            else 'acceptance'
        end as open_stage,
        case
            when is_concluded then null
            when is_accepted then accepted_date + conclusion_limit_days
            else petition_date + 15
        end as deadline
    from status
),

final as (
    select
        event_id,
        township_code,
        petition_no,
        person_key,
        petition_date,
        accepted_date,
        concluded_date,
        is_extended,
        level,
        source_row_id,
        conclusion_limit_days,
        is_accepted,
        is_concluded,
        coalesce(is_accepted_timely, false) as is_accepted_timely,
        coalesce(counts_for_acceptance, false) as counts_for_acceptance,
        coalesce(is_concluded_on_time, false) as is_concluded_on_time,
        coalesce(counts_for_conclusion, false) as counts_for_conclusion,
        open_stage,
        deadline,
        date_diff('day', deadline, $as_of) as days_overdue
    from flags
)

select * from final
