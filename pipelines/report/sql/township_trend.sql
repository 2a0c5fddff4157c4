-- New, resolved and open cases per township per month, for the 12 months up to $month.
select
    strftime(month, '%Y-%m') as month_label,
    township_code,
    township_name,
    new_cases,
    resolved_cases,
    open_cases,
    petition_batches,
    petition_persons
from marts.township_monthly
where month between cast($month - interval 11 month as date) and $month
order by month, township_code
