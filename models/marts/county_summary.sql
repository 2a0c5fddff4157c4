-- One row per calendar year of the reporting range: the figures of DESIGN.md section 5 for
-- the whole county, from the 'year' windows of intermediate.window_figures. Flows and rate
-- counts are sums of the township months over the year's months in range (a first year
-- that starts mid-year counts from its first register month), so township_monthly adds up
-- to this table by construction; open_cases is the stock at the end of the year's last
-- month in range. repeat_petitioners: persons with two or more events on different days on
-- one matter, counting events up to year end; co-petitioners count as in
-- marts.repeat_petitioners (intermediate.event_petitioners: their matter, their events). yoy_*_pct compare with the previous year,
-- null where that year is 0 or not in range.
with

figures as (
    select * from intermediate.window_figures
),

events as (
    select person_key, matter_id, petition_date
    from intermediate.event_petitioners
),

years as (
    select *
    from figures
    where window_kind = 'year'
),

repeat_pairs as (
    select
        years.window_start,
        events.person_key
    from years
    inner join events on events.petition_date <= years.window_end
    group by years.window_start, events.person_key, events.matter_id
    having count(distinct events.petition_date) >= 2
),

repeaters as (
    select window_start, count(distinct person_key) as repeat_petitioners
    from repeat_pairs
    group by window_start
),

final as (
    select
        cast(extract(year from years.window_start) as integer) as year,
        years.new_cases,
        years.resolved_cases,
        years.open_cases,
        years.resolution_rate,
        years.petition_batches,
        cast(years.petition_persons as bigint) as petition_persons,
        years.yoy_batches_pct,
        years.yoy_persons_pct,
        years.timely_acceptance_rate,
        years.on_time_conclusion_rate,
        years.one_time_resolution_rate,
        years.first_visit_meeting_rate,
        years.group_petitions,
        years.escalated_petitions,
        cast(coalesce(repeaters.repeat_petitioners, 0) as bigint) as repeat_petitioners
    from years
    left join repeaters on repeaters.window_start = years.window_start
)

select * from final order by year
