-- Top categories this quarter (本季度主要纠纷类别): county-wide new cases and petitions per
-- category in the quarter of the snapshot's as_of, with each category's share of new cases
-- and the same quarter a year earlier. Variable: quarter_start (a date, default as_of's).
with

quarter as (
    select
        cast(coalesce(
            cast(getvariable('quarter_start') as date), date_trunc('quarter', as_of)
        ) as date) as first_month
    from quality.snapshot
),

bounds as (
    select
        first_month,
        cast(first_month + interval 2 month as date) as last_month,
        cast(first_month - interval 12 month as date) as ly_first_month,
        cast(first_month - interval 10 month as date) as ly_last_month
    from quarter
),

this_quarter as (
    select
        c.category,
        sum(c.new_cases) as new_cases,
        sum(c.resolved_cases) as resolved_cases,
        sum(c.petition_batches) as petition_batches,
        sum(c.petition_persons) as petition_persons
    from marts.category_monthly as c
    cross join bounds as b
    where c.month between b.first_month and b.last_month
    group by c.category
),

last_year as (
    select c.category, sum(c.new_cases) as new_cases_last_year
    from marts.category_monthly as c
    cross join bounds as b
    where c.month between b.ly_first_month and b.ly_last_month
    group by c.category
),

final as (
    select
        (select first_month from bounds) as quarter_start,
        rank() over (order by q.new_cases desc, q.petition_batches desc) as rank,
        q.category,
        q.new_cases,
        round(100.0 * q.new_cases / nullif(sum(q.new_cases) over (), 0), 1)
            as share_of_new_cases_pct,
        coalesce(ly.new_cases_last_year, 0) as new_cases_last_year,
        q.resolved_cases,
        q.petition_batches,
        q.petition_persons
    from this_quarter as q
    left join last_year as ly on ly.category = q.category
)

select * from final order by rank, category
