-- County counts for $month, the same month a year earlier, January to $month of this year
-- and the same months of the previous year.
with

county as (
    select
        month,
        cast(sum(new_cases) as bigint) as new_cases,
        cast(sum(resolved_cases) as bigint) as resolved_cases,
        cast(sum(open_cases) as bigint) as open_cases,
        cast(sum(petition_batches) as bigint) as petition_batches,
        cast(sum(petition_persons) as bigint) as petition_persons,
        cast(sum(group_petitions) as bigint) as group_petitions,
        cast(sum(escalated_petitions) as bigint) as escalated_petitions
    from marts.township_monthly
    group by month
),

periods as (
    select 'month' as period, $month as first_month, $month as last_month
    union all
    select 'month_ly', cast($month - interval 12 month as date),
        cast($month - interval 12 month as date)
    union all
    select 'ytd', cast(date_trunc('year', $month) as date), $month
    union all
    select 'ytd_ly', cast(date_trunc('year', $month) - interval 12 month as date),
        cast($month - interval 12 month as date)
)

select
    p.period,
    count(c.month) as months,
    cast(sum(c.new_cases) as bigint) as new_cases,
    cast(sum(c.resolved_cases) as bigint) as resolved_cases,
    cast(sum(c.open_cases) filter (where c.month = p.last_month) as bigint) as open_cases,
    cast(sum(c.petition_batches) as bigint) as petition_batches,
    cast(sum(c.petition_persons) as bigint) as petition_persons,
    cast(sum(c.group_petitions) as bigint) as group_petitions,
    cast(sum(c.escalated_petitions) as bigint) as escalated_petitions
from periods as p
left join county as c on c.month between p.first_month and p.last_month
group by p.period
