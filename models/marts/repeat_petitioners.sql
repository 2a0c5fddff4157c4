-- One row per person with two or more petition events, counting every event the person
-- petitioned in: as its first party (信访人, who keys the event) or as a co-petitioner
-- listed after them in the same 信访人 cell (DESIGN.md s.5; the rule is in
-- intermediate.event_petitioners). Masked name and phone only (the raw values stay in
-- intermediate.persons).
-- What each column counts, now that co-petitioners count (decided here):
-- * petition_events, first/last_petition_date, townships, highest_level, group_events,
--   is_escalated: over the events the person petitioned in, first party or not; a shared
--   event counts once for each of its petitioners (the county's petition_batches still
--   count it once, for its first party). co_petitioner_events: how many of them list the
--   person after the first party.
-- * matters, repeat_matters, open_matters, is_repeat: over the person's own matters, the
--   linked case (关联纠纷编号) where the event gives one, else (this person, category): a
--   co-petitioner's unlinked matter is theirs, not the first party's. repeat_matters: matters
--   with the person's events on two or more different days (is_repeat: at least one,
--   重复信访人). open_matters: the person's matters whose latest event (among every event on
--   the matter, whoever keyed it) is not concluded.
-- townships: the names of the townships whose registers list the person's events, sorted
-- and comma-joined. highest_level: county < city < province < capital.
with

petitioners as (
    select * from intermediate.event_petitioners
),

events as (
    select event_id, matter_id, petition_date, concluded_date
    from intermediate.petition_events
),

persons as (
    select person_key, name_masked, phone_masked from intermediate.persons
),

townships as (
    select township_code, township_name from reference.townships
),

matter_events as (
    select matter_id, event_id, petition_date, concluded_date from events
    union
    select matter_id, event_id, petition_date, concluded_date from petitioners
),

matter_states as (
    select
        matter_id,
        concluded_date is not null as is_concluded,
        row_number() over (
            partition by matter_id order by petition_date desc, event_id desc
        ) as last_rank
    from matter_events
),

person_totals as (
    select
        person_key,
        count(*) as petition_events,
        count(*) filter (where not is_first_party) as co_petitioner_events,
        count(distinct matter_id) as matters,
        min(petition_date) as first_petition_date,
        max(petition_date) as last_petition_date,
        max(case level when 'county' then 1 when 'city' then 2 when 'province' then 3
            when 'capital' then 4 end) as highest_level_rank,
        count(*) filter (where is_group) as group_events,
        bool_or(is_escalated) as is_escalated
    from petitioners
    group by person_key
    having count(*) >= 2
),

person_matters as (
    select
        petitioners.person_key,
        petitioners.matter_id,
        count(distinct petitioners.petition_date) >= 2 as is_repeat_matter,
        not any_value(matter_states.is_concluded) as is_open
    from petitioners
    inner join matter_states
        on matter_states.matter_id = petitioners.matter_id and matter_states.last_rank = 1
    group by petitioners.person_key, petitioners.matter_id
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
        select distinct petitioners.person_key, townships.township_name
        from petitioners
        inner join townships on townships.township_code = petitioners.township_code
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
        person_totals.is_escalated,
        person_totals.co_petitioner_events
    from person_totals
    left join persons on persons.person_key = person_totals.person_key
    left join matter_counts on matter_counts.person_key = person_totals.person_key
    left join person_townships on person_townships.person_key = person_totals.person_key
)

select * from final order by person_key
