-- One row per petition event open at as_of whose statutory deadline is past or falls
-- within the next 7 days (deadline < as_of + 7). stage: acceptance (not accepted: 15 days
-- from petition_date, 信访工作条例 Art. 22-23) or conclusion (accepted, not concluded: 60
-- days from acceptance, 90 when extended, Art. 34). days_overdue = as_of - deadline:
-- positive when overdue, zero or negative (days left) when due soon. Masked name only.
with

deadlines as (
    select * from intermediate.petition_deadlines
),

townships as (
    select township_code, township_name from reference.townships
),

persons as (
    select person_key, name_masked from intermediate.persons
),

final as (
    select
        deadlines.event_id,
        deadlines.township_code,
        townships.township_name,
        deadlines.petition_no,
        deadlines.person_key,
        persons.name_masked,
        deadlines.petition_date,
        deadlines.open_stage as stage,
        deadlines.deadline,
        deadlines.days_overdue,
        deadlines.level
    from deadlines
    left join townships on townships.township_code = deadlines.township_code
    left join persons on persons.person_key = deadlines.person_key
    where deadlines.open_stage is not null
        and deadlines.days_overdue > -7
)

select * from final order by deadline, event_id
