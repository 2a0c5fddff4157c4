"""Mark up one sheet of a feedback workbook: problem cells filled red (error) or yellow
(warning) with the messages as a comment, and a 问题说明 column right of the table with
each row's messages. Works on the coordinator's own sheet (an .xlsx opened with openpyxl)
or on a rebuilt one alike."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

ERROR_FILL = PatternFill("solid", start_color="FFFF9999", end_color="FFFF9999")
WARNING_FILL = PatternFill("solid", start_color="FFFFEB84", end_color="FFFFEB84")
SEVERITY_ZH = {"error": "错误", "warning": "提示"}
NOTE_HEADER = "问题说明"
AUTHOR = "县信访局数据校验"


def mark_sheet(ws: Worksheet, issues: list[dict[str, Any]], header_rows: list[int]) -> int:
    """Mark ``ws`` in place; returns the index of the 问题说明 column it added."""
    note_col = ws.max_column + 1
    by_cell: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    by_row: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for issue in issues:
        by_row[issue["excel_row"]].append(issue)
        if issue["column_letter"]:
            by_cell[(issue["excel_row"], issue["column_letter"])].append(issue)
    for (row, letter), found in by_cell.items():
        cell = ws[f"{letter}{row}"]
        if isinstance(cell, MergedCell):
            continue
        worst = "error" if any(i["severity"] == "error" for i in found) else "warning"
        cell.fill = ERROR_FILL if worst == "error" else WARNING_FILL
        text = "\n".join(f"[{SEVERITY_ZH[i['severity']]}] {i['message_zh']}" for i in found)
        cell.comment = Comment(text, AUTHOR, width=320, height=120)
    header = ws.cell(row=max(header_rows) if header_rows else 1, column=note_col)
    if not isinstance(header, MergedCell):
        header.value = NOTE_HEADER
        header.font = Font(bold=True, color="FFC00000")
    ws.column_dimensions[get_column_letter(note_col)].width = 60
    for row, found in by_row.items():
        cell = ws.cell(row=row, column=note_col)
        if isinstance(cell, MergedCell):
            continue
        cell.value = "\n".join(
            f"{SEVERITY_ZH[i['severity']]}：{i['message_zh']}" for i in _unique(found)
        )
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        has_error = any(i["severity"] == "error" for i in found)
        cell.font = Font(color="FFC00000" if has_error else "FF7F6000")
    return note_col


def _unique(issues: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen, out = set(), []
    for i in issues:
        if i["message_zh"] not in seen:
            seen.add(i["message_zh"])
            out.append(i)
    return out
