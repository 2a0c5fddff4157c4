-- One row per (month, township_code, category) with any case found or resolved or any
-- petition event in that month (combinations where nothing happened have no row). Months
-- are those of intermediate.report_months; a case counts under its category, an event
-- under the category of its register row.
with

months as (
    select month from intermediate.report_months
),

cases as (
    select * from intermediate.cases
),

events as (
    select * from intermediate.petition_events
),

found as (
    select
        cast(date_trunc('month', found_date) as date) as month,
        township_code,
        category,
        count(*) as new_cases
    from cases
    group by 1, 2, 3
),

resolved as (
    select
        cast(date_trunc('month', effective_resolved_date) as date) as month,
        township_code,
        category,
        count(*) as resolved_cases
    from cases
    where is_resolved
    group by 1, 2, 3
),

petitioned as (
    select
        cast(date_trunc('month', petition_date) as date) as month,
        township_code,
        category,
        count(*) as petition_batches,
        sum(people_count) as petition_persons
    from events
    group by 1, 2, 3
),

combined as (
    select month, township_code, category, new_cases, 0 as resolved_cases,
        0 as petition_batches, 0 as petition_persons
    from found
    union all
    select month, township_code, category, 0, resolved_cases, 0, 0
    from resolved
    union all
    select month, township_code, category, 0, 0, petition_batches, petition_persons
    from petitioned
),

final as (
    select
        combined.month,
        combined.township_code,
        combined.category,
        cast(sum(combined.new_cases) as bigint) as new_cases,
        cast(sum(combined.resolved_cases) as bigint) as resolved_cases,
        cast(sum(combined.petition_batches) as bigint) as petition_batches,
        cast(sum(combined.petition_persons) as bigint) as petition_persons
    from combined
    inner join months on months.month = combined.month
    group by 1, 2, 3
)

select * from final order by month, township_code, category
