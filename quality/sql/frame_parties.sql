-- Pandas frame of the party suite: every party of the staged rows being validated.
with rows as (
    select row_id, file_id, sheet_name, excel_row from staging.disputes
    union all
    select row_id, file_id, sheet_name, excel_row from staging.petitions
)
select p.row_id, r.file_id, r.sheet_name, r.excel_row, p.template, p.party_index,
       p.id_status, p.id_number, p.phone, p.phone_kind
from staging.parties p
join rows r on r.row_id = p.row_id
join validation_pending v on v.file_id = r.file_id and v.sheet_name = r.sheet_name
order by r.file_id, r.sheet_name, r.excel_row, p.party_index
