"""The 问题汇总 sheet put first in a feedback workbook: one line per finding (a rule broken
by one value in one column, quality/feedback/findings.py), with its rows listed, errors
first, and it opens selected. Each row is still marked in its own sheet (markup.py); this
sheet is the list of what to fix, so one wrong word on 200 rows is one line here."""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from quality.feedback.findings import group_findings
from quality.feedback.markup import ERROR_FILL, SEVERITY_ZH, WARNING_FILL

SUMMARY_SHEET = "问题汇总"
# Rows listed in the 行号 cell before "等共N行": the marked sheet shows every one of them,
# and an Excel cell holds at most 32,767 characters.
ROWS_LISTED = 100
SUMMARY_COLUMNS = (
    "文件",
    "工作表",
    "行号",
    "行数",
    "列",
    "栏目",
    "填写内容（已脱敏）",
    "类别",
    "问题说明",
)
_WIDTHS = (40, 14, 24, 6, 6, 16, 22, 8, 80)


def summary_sheet(wb: Workbook, shown_path: str, issues: list[dict[str, Any]]) -> None:
    """Replace (or add) the 问题汇总 sheet of ``wb`` with the findings of ``issues`` (the
    row issues of one file, quality.row_issues columns)."""
    if SUMMARY_SHEET in wb.sheetnames:
        del wb[SUMMARY_SHEET]
    ws = wb.create_sheet(SUMMARY_SHEET, 0)
    ws.append(list(SUMMARY_COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    category = SUMMARY_COLUMNS.index("类别") + 1
    for finding in group_findings(issues):
        ws.append(
            [
                shown_path,
                "、".join(finding.sheets) if finding.rows else None,
                finding.rows_text(ROWS_LISTED),
                finding.row_count or None,
                finding.column_letter,
                finding.column_header,
                finding.value,
                SEVERITY_ZH[finding.severity],
                finding.message,
            ]
        )
        ws.cell(row=ws.max_row, column=3).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=ws.max_row, column=category).fill = (
            ERROR_FILL if finding.severity == "error" else WARNING_FILL
        )
    for index, width in enumerate(_WIDTHS):
        ws.column_dimensions[chr(ord("A") + index)].width = width
    ws.freeze_panes = "A2"
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = False
    wb.active = 0
    ws.sheet_view.tabSelected = True
