-- One row per (month, township_code) of the reporting range, every township of the county
-- in every month, zeros where nothing happened: the counts behind every figure of DESIGN.md
-- section 5, kept as numerators and denominators so that any window (quarter, year, the
-- whole county) is a sum of these rows. open_cases is a stock at month end, not a flow.
with

months as (
    select month, month_end from intermediate.report_months
),

townships as (
    select township_code, township_name from reference.townships
),

cases as (
    select * from intermediate.cases
),

events as (
    select
        petition_events.*,
        petition_deadlines.is_accepted_timely,
        petition_deadlines.counts_for_acceptance,
        petition_deadlines.is_concluded_on_time,
        petition_deadlines.counts_for_conclusion
    from intermediate.petition_events
    inner join intermediate.petition_deadlines
        on petition_deadlines.event_id = petition_events.event_id
),

matters as (
    select * from intermediate.matters
),

grid as (
    select months.month, months.month_end, townships.township_code, townships.township_name
    from months
    cross join townships
),

found as (
    select
        township_code,
        cast(date_trunc('month', found_date) as date) as month,
        count(*) as new_cases,
        count(*) filter (where is_resolved) as new_cases_resolved
    from cases
    group by 1, 2
),

resolved as (
    select
        township_code,
        cast(date_trunc('month', effective_resolved_date) as date) as month,
        count(*) as resolved_cases
    from cases
    where is_resolved
    group by 1, 2
),

open_stock as (
    select grid.township_code, grid.month, count(*) as open_cases
    from grid
    inner join cases
        on cases.township_code = grid.township_code
        and cases.found_date <= grid.month_end
        and not (cases.is_resolved and cases.effective_resolved_date <= grid.month_end)
    group by 1, 2
),

petitioned as (
    select
        township_code,
        cast(date_trunc('month', petition_date) as date) as month,
        count(*) as petition_batches,
        sum(people_count) as petition_persons,
        count(*) filter (where is_accepted_timely) as accepted_timely,
        count(*) filter (where counts_for_acceptance) as acceptance_due,
        count(*) filter (where is_concluded_on_time) as concluded_on_time,
        count(*) filter (where counts_for_conclusion) as conclusion_due,
        count(*) filter (where is_group) as group_petitions,
        count(*) filter (where is_escalated) as escalated_petitions
    from events
    group by 1, 2
),

first_petitioned as (
    select
        township_code,
        cast(date_trunc('month', first_petition_date) as date) as month,
        count(*) as new_matters,
        count(*) filter (where is_concluded) as new_matters_concluded,
        count(*) filter (where is_concluded and petition_events = 1) as new_matters_one_time,
        count(*) filter (where is_met_within_7_days) as new_matters_met_within_7_days
    from matters
    group by 1, 2
),

final as (
    select
        grid.month,
        grid.month_end,
        grid.township_code,
        grid.township_name,
        coalesce(found.new_cases, 0) as new_cases,
        coalesce(found.new_cases_resolved, 0) as new_cases_resolved,
        coalesce(resolved.resolved_cases, 0) as resolved_cases,
        coalesce(open_stock.open_cases, 0) as open_cases,
        coalesce(petitioned.petition_batches, 0) as petition_batches,
        coalesce(petitioned.petition_persons, 0) as petition_persons,
        coalesce(petitioned.accepted_timely, 0) as accepted_timely,
        coalesce(petitioned.acceptance_due, 0) as acceptance_due,
        coalesce(petitioned.concluded_on_time, 0) as concluded_on_time,
        coalesce(petitioned.conclusion_due, 0) as conclusion_due,
        coalesce(petitioned.group_petitions, 0) as group_petitions,
        coalesce(petitioned.escalated_petitions, 0) as escalated_petitions,
        coalesce(first_petitioned.new_matters, 0) as new_matters,
        coalesce(first_petitioned.new_matters_concluded, 0) as new_matters_concluded,
        coalesce(first_petitioned.new_matters_one_time, 0) as new_matters_one_time,
        coalesce(first_petitioned.new_matters_met_within_7_days, 0)
            as new_matters_met_within_7_days
    from grid
    left join found
        on found.township_code = grid.township_code and found.month = grid.month
    left join resolved
        on resolved.township_code = grid.township_code and resolved.month = grid.month
    left join open_stock
        on open_stock.township_code = grid.township_code and open_stock.month = grid.month
    left join petitioned
        on petitioned.township_code = grid.township_code and petitioned.month = grid.month
    left join first_petitioned
        on first_petitioned.township_code = grid.township_code
        and first_petitioned.month = grid.month
)

select * from final
