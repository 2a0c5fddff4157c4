-- One row per (month, township_code): the caseload and petition figures of DESIGN.md
-- section 5 for every township of the county in every month of the reporting range
-- (intermediate.report_months: earliest to latest register period), zeros where nothing
-- happened. Rates are percentages rounded half up to one decimal, null where the
-- denominator is 0; yoy_*_pct compare with the same month a year earlier and are null
-- where that month is 0 or not in range. The figures are the 'month' windows of
-- intermediate.window_figures, where every rate is computed.
with

figures as (
    select * from intermediate.window_figures
),

final as (
    select
        window_start as month,
        township_code,
        township_name,
        new_cases,
        resolved_cases,
        open_cases,
        resolution_rate,
        petition_batches,
        petition_persons,
        yoy_batches_pct,
        yoy_persons_pct,
        timely_acceptance_rate,
        on_time_conclusion_rate,
        one_time_resolution_rate,
        first_visit_meeting_rate,
        group_petitions,
        escalated_petitions
    from figures
    where window_kind = 'month'
)

select * from final order by month, township_code
