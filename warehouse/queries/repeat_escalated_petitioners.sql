-- Repeat and escalated petitioners (重复访、越级访人员): persons with repeat matters or an
-- event above county level, the most active first. Names and phones are masked; person_key
-- is a pseudonym that stays the same across runs, so a person can be followed over time.
with

petitioners as (
    select * from marts.repeat_petitioners
    where is_repeat or is_escalated
),

final as (
    select
        person_key,
        name_masked,
        phone_masked,
        townships,
        petition_events,
        matters,
        repeat_matters,
        open_matters,
        group_events,
        highest_level,
        is_repeat,
        is_escalated,
        first_petition_date,
        last_petition_date
    from petitioners
)

select * from final
order by petition_events desc, repeat_matters desc, last_petition_date desc, person_key
