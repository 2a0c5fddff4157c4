"""The expectation suites for the staging frames, as code (Great Expectations 1.x).

A suite is a list of `Check`s (quality/checks.py), one list per frame: disputes and
petitions (the pandas form of staging rows with their lineage) and parties. Running them
and mapping failing rows back to file / sheet / Excel row is quality/suite_run.py.

The row rules in `pipelines.ingest.stage` decide cell by cell while staging; the suites
assert that the staged frame honours the contract (docs/contracts.md) and catch what a
single cell cannot show: unknown townships, dates outside the plausible range, numbers
repeated within a sheet, and any regression in the normalizers. No row date may be later
than the file's arrival (``arrival_date``, DESIGN.md s.7); the typed 填报日期 bounds nothing.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

from pipelines.reference import load
from quality.checks import Check, in_set, not_before, not_null

SUITE_VERSION = "2026.12-1"
EARLIEST_DATE = datetime(2000, 1, 1)
MOBILE_OR_LANDLINE = r"^(?:1[3-9]\d{9}|0\d{2,3}-\d{7,8})$"
ID_STATUS_OK = ["valid", "upgraded", "missing"]


def _known_townships() -> list[str]:
    return [t.code for t in load.townships()]


def _vocab_values(kind: str) -> list[str]:
    return list(load.vocab()[kind])


def _common(key_date: str, number: str) -> list[Check]:
    return [
        not_null("township_code", "township_missing", "township"),
        in_set("township_code", _known_townships(), "township_missing", "township"),
        not_null(
            key_date,
            "key_date_missing",
            key_date,
            covers=("key_date_unparseable", "key_date_impossible"),
        ),
        Check(
            "ExpectColumnValuesToBeBetween",
            {"column": key_date, "min_value": EARLIEST_DATE},
            "key_date_impossible",
            key_date,
        ),
        not_before("arrival_date", key_date, "key_date_impossible", key_date),
        Check(
            "ExpectColumnValuesToBeBetween",
            {"column": "people_count", "min_value": 1},
            "people_count_invalid",
            "people_count",
        ),
        not_null("people_count", "people_count_invalid", "people_count"),
        in_set("category", _vocab_values("category"), "category_unknown", "category"),
        in_set("category_raw", [], "category_unknown", "category"),  # domain set per run
        not_null(
            "party_name", "party_name_missing", "party_name", covers=("party_count_mismatch",)
        ),
        Check(
            "ExpectCompoundColumnsToBeUnique",
            {
                "column_list": ["file_id", "sheet_name", number],
                "ignore_row_if": "any_value_is_missing",
            },
            "case_no_duplicate",
            number,
            repeats_only=True,
        ),
    ]


def _petition_columns() -> list[Check]:
    """Date order, receipt and word checks of the petition columns (信访工作条例 Art. 22-34
    count from 信访日期 and 受理日期); shared by petition rows and petitioned dispute rows."""
    return [
        *[
            not_before(d, "petition_date", "date_order", d, other_field="petition_date")
            for d in ("accepted_date", "concluded_date", "meeting_date")
        ],
        not_before(
            "concluded_date",
            "accepted_date",
            "date_order",
            "concluded_date",
            other_field="accepted_date",
        ),
        *[
            not_before("arrival_date", d, "date_after_receipt", d)
            for d in ("accepted_date", "concluded_date", "meeting_date")
        ],
        in_set("form", _vocab_values("form"), "value_unknown", "form"),
        in_set("level", _vocab_values("level"), "value_unknown", "level"),
    ]


@cache
def suites() -> dict[str, list[Check]]:
    """The suites by frame name: disputes, petitions, parties.

    Every check of a suite has its own name (quality/checks.py): the name is how a GX
    result finds its check again, hence the field a finding is attributed to."""
    disputes = [
        *_common("found_date", "case_no"),
        not_before(
            "resolved_date", "found_date", "date_order", "resolved_date", other_field="found_date"
        ),
        not_before("arrival_date", "resolved_date", "date_after_receipt", "resolved_date"),
        in_set("status", _vocab_values("status"), "value_unknown", "status"),
        in_set("risk_level", _vocab_values("risk_level"), "value_unknown", "risk_level"),
        # a dispute that was also petitioned: its petition columns obey the petition rules
        not_before("arrival_date", "petition_date", "date_after_receipt", "petition_date"),
        *_petition_columns(),
    ]
    petitions = [
        *_common("petition_date", "petition_no"),
        *_petition_columns(),
    ]
    parties = [
        in_set("id_status", ID_STATUS_OK, "id_checksum", "id_number", rule_from_value="id_"),
        not_null("phone", "phone_missing", "phone", covers=("phone_invalid",)),
        Check(
            "ExpectColumnValuesToMatchRegex",
            {"column": "phone", "regex": MOBILE_OR_LANDLINE},
            "phone_invalid",
            "phone",
        ),
        in_set("phone_kind", ["mobile", "landline"], "phone_invalid", "phone"),
    ]
    out = {"disputes": disputes, "petitions": petitions, "parties": parties}
    for name, checks in out.items():
        names = [c.name for c in checks]
        if len(set(names)) != len(names):
            raise ValueError(f"suite {name}: two checks share a name: {sorted(names)}")
    return out
