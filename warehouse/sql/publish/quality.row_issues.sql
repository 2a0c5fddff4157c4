-- quality.row_issues: issues per cell, values already masked by the rules. Never joined to
-- quality.quarantined_rows, whose cells_json holds the raw text.
select
    file_id,
    file_path,
    sheet_name,
    excel_row,
    template,
    township_code,
    field,
    column_header,
    column_letter,
    value_masked,
    rule,
    severity,
    message_zh,
    source
from quality.row_issues
order by file_path, sheet_name, excel_row, field, rule
