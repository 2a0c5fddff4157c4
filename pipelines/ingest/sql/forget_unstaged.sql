-- Staging is derived from the loaded sheets under the current rules. Forget everything
-- derived from a sheet that is no longer loaded (superseded) or was staged under other
-- rules; it is staged again from raw.
create or replace temp table stale_sheets as
select st.file_id, st.sheet_name
from staging.staged_sheets st
left join raw.sheets s
    on s.file_id = st.file_id and s.sheet_name = st.sheet_name and s.status = 'loaded'
where s.file_id is null or st.rules_version <> $rules_version;

delete from staging.parties where row_id in (
    select row_id from staging.disputes join stale_sheets using (file_id, sheet_name)
    union all
    select row_id from staging.petitions join stale_sheets using (file_id, sheet_name)
);
delete from staging.disputes where (file_id, sheet_name) in (select * from stale_sheets);
delete from staging.petitions where (file_id, sheet_name) in (select * from stale_sheets);
delete from quality.row_issues where (file_id, sheet_name) in (select * from stale_sheets);
delete from quality.quarantined_rows where (file_id, sheet_name) in (select * from stale_sheets);
delete from staging.staged_sheets where (file_id, sheet_name) in (select * from stale_sheets);
