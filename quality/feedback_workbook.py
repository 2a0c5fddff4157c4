"""Assemble and save the feedback workbook of one file: the coordinator's .xlsx copied
and marked up in place (layout, titles and formats stay), any other file rebuilt
(quality/feedback_rebuild.py); each sheet with issues marked (quality/feedback_markup.py);
the 问题汇总 sheet first (quality/feedback_summary_sheet.py)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from quality.feedback_markup import mark_sheet
from quality.feedback_rebuild import rebuild_workbook
from quality.feedback_summary_sheet import summary_sheet


def build_workbook(
    source: Path,
    target: Path,
    shown_path: str,
    issues: list[dict[str, Any]],
    layouts: dict[str, dict[str, Any]],
    raw_grid: Any,
) -> None:
    """Write the marked-up workbook for one file (see the module docstring)."""
    if source.suffix.lower() in {".xlsx", ".xlsm"} and source.exists():
        wb = load_workbook(source)
    else:
        wb = rebuild_workbook(source, layouts, raw_grid)
    by_sheet: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for issue in issues:
        by_sheet[issue["sheet_name"]].append(issue)
    for sheet, sheet_issues in by_sheet.items():
        if sheet not in wb.sheetnames:
            continue
        header_rows = layouts.get(sheet, {}).get("header_rows") or []
        mark_sheet(wb[sheet], sheet_issues, header_rows)
    summary_sheet(wb, shown_path, issues)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    tmp.replace(target)
