-- Monthly trend per township (各乡镇月度趋势): new, resolved and open cases, petition
-- batches and persons with their 同比, for the 12 months up to the latest month with data
-- on or before the snapshot's as_of.
-- Variables: township (name or code, default all), months (default 12).
with

snapshot as (
    select max(t.month) as as_of_month
    from marts.township_monthly as t
    cross join quality.snapshot as s
    where t.month <= s.as_of
),

window_months as (
    select
        cast(as_of_month - to_months(coalesce(getvariable('months'), 12) - 1) as date)
            as first_month,
        as_of_month as last_month
    from snapshot
),

final as (
    select
        t.month,
        t.township_code,
        t.township_name,
        t.new_cases,
        t.resolved_cases,
        t.open_cases,
        t.resolution_rate,
        t.petition_batches,
        t.yoy_batches_pct,
        t.petition_persons,
        t.yoy_persons_pct
    from marts.township_monthly as t
    cross join window_months as w
    where t.month between w.first_month and w.last_month
        and (
            getvariable('township') is null
            or t.township_name = cast(getvariable('township') as varchar)
            or t.township_code = cast(getvariable('township') as varchar)
        )
)

select * from final order by township_code, month
