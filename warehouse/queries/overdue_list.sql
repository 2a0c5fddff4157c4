-- Overdue list (超期及临期信访事项): open petition events past their statutory deadline, or
-- due within 7 days, at the snapshot's as_of; most overdue first. stage acceptance = not
-- accepted within 15 days, conclusion = not concluded within 60 (90 extended) days.
-- Variable: township (name or code, default all).
with

overdue as (
    select * from marts.overdue_petitions
    where getvariable('township') is null
        or township_name = cast(getvariable('township') as varchar)
        or township_code = cast(getvariable('township') as varchar)
),

final as (
    select
        township_name,
        petition_no,
        petition_date,
        case stage when 'acceptance' then '受理' when 'conclusion' then '办结' end as stage_zh,
        deadline,
        days_overdue,
        case when days_overdue > 0 then '已超期' else '临期' end as status_zh,
        level,
        name_masked,
        person_key,
        event_id
    from overdue
)

select * from final order by days_overdue desc, township_name, petition_date
