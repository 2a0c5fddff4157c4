-- One row per petition matter (信访事项): the linked case where 关联纠纷编号 is given, else
-- (person_key, category). Its first event (earliest petition_date) gives its township,
-- person and first-visit meeting; its latest event decides whether it is concluded.
with

events as (
    select * from intermediate.petition_events
),

ordered as (
    select
        *,
        row_number() over (
            partition by matter_id order by petition_date, event_id
        ) as first_rank,
        row_number() over (
            partition by matter_id order by petition_date desc, event_id desc
        ) as last_rank
    from events
),

totals as (
    select
        matter_id,
        count(*) as petition_events,
        count(distinct petition_date) as petition_days,
        min(petition_date) as first_petition_date,
        max(petition_date) as last_petition_date
    from events
    group by matter_id
),

first_events as (
    select
        matter_id,
        township_code,
        person_key,
        category,
        linked_case_no,
        coalesce(
            date_diff('day', petition_date, meeting_date) between 0 and 7, false
        ) as is_met_within_7_days
    from ordered
    where first_rank = 1
),

last_events as (
    select matter_id, concluded_date as last_concluded_date
    from ordered
    where last_rank = 1
),

final as (
    select
        totals.matter_id,
        case when first_events.linked_case_no is not null then 'linked_case'
            else 'person_category' end as matter_kind,
        first_events.township_code,
        first_events.person_key,
        first_events.category,
        first_events.linked_case_no,
        totals.first_petition_date,
        totals.last_petition_date,
        totals.petition_events,
        totals.petition_days,
        last_events.last_concluded_date is not null as is_concluded,
        first_events.is_met_within_7_days
    from totals
    inner join first_events on first_events.matter_id = totals.matter_id
    inner join last_events on last_events.matter_id = totals.matter_id
)

select * from final
