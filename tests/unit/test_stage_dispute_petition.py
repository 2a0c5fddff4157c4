"""A dispute row's petition columns (DESIGN.md s.4): typed like a petition row's, checked by
the same date rules, and ignored when empty."""

from __future__ import annotations

from datetime import date

from pipelines.ingest.stage import DISPUTE_PETITION_FIELDS, SheetContext, stage_sheet

CTX = SheetContext(
    file_id="f" * 64,
    sheet_name="Sheet1",
    template="dispute",
    township_code="350825100",
    period=date(2025, 3, 1),
    arrival_date=date(2025, 4, 3),
)
HEADERS = {"accepted_date": "受理日期", "petition_date": "信访日期"}


def _row(excel_row: int, **petition: str) -> dict[str, str | None]:
    return {
        "excel_row": str(excel_row),
        "case_no": f"LF-{excel_row}",
        "category": "邻里纠纷",
        "party_name": "张三",
        "phone": "13800000001",
        "people_count": "3",
        "found_date": "2025-03-02",
        "status": "化解中",
        **petition,
    }


def test_empty_petition_columns_are_just_a_dispute() -> None:
    staged = stage_sheet(CTX, [_row(5, is_extended="否")], HEADERS)
    assert len(staged.rows) == 1 and not staged.issues
    assert all(staged.rows[0][f] is None for f in DISPUTE_PETITION_FIELDS)


def test_filled_petition_columns_are_typed() -> None:
    cells = _row(5, petition_no="XF1", petition_date="3月4日", form="来访", level="赴市",
                 accepted_date="2025.3.6", is_extended="是")
    record = stage_sheet(CTX, [cells], HEADERS).rows[0]
    assert (record["petition_no"], record["petition_date"], record["form"]) == (
        "XF1", date(2025, 3, 4), "visit")
    assert (record["level"], record["accepted_date"], record["is_extended"]) == (
        "city", date(2025, 3, 6), True)
    assert record["people_count"] == 3  # the dispute's 涉及人数


def test_acceptance_before_petition_quarantines_the_row() -> None:
    cells = _row(6, petition_date="2025-03-04", accepted_date="2025-03-03")
    staged = stage_sheet(CTX, [cells], HEADERS)
    assert not staged.rows and len(staged.quarantined) == 1
    assert [(i.field, i.rule) for i in staged.issues] == [("accepted_date", "date_order")]


def test_petition_columns_without_a_petition_date_keep_the_dispute() -> None:
    staged = stage_sheet(CTX, [_row(7, form="来信"), _row(8, petition_date="待定")], HEADERS)
    assert len(staged.rows) == 2
    assert all(r["petition_date"] is None and r["form"] is None for r in staged.rows)
    assert [(i.excel_row, i.rule) for i in staged.issues] == [
        (7, "petition_date_missing"), (8, "date_unparseable")]
