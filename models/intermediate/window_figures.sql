-- One row per window of intermediate.window_counts (window_kind, window_start,
-- township_code; township_code null for the county): every figure of DESIGN.md section 5,
-- computed here once from the window's counts so that every mart shows the same arithmetic.
-- Rates are percentages rounded half up to one decimal (exactly, on the integer counts),
-- null where the denominator is 0. yoy_*_pct compare with the window of the same kind and
-- township a year earlier (window_start - 12 months) and are null where that window is 0
-- or not in range.
with

counts as (
    select * from intermediate.window_counts
),

with_last_year as (
    select
        counts.*,
        last_year.petition_batches as last_year_batches,
        last_year.petition_persons as last_year_persons
    from counts
    left join counts as last_year
        on last_year.window_kind = counts.window_kind
        and last_year.township_code is not distinct from counts.township_code
        and last_year.window_start = cast(counts.window_start - interval 12 month as date)
),

final as (
    select
        window_kind,
        window_start,
        window_end,
        township_code,
        township_name,
        new_cases,
        resolved_cases,
        open_cases,
        case when new_cases > 0 then cast(
            floor((2000.0 * new_cases_resolved + new_cases) / (2.0 * new_cases)) / 10
            as decimal(4, 1)) end as resolution_rate,
        petition_batches,
        petition_persons,
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
        group_petitions,
        escalated_petitions
    from with_last_year
)

select * from final
