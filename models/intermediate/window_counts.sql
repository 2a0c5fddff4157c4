-- One row per window (window_kind, window_start, township_code): the counts behind the
-- figures of DESIGN.md section 5, for every township in every month of the reporting range
-- (window_kind 'month', window_start the month) and for the whole county in every calendar
-- year of it (window_kind 'year', window_start 1 January, township_code and township_name
-- null). Year rows are sums of the month rows over the year's months in range (a first year
-- that starts mid-year counts from its first register month), so the township months add up
-- to the county years by construction. window_end is the last day of the window's last
-- month in range; open_cases is the stock at window_end, not a flow.
with

counts as (
    select * from intermediate.township_month_counts
),

monthly as (
    select
        'month' as window_kind,
        month as window_start,
        month_end as window_end,
        township_code,
        township_name,
        new_cases,
        new_cases_resolved,
        resolved_cases,
        open_cases,
        petition_batches,
        petition_persons,
        accepted_timely,
        acceptance_due,
        concluded_on_time,
        conclusion_due,
        group_petitions,
        escalated_petitions,
        new_matters,
        new_matters_concluded,
        new_matters_one_time,
        new_matters_met_within_7_days
    from counts
),

years as (
    select
        cast(date_trunc('year', month) as date) as window_start,
        max(month) as last_month,
        max(month_end) as window_end
    from counts
    group by 1
),

yearly as (
    select
        'year' as window_kind,
        years.window_start,
        years.window_end,
        cast(null as varchar) as township_code,
        cast(null as varchar) as township_name,
        cast(sum(counts.new_cases) as bigint) as new_cases,
        cast(sum(counts.new_cases_resolved) as bigint) as new_cases_resolved,
        cast(sum(counts.resolved_cases) as bigint) as resolved_cases,
        cast(sum(counts.open_cases) filter (where counts.month = years.last_month) as bigint)
            as open_cases,
        cast(sum(counts.petition_batches) as bigint) as petition_batches,
        cast(sum(counts.petition_persons) as bigint) as petition_persons,
        cast(sum(counts.accepted_timely) as bigint) as accepted_timely,
        cast(sum(counts.acceptance_due) as bigint) as acceptance_due,
        cast(sum(counts.concluded_on_time) as bigint) as concluded_on_time,
        cast(sum(counts.conclusion_due) as bigint) as conclusion_due,
        cast(sum(counts.group_petitions) as bigint) as group_petitions,
        cast(sum(counts.escalated_petitions) as bigint) as escalated_petitions,
        cast(sum(counts.new_matters) as bigint) as new_matters,
        cast(sum(counts.new_matters_concluded) as bigint) as new_matters_concluded,
        cast(sum(counts.new_matters_one_time) as bigint) as new_matters_one_time,
        cast(sum(counts.new_matters_met_within_7_days) as bigint)
            as new_matters_met_within_7_days
    from years
    inner join counts
        on cast(date_trunc('year', counts.month) as date) = years.window_start
    group by years.window_start, years.window_end, years.last_month
),

final as (
    select * from monthly
    union all
    select * from yearly
)

select * from final
