"""Cell-value normalizers: pure functions from raw cell text to typed values plus an issue
code (docs/contracts.md). No Dagster here; the staging layer calls these per cell."""

from pipelines.ingest.normalize.dates import DateValue, parse_date
from pipelines.ingest.normalize.ids import IdValue, normalize_id, upgrade_15
from pipelines.ingest.normalize.numbers import CountValue, parse_count
from pipelines.ingest.normalize.parties import (
    PartyCells,
    PartyList,
    split_names,
    split_numbers,
    split_parties,
)
from pipelines.ingest.normalize.phones import PhoneValue, normalize_phone
from pipelines.ingest.normalize.text import clean_text, compact
from pipelines.ingest.normalize.vocab import (
    Mapped,
    category_key,
    map_category,
    map_extended,
    map_form,
    map_level,
    map_risk,
    map_status,
)

__all__ = [
    "CountValue",
    "DateValue",
    "IdValue",
    "Mapped",
    "PartyCells",
    "PartyList",
    "PhoneValue",
    "category_key",
    "clean_text",
    "compact",
    "map_category",
    "map_extended",
    "map_form",
    "map_level",
    "map_risk",
    "map_status",
    "normalize_id",
    "normalize_phone",
    "parse_count",
    "parse_date",
    "split_names",
    "split_numbers",
    "split_parties",
    "upgrade_15",
]
