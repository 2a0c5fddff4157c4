-- Repeat and escalated petitioners whose first event is on or before $month's end, per
-- township they petitioned in (townships is comma-joined) (a person in two townships counts in both).
with

persons as (
    select unnest(string_split(townships, ',')) as township_name, is_repeat, is_escalated, open_matters
    from marts.repeat_petitioners
    where first_petition_date <= last_day($month)
)

select
    township_name,
    count(*) filter (where is_repeat) as repeat_petitioners,
    count(*) filter (where is_escalated) as escalated_petitioners,
    count(*) filter (where open_matters > 0) as with_open_matters
from persons
group by township_name
order by repeat_petitioners desc, township_name
