-- County new cases per category per month, for the 12 months up to $month.
select
    strftime(month, '%Y-%m') as month_label,
    category,
    cast(sum(new_cases) as bigint) as new_cases,
    cast(sum(petition_batches) as bigint) as petition_batches
from marts.category_monthly
where month between cast($month - interval 11 month as date) and $month
group by all
order by month_label, category
