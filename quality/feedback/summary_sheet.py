"""The 问题汇总 sheet put first in a feedback workbook: one line per issue (file, sheet,
row, column, value masked, 错误/提示, message), errors first, and it opens selected."""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from quality.feedback.markup import ERROR_FILL, SEVERITY_ZH, WARNING_FILL

SUMMARY_SHEET = "问题汇总"
_SUMMARY_COLUMNS = (
    "文件",
    "工作表",
    "行号",
    "列",
    "栏目",
    "填写内容（已脱敏）",
    "类别",
    "问题说明",
)


def summary_sheet(wb: Workbook, shown_path: str, issues: list[dict[str, Any]]) -> None:
    if SUMMARY_SHEET in wb.sheetnames:
        del wb[SUMMARY_SHEET]
    ws = wb.create_sheet(SUMMARY_SHEET, 0)
    ws.append(list(_SUMMARY_COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i in sorted(
        issues, key=lambda x: (x["severity"] != "error", x["sheet_name"], x["excel_row"])
    ):
        ws.append(
            [
                shown_path,
                i["sheet_name"],
                i["excel_row"],
                i["column_letter"],
                i["column_header"],
                i["value_masked"],
                SEVERITY_ZH[i["severity"]],
                i["message_zh"],
            ]
        )
        ws.cell(row=ws.max_row, column=7).fill = (
            ERROR_FILL if i["severity"] == "error" else WARNING_FILL
        )
    for letter, width in zip("ABCDEFGH", (40, 14, 8, 6, 16, 22, 8, 80), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = False
    wb.active = 0
    ws.sheet_view.tabSelected = True
