"""Row dates against the file's arrival and the typed 填报日期 (DESIGN.md s.7), on
stage_sheet directly: a 莲峰镇 dispute sheet of March 2025 whose title says 填报日期
2025-03-28 (on Excel row 2) and that arrived on 2025-04-02."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pipelines.ingest.stage import SheetContext, stage_sheet
from pipelines.ingest.staging_load import arrival_day
from pipelines.privacy import mask_field, shown_text

CTX = SheetContext(
    file_id="f" * 64,
    sheet_name="Sheet1",
    template="dispute",
    township_code="350825100",
    period=date(2025, 3, 1),
    report_date=date(2025, 3, 28),
    arrival_date=date(2025, 4, 2),
    report_date_row=2,
)
HEADERS = {"found_date": "排查时间", "resolved_date": "化解时间"}


def _row(excel_row: int, found: str, resolved: str | None = None) -> dict[str, str | None]:
    return {
        "excel_row": str(excel_row),
        "case_no": f"LF-{excel_row}",
        "category": "邻里纠纷",
        "party_name": "张三",
        "phone": "13800000001",
        "people_count": "1",
        "found_date": found,
        "status": "已化解" if resolved else "化解中",
        "resolved_date": resolved,
    }


def test_dates_up_to_the_arrival_are_used_and_the_report_date_is_stale() -> None:
    # Rows to 03-30 (two days after 03-28), 04-02 itself is the arrival day: not after it.
    staged = stage_sheet(
        CTX,
        [_row(4, "2025-03-05 00:00:00", "2025-03-30"), _row(5, "2025-04-02")],
        HEADERS,
    )
    assert [r["excel_row"] for r in staged.rows] == [4, 5]
    assert not staged.quarantined
    assert [(i.excel_row, i.field, i.rule, i.value, i.other) for i in staged.issues] == [
        (2, "report_date", "report_date_stale", "2025-03-28", "2025-04-02")
    ]
    assert staged.issues[0].message_zh("填报日期") == (
        "第2行填报日期2025-03-28早于表中最晚日期2025-04-02，请更新填报日期。"
    )


def test_a_date_after_the_arrival_is_that_rows_error_only() -> None:
    staged = stage_sheet(
        CTX,
        [_row(4, "2025-03-05"), _row(5, "2025-04-03"), _row(6, "2025-03-10", "2025-04-05")],
        HEADERS,
    )
    assert [r["excel_row"] for r in staged.rows] == [4, 6]
    assert [(i.excel_row, i.field, i.rule, i.value) for i in staged.issues] == [
        (5, "found_date", "key_date_impossible", "2025-04-03"),
        (6, "resolved_date", "date_after_receipt", "2025-04-05"),
    ]  # latest date not after the arrival is 03-10: the 填报日期 (03-28) is not stale


def test_no_report_date_no_stale_warning() -> None:
    ctx = SheetContext(**{**CTX.__dict__, "report_date": None, "report_date_row": None})
    staged = stage_sheet(ctx, [_row(4, "2025-03-30")], HEADERS)
    assert len(staged.rows) == 1 and not staged.issues


def test_arrival_is_the_beijing_day() -> None:
    # 2025-04-01 16:30 UTC is 04-02 00:30 in Beijing; 15:59 UTC is still 04-01 23:59.
    assert arrival_day(datetime(2025, 4, 1, 16, 30)) == date(2025, 4, 2)
    assert arrival_day(datetime(2025, 4, 1, 15, 59)) == date(2025, 4, 1)
    assert arrival_day(datetime(2025, 4, 1, 16, 30, tzinfo=UTC).replace(tzinfo=None)) == date(
        2025, 4, 2
    )
    assert arrival_day(None) is None


def test_a_date_cell_is_shown_as_typed() -> None:
    assert shown_text("2025-03-05 00:00:00") == "2025-03-05"
    assert shown_text("2025-03-05 14:30:00") == "2025-03-05 14:30:00"  # a real time stays
    assert mask_field("resolved_date", "2025-03-05 00:00:00") == "2025-03-05"
    assert mask_field("found_date", "2025年3月5日") == "2025年3月5日"
