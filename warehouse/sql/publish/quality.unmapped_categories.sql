-- quality.unmapped_categories: category words the directory did not map, as built after
-- staging. Words are not personal data; the PII guard checks them like every other text.
select
    category_written,
    row_count,
    file_count,
    file_names,
    township_codes,
    templates,
    first_period,
    last_period
from quality.unmapped_categories
order by row_count desc, category_written
