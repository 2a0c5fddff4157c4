-- County KPIs for a year (全县年度指标) against the year before: the figures leadership
-- reports (化解率, 及时受理率, 按期办结率, 一次性化解率, 批次/人次 and 同比, ...), one row per
-- figure. Variable: year (default the snapshot's as_of year).
with

chosen as (
    select cast(coalesce(getvariable('year'), year(as_of)) as integer) as year
    from quality.snapshot
),

this_year as (
    select s.* from marts.county_summary as s inner join chosen as c on s.year = c.year
),

previous_year as (
    select s.* from marts.county_summary as s inner join chosen as c on s.year = c.year - 1
),

figures as (
    select * from (values
        (1, 'new_cases', '新增矛盾纠纷'),
        (2, 'resolved_cases', '化解数'),
        (3, 'open_cases', '存量'),
        (4, 'resolution_rate', '化解率(%)'),
        (5, 'petition_batches', '信访批次'),
        (6, 'petition_persons', '信访人次'),
        (7, 'yoy_batches_pct', '批次同比(%)'),
        (8, 'yoy_persons_pct', '人次同比(%)'),
        (9, 'timely_acceptance_rate', '及时受理率(%)'),
        (10, 'on_time_conclusion_rate', '按期办结率(%)'),
        (11, 'one_time_resolution_rate', '一次性化解率(%)'),
        (12, 'first_visit_meeting_rate', '初访7日见面率(%)'),
        (13, 'group_petitions', '集体访'),
        (14, 'escalated_petitions', '越级访'),
        (15, 'repeat_petitioners', '重复信访人数')
    ) as f(position, figure, figure_zh)
),

this_long as (
    unpivot (select columns(* exclude (year))::double from this_year)
    on columns(*)
    into name figure value value
),

previous_long as (
    unpivot (select columns(* exclude (year))::double from previous_year)
    on columns(*)
    into name figure value value
),

final as (
    select
        (select year from chosen) as year,
        f.figure,
        f.figure_zh,
        t.value as this_year,
        p.value as previous_year
    from figures as f
    left join this_long as t on t.figure = f.figure
    left join previous_long as p on p.figure = f.figure
    order by f.position
)

select * from final
