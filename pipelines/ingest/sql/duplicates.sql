-- A duplicate arrival names the township, period and template of the file it copies (read
-- in the same batch or earlier), so quality.files shows whose copy it is.
update raw.files d
set township_code = o.township_code, period = o.period, template = o.template,
    report_date = o.report_date
from raw.files o
where d.status = 'duplicate' and d.duplicate_of = o.file_id and d.township_code is null;
