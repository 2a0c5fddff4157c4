-- One row per calendar year of the reporting range: the figures of DESIGN.md section 5 for
-- the whole county. Flows and rate counts are sums of intermediate.township_month_counts
-- over the year's months in range (a first year that starts mid-year counts from its first
-- register month), so township_monthly adds up to this table by construction; open_cases
-- is the stock at the end of the year's last month in range. repeat_petitioners: persons
-- with two or more events on different days on one matter, counting events up to year end.
-- yoy_*_pct compare with the previous year, null where that year is 0 or not in range.
with

counts as (
    select * from intermediate.township_month_counts
),

events as (
    select person_key, matter_id, petition_date
    from intermediate.petition_events
    where person_key is not null
),

years as (
    select
        cast(extract(year from month) as integer) as year,
        min(month) as first_month,
        max(month) as last_month,
        max(month_end) as year_end
    from counts
    group by 1
),

yearly as (
    select
        years.year,
        sum(counts.new_cases) as new_cases,
        sum(counts.new_cases_resolved) as new_cases_resolved,
        sum(counts.resolved_cases) as resolved_cases,
        sum(counts.open_cases) filter (where counts.month = years.last_month) as open_cases,
        sum(counts.petition_batches) as petition_batches,
        sum(counts.petition_persons) as petition_persons,
        sum(counts.accepted_timely) as accepted_timely,
        sum(counts.acceptance_due) as acceptance_due,
        sum(counts.concluded_on_time) as concluded_on_time,
        sum(counts.conclusion_due) as conclusion_due,
        sum(counts.group_petitions) as group_petitions,
        sum(counts.escalated_petitions) as escalated_petitions,
        sum(counts.new_matters) as new_matters,
        sum(counts.new_matters_concluded) as new_matters_concluded,
        sum(counts.new_matters_one_time) as new_matters_one_time,
        sum(counts.new_matters_met_within_7_days) as new_matters_met_within_7_days
    from years
    inner join counts
        on counts.month between years.first_month and years.last_month
    group by 1
),

repeat_pairs as (
    select
        years.year,
        events.person_key
    from years
    inner join events on events.petition_date <= years.year_end
    group by years.year, events.person_key, events.matter_id
    having count(distinct events.petition_date) >= 2
),

repeaters as (
    select year, count(distinct person_key) as repeat_petitioners
    from repeat_pairs
    group by year
),

with_last_year as (
    select
        yearly.*,
        coalesce(repeaters.repeat_petitioners, 0) as repeat_petitioners,
        last_year.petition_batches as last_year_batches,
        last_year.petition_persons as last_year_persons
    from yearly
    left join yearly as last_year on last_year.year = yearly.year - 1
    left join repeaters on repeaters.year = yearly.year
),

final as (
    select
        year,
        cast(new_cases as bigint) as new_cases,
        cast(resolved_cases as bigint) as resolved_cases,
        cast(open_cases as bigint) as open_cases,
        case when new_cases > 0 then cast(
            floor((2000.0 * new_cases_resolved + new_cases) / (2.0 * new_cases)) / 10
            as decimal(4, 1)) end as resolution_rate,
        cast(petition_batches as bigint) as petition_batches,
        cast(petition_persons as bigint) as petition_persons,
        case when last_year_batches > 0 then cast(
            sign(petition_batches - last_year_batches)
            * floor((2000.0 * abs(petition_batches - last_year_batches) + last_year_batches)
                / (2.0 * last_year_batches)) / 10
            as decimal(9, 1)) end as yoy_batches_pct,
        case when last_year_persons > 0 then cast(
            sign(petition_persons - last_year_persons)
            * floor((2000.0 * abs(petition_persons - last_year_persons) + last_year_persons)
                / (2.0 * last_year_persons)) / 10
            as decimal(9, 1)) end as yoy_persons_pct,
        case when acceptance_due > 0 then cast(
            floor((2000.0 * accepted_timely + acceptance_due) / (2.0 * acceptance_due)) / 10
            as decimal(4, 1)) end as timely_acceptance_rate,
        case when conclusion_due > 0 then cast(
            floor((2000.0 * concluded_on_time + conclusion_due) / (2.0 * conclusion_due)) / 10
            as decimal(4, 1)) end as on_time_conclusion_rate,
        case when new_matters_concluded > 0 then cast(
            floor((2000.0 * new_matters_one_time + new_matters_concluded)
                / (2.0 * new_matters_concluded)) / 10
            as decimal(4, 1)) end as one_time_resolution_rate,
        case when new_matters > 0 then cast(
            floor((2000.0 * new_matters_met_within_7_days + new_matters) / (2.0 * new_matters))
            / 10 as decimal(4, 1)) end as first_visit_meeting_rate,
        cast(group_petitions as bigint) as group_petitions,
        cast(escalated_petitions as bigint) as escalated_petitions,
        cast(repeat_petitioners as bigint) as repeat_petitioners
    from with_last_year
)

select * from final order by year
