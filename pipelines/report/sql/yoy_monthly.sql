-- County petition batches and persons per month of $month's year up to $month, and the same
-- months a year earlier (同比).
with

county as (
    select
        month,
        cast(sum(petition_batches) as bigint) as petition_batches,
        cast(sum(petition_persons) as bigint) as petition_persons
    from marts.township_monthly
    group by month
),

this_year as (
    select * from county
    where month between cast(date_trunc('year', $month) as date) and $month
),

final as (
    select
        month(t.month) as month_number,
        t.petition_batches,
        coalesce(ly.petition_batches, 0) as last_year_batches,
        t.petition_persons,
        coalesce(ly.petition_persons, 0) as last_year_persons
    from this_year as t
    left join county as ly on ly.month = cast(t.month - interval 12 month as date)
)

select * from final order by month_number
