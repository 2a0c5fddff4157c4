-- Pandas frame of the dispute suite: staged rows of the sheets being validated, with the
-- key party's name. Dates as timestamps (GX compares like with like).
select d.row_id, d.file_id, d.sheet_name, d.excel_row, d.township_code,
       cast(d.found_date as timestamp) as found_date,
       cast(d.resolved_date as timestamp) as resolved_date,
       cast(d.arrival_date as timestamp) as arrival_date,
       d.case_no, d.category, d.category_raw, d.people_count, d.status, d.risk_level,
       -- petition columns (null unless the dispute was also petitioned)
       cast(d.petition_date as timestamp) as petition_date,
       cast(d.accepted_date as timestamp) as accepted_date,
       cast(d.concluded_date as timestamp) as concluded_date,
       cast(d.meeting_date as timestamp) as meeting_date,
       d.petition_no, d.form, d.level,
       p.name as party_name
from staging.disputes d
join validation_pending v on v.file_id = d.file_id and v.sheet_name = d.sheet_name
left join staging.parties p on p.row_id = d.row_id and p.party_index = 0
order by d.file_id, d.sheet_name, d.excel_row
