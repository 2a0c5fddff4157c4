-- One row per month of the reporting range (month = first day, month_end = last day): from
-- the earliest to the latest register period staged. The range ends at the latest register
-- period, not at the as_of month: a month whose registers have not arrived yet would show
-- zeros that mean "not reported", not "nothing happened". Cases found before the first
-- register period are not months of their own; they count in open_cases from the first
-- month on. Registers of a period after as_of are left out (not yet sent as of that date), so
-- a re-run for a past as_of ends its range there.
with

periods as (
    select period from staging.disputes where period <= $as_of
    union all
    select period from staging.petitions where period <= $as_of
),

bounds as (
    select min(period) as first_month, max(period) as last_month
    from periods
),

months as (
    select cast(generated.month as date) as month
    from bounds,
        generate_series(bounds.first_month, bounds.last_month, interval 1 month)
            as generated(month)
),

final as (
    select
        month,
        last_day(month) as month_end,
        cast(extract(year from month) as integer) as year
    from months
)

select * from final
