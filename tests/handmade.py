"""Registers written by hand, the way other counties' clerks write them: the corpus our
sample generator did not make (it shares the reader's assumptions, so a test on its output
cannot find what the reader misunderstands).

A test builds its workbook here cell by cell (openpyxl, as Excel itself would store it:
shared strings, a title row merged across the table, a 填报单位/填报日期 line, the header,
the rows, maybe a 合计 row and notes), runs the real nightly job on it, and asserts what a
person computes by hand from that sheet. Keep the expected figures written out in the test,
never computed by the code under test.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

Cell = str | int | float | date | datetime | None

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

# Headers as a clerk types them (synonyms of DESIGN.md s.3, not always the directory's).
DISPUTE_HEADER: list[str] = [
    "序号",
    "编号",
    "乡镇",
    "村（社区）",
    "纠纷类别",
    "当事人",
    "身份证号",
    "联系电话",
    "涉及人数",
    "排查时间",
    "责任单位",
    "包案领导",
    "化解状态",
    "化解时间",
    "风险等级",
]
PETITION_HEADER: list[str] = [
    "序号",
    "信访编号",
    "信访日期",
    "信访形式",
    "信访人",
    "身份证号",
    "联系电话",
    "人数",
    "乡镇",
    "村",
    "问题类别",
    "信访层级",
    "受理日期",
    "办结日期",
    "是否延期",
    "关联纠纷编号",
    "领导见面日期",
]


def id18(first17: str) -> str:
    """A valid 18-digit ID (GB 11643 check digit) from its first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def write_register(
    path: Path,
    *,
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    report_line: str | None = None,
    sheet_name: str = "Sheet1",
    total_row: bool = False,
    notes: Sequence[str] = (),
    arrived: datetime | None = None,
) -> Path:
    """Write one register as a clerk would: title (merged across the table), an optional
    "填报单位：… 填报日期：…" line, the header, the rows, an optional 合计 row and notes.

    ``rows`` are the cells in header order (dates may be real dates: Excel stores them as
    date cells). ``arrived`` sets the file's modification time, which is its arrival when
    the inbox sees it later (DESIGN.md s.7).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_name
    width = len(header)
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    if report_line is not None:
        sheet.append([report_line])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    if total_row:
        sheet.append(["合计", len(rows)])
    for note in notes:
        sheet.append([note])
    # Text is a string cell, as Excel stores a cell typed as text ("'=1+1", or a column
    # formatted 文本): openpyxl would make "=1+1" a formula and "#N/A" an error cell.
    for line in sheet.iter_rows():
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    book.save(path)
    if arrived is not None:
        stamp = arrived.timestamp()
        os.utime(path, (stamp, stamp))
    return path
