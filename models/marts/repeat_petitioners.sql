-- One row per person with two or more petition events (an event belongs to its first
-- party, 信访人). Masked name and phone only (the raw values stay in intermediate.persons).
-- townships: the names of the townships whose registers list the person's events, sorted
-- and comma-joined. repeat_matters: matters on which the person has events on two or more
-- different days (is_repeat: at least one, 重复信访人). open_matters: the person's matters
-- whose latest event is not concluded. highest_level: county < city < province < capital.
with

events as (
    select * from intermediate.petition_events
    where person_key is not null
),

persons as (
    select person_key, name_masked, phone_masked from intermediate.persons
),

townships as (
    select township_code, township_name from reference.townships
),

matters as (
    select matter_id, is_concluded from intermediate.matters
),

person_totals as (
    select
        person_key,
        count(*) as petition_events,
        count(distinct matter_id) as matters,
        min(petition_date) as first_petition_date,
        max(petition_date) as last_petition_date,
        max(case level when 'county' then 1 when 'city' then 2 when 'province' then 3
            when 'capital' then 4 end) as highest_level_rank,
        count(*) filter (where is_group) as group_events,
        bool_or(is_escalated) as is_escalated
    from events
    group by person_key
    having count(*) >= 2
),

person_matters as (
    select
        events.person_key,
        events.matter_id,
        count(distinct events.petition_date) >= 2 as is_repeat_matter,
        not any_value(matters.is_concluded) as is_open
    from events
    inner join matters on matters.matter_id = events.matter_id
    group by events.person_key, events.matter_id
),

matter_counts as (
    select
        person_key,
        count(*) filter (where is_repeat_matter) as repeat_matters,
        count(*) filter (where is_open) as open_matters
    from person_matters
    group by person_key
),

person_townships as (
    select person_key, string_agg(township_name, ',' order by township_name) as townships
    from (
        select distinct events.person_key, townships.township_name
        from events
        inner join townships on townships.township_code = events.township_code
    ) as visited
    group by person_key
),

final as (
    select
        person_totals.person_key,
        persons.name_masked,
        persons.phone_masked,
        person_townships.townships,
        person_totals.petition_events,
        person_totals.matters,
        matter_counts.repeat_matters,
        person_totals.first_petition_date,
        person_totals.last_petition_date,
        case person_totals.highest_level_rank when 1 then 'county' when 2 then 'city'
            when 3 then 'province' when 4 then 'capital' end as highest_level,
        person_totals.group_events,
        matter_counts.open_matters,
        matter_counts.repeat_matters > 0 as is_repeat,
        person_totals.is_escalated
    from person_totals
    left join persons on persons.person_key = person_totals.person_key
    left join matter_counts on matter_counts.person_key = person_totals.person_key
    left join person_townships on person_townships.person_key = person_totals.person_key
)

select * from final order by person_key
