"""Feedback only for files with something to fix, masked by field (issue 14, DESIGN.md s.8),
on registers written by hand (tests/handmade.py) through the real nightly job.

As of 2025-04-10 the recent register months are 2025-01 on (as_of's month minus three). So:
- 莲峰镇's October 2024 register has one warning (an empty 联系电话) and no error: an old
  month's note, no workbook (the warning stays in quality.row_issues for the analysts);
- its November 2024 register has an error (化解时间 2024-11-03 before 排查时间 2024-11-20):
  old, but an error is always fed back. Its 备注 names both of the file's parties
  ("张三丰反映邻居李四占用通道", on 张三丰's row; 李四 is the party of the next row);
- its March 2025 register has the same kind of warning only: recent, so it gets a pair.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from pipelines.runner import run_nightly
from quality.feedback.write import MASKED_SUFFIX, SUFFIX
from tests.handmade import DISPUTE_HEADER, id18, write_register

pytestmark = pytest.mark.integration

AS_OF = date(2025, 4, 10)
HEADER = [*DISPUTE_HEADER, "备注"]
REMARK = "张三丰反映邻居李四占用通道"
MASKED_REMARK = "张**反映邻居李*占用通道"  # mask_name keeps the surname: 张三丰 -> 张**
OLD_WARNING = "莲峰镇2024年10月矛盾纠纷排查化解台账"
OLD_ERROR = "莲峰镇2024年11月矛盾纠纷排查化解台账"
RECENT_WARNING = "莲峰镇2025年3月矛盾纠纷排查化解台账"


def _row(n: int, name: str, phone: str | None, found: date, resolved: date, remark: str) -> list:
    """A dispute row with a valid ID, a directory category and a resolution."""
    return [
        n, f"LF-{n:03d}", "莲峰镇", "莲峰村", "邻里纠纷", name, id18(f"350825198001010{n:02d}"),
        phone, 2, found, "莲峰镇司法所", "李明", "已化解", resolved, "低", remark,
    ]  # fmt: skip


def _register(inbox: Path, title: str, rows: list[list], arrived: datetime) -> None:
    write_register(inbox / f"{title}.xlsx", title=title, header=HEADER, rows=rows, arrived=arrived)


def _remark_cell(path: Path) -> str:
    """The 备注 cell of the first data row (title row 1, header row 2, data from row 3)."""
    ws = load_workbook(path)["Sheet1"]
    column = next(c.column for c in ws[2] if c.value == "备注")
    return ws.cell(row=3, column=column).value


def test_feedback_for_errors_and_recent_warnings_with_remarks_masked(
    home: Path, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    _register(
        inbox,
        OLD_WARNING,
        [_row(1, "王五", None, date(2024, 10, 8), date(2024, 10, 20), "")],
        datetime(2024, 11, 2, 9, 0),
    )
    _register(
        inbox,
        OLD_ERROR,
        [
            _row(2, "张三丰", "13800000002", date(2024, 11, 20), date(2024, 11, 3), REMARK),
            _row(3, "李四", "13800000003", date(2024, 11, 5), date(2024, 11, 9), "双方已和解"),
        ],
        datetime(2024, 12, 2, 9, 0),
    )
    _register(
        inbox,
        RECENT_WARNING,
        [_row(4, "赵六", None, date(2025, 3, 8), date(2025, 3, 20), "")],
        datetime(2025, 4, 2, 9, 0),
    )
    outcome = run_nightly(home=home, inbox=inbox, as_of=AS_OF)
    assert outcome.success, outcome.failure

    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        issues = con.execute(
            "select f.file_name, i.rule, i.severity from quality.row_issues i"
            " join raw.files f using (file_id) order by f.file_name, i.rule"
        ).fetchall()
    # Each warning is still recorded for the analysts, fed back or not.
    assert issues == [
        (f"{OLD_WARNING}.xlsx", "phone_missing", "warning"),
        (f"{OLD_ERROR}.xlsx", "date_order", "error"),
        (f"{RECENT_WARNING}.xlsx", "phone_missing", "warning"),
    ]
    folder = home / "feedback" / "莲峰镇"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [
            f"{OLD_ERROR}{SUFFIX}",
            f"{OLD_ERROR}{MASKED_SUFFIX}",
            f"{RECENT_WARNING}{SUFFIX}",
            f"{RECENT_WARNING}{MASKED_SUFFIX}",
        ]
    )
    # The remark names the row's party and the other row's: both masked in the twin, the
    # full copy (for fixing the sheet on the county's network) keeps what was typed.
    assert _remark_cell(folder / f"{OLD_ERROR}{MASKED_SUFFIX}") == MASKED_REMARK
    assert _remark_cell(folder / f"{OLD_ERROR}{SUFFIX}") == REMARK
