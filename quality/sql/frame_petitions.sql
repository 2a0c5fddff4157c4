-- Pandas frame of the petition suite (see frame_disputes.sql).
select t.row_id, t.file_id, t.sheet_name, t.excel_row, t.township_code,
       cast(t.petition_date as timestamp) as petition_date,
       cast(t.accepted_date as timestamp) as accepted_date,
       cast(t.concluded_date as timestamp) as concluded_date,
       cast(t.meeting_date as timestamp) as meeting_date,
       cast(t.arrival_date as timestamp) as arrival_date,
       t.petition_no, t.form, t.level, t.category, t.category_raw, t.people_count,
       p.name as party_name
from staging.petitions t
join validation_pending v on v.file_id = t.file_id and v.sheet_name = t.sheet_name
left join staging.parties p on p.row_id = t.row_id and p.party_index = 0
order by t.file_id, t.sheet_name, t.excel_row
