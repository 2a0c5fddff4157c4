"""Feedback workbooks: the coordinator's own sheet, marked up, plus a summary.

For each current file with issues: DISPUTES_HOME/feedback/<township>/<name>_问题反馈.xlsx
- problem cells filled red (error) or yellow (warning), with the messages as a comment;
- a 问题说明 column right of the table with each row's messages;
- a first sheet 问题汇总: file, sheet, row, column, value (masked), 错误/提示, message.
An .xlsx is copied with openpyxl and marked up in place (the coordinator's layout, titles
and formats stay); .xls and .csv are rebuilt cell by cell from the text grid the ingest
reads; a file no longer in the inbox is rebuilt from its raw rows. A workbook is written
again only when its file's issues changed (digest in quality.feedback_files).
Plain functions; no Dagster.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipelines.ingest.fields import FIELDS
from pipelines.ingest.read import read_workbook
from pipelines.reference.load import townships

ERROR_FILL = PatternFill("solid", start_color="FFFF9999", end_color="FFFF9999")
WARNING_FILL = PatternFill("solid", start_color="FFFFEB84", end_color="FFFFEB84")
SEVERITY_ZH = {"error": "错误", "warning": "提示"}
NOTE_HEADER = "问题说明"
SUMMARY_SHEET = "问题汇总"
SUFFIX = "_问题反馈.xlsx"
AUTHOR = "县信访局数据校验"
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


@dataclass
class FeedbackSummary:
    written: int = 0
    unchanged: int = 0
    removed: int = 0

    def metadata(self) -> dict[str, int]:
        return dict(self.__dict__)


def township_folder(code: str | None) -> str:
    names = {t.code: t.name for t in townships()}
    return names.get(code or "", code or "未识别乡镇")


def output_path(feedback_dir: Path, township_code: str | None, file_name: str) -> Path:
    return feedback_dir / township_folder(township_code) / f"{Path(file_name).stem}{SUFFIX}"


def _issues_by_file(con: duckdb.DuckDBPyConnection) -> dict[str, list[dict[str, Any]]]:
    cursor = con.execute(
        """
        select i.file_id, i.sheet_name, i.excel_row, i.field, i.column_header,
               i.column_letter, i.value_masked, i.rule, i.severity, i.message_zh
        from quality.row_issues i
        join raw.files f on f.file_id = i.file_id and f.status = 'loaded'
        order by i.file_id, i.sheet_name, i.excel_row, i.column_letter nulls last, i.rule
        """
    )
    names = [d[0] for d in cursor.description]
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in cursor.fetchall():
        rec = dict(zip(names, row, strict=True))
        out[rec.pop("file_id")].append(rec)
    return out


def issues_digest(issues: list[dict[str, Any]]) -> str:
    payload = json.dumps(issues, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def write_feedback(
    con: duckdb.DuckDBPyConnection, inbox: Path, feedback_dir: Path
) -> FeedbackSummary:
    """Write (or leave as is) the feedback workbook of every current file with issues;
    remove workbooks of files that were superseded or have no issues any more."""
    summary = FeedbackSummary()
    by_file = _issues_by_file(con)
    files = {
        r[0]: {"path": r[1], "file_name": r[2], "township_code": r[3]}
        for r in con.execute(
            "select file_id, path, file_name, township_code from raw.files"
        ).fetchall()
    }
    done = {
        r[0]: (r[1], r[2])
        for r in con.execute(
            "select file_id, output_path, issues_digest from quality.feedback_files"
        ).fetchall()
    }
    for file_id, (path, _) in done.items():
        if file_id not in by_file:
            Path(path).unlink(missing_ok=True)
            con.execute("delete from quality.feedback_files where file_id = ?", [file_id])
            summary.removed += 1
    for file_id, issues in by_file.items():
        info = files[file_id]
        target = output_path(feedback_dir, info["township_code"], info["file_name"])
        digest = issues_digest(issues)
        if done.get(file_id) == (str(target), digest) and target.exists():
            summary.unchanged += 1
            continue
        sheets = _sheet_layouts(con, file_id)
        build_workbook(
            inbox / info["path"],
            target,
            info["path"],
            issues,
            sheets,
            partial(_raw_grid, con, file_id, layouts=sheets),
        )
        con.execute(
            "insert or replace into quality.feedback_files values (?, ?, ?, ?, ?, ?, ?)",
            [
                file_id,
                info["township_code"],
                str(target),
                digest,
                len(issues),
                sum(1 for i in issues if i["severity"] == "error"),
                datetime.now(UTC).replace(tzinfo=None),
            ],
        )
        summary.written += 1
    return summary


def _sheet_layouts(con: duckdb.DuckDBPyConnection, file_id: str) -> dict[str, dict[str, Any]]:
    return {
        r[0]: {
            "template": r[1],
            "header_rows": [int(x) for x in (r[2] or "").split(",") if x],
            "columns": json.loads(r[3] or "{}"),
        }
        for r in con.execute(
            "select sheet_name, template, header_rows, columns_json from raw.sheets"
            " where file_id = ? and status = 'loaded'",
            [file_id],
        ).fetchall()
    }


def _raw_grid(
    con: duckdb.DuckDBPyConnection, file_id: str, sheet: str, *, layouts: dict[str, dict]
) -> dict[tuple[int, int], str]:
    """(excel_row, column index) -> text, from the raw rows (the source file is gone)."""
    layout = layouts.get(sheet) or {"template": "dispute", "header_rows": [1], "columns": {}}
    template, columns = layout["template"], layout["columns"]
    grid: dict[tuple[int, int], str] = {}
    header_row = max(layout["header_rows"] or [1])
    for ref in columns.values():
        grid[(header_row, ref["index"])] = ref["header"]
    fields = [f for f in FIELDS[template] if f in columns]
    if not fields:
        return grid
    cols = ", ".join(fields)
    for row in con.execute(
        f"select excel_row, {cols} from raw.{template}_rows"
        " where file_id = ? and sheet_name = ? order by excel_row",
        [file_id, sheet],
    ).fetchall():
        for name, value in zip(fields, row[1:], strict=True):
            if value is not None:
                grid[(int(row[0]), columns[name]["index"])] = value
    return grid


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
        wb = _rebuild(source, layouts, raw_grid)
    by_sheet: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for issue in issues:
        by_sheet[issue["sheet_name"]].append(issue)
    for sheet, sheet_issues in by_sheet.items():
        if sheet not in wb.sheetnames:
            continue
        header_rows = layouts.get(sheet, {}).get("header_rows") or []
        _mark_sheet(wb[sheet], sheet_issues, header_rows)
    _summary_sheet(wb, shown_path, issues)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    tmp.replace(target)


def _rebuild(source: Path, layouts: dict[str, dict[str, Any]], raw_grid: Any) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    grids: dict[str, dict[tuple[int, int], str]] = {}
    if source.exists():
        for g in read_workbook(source):
            cols = g.cell_columns
            cells: dict[tuple[int, int], str] = {}
            for rec in g.cells.iter_rows(named=True):
                for c in cols:
                    if rec[c] is not None:
                        cells[(int(rec["excel_row"]), int(c[1:]))] = rec[c]
            grids[g.name] = cells
    for sheet in layouts:
        grids.setdefault(sheet, raw_grid(sheet))
    for name, cells in grids.items():
        ws = wb.create_sheet(title=name[:31])
        for (row, col), value in cells.items():
            ws.cell(row=row, column=col + 1, value=value)
    return wb


def _mark_sheet(ws: Worksheet, issues: list[dict[str, Any]], header_rows: list[int]) -> None:
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


def _unique(issues: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen, out = set(), []
    for i in issues:
        if i["message_zh"] not in seen:
            seen.add(i["message_zh"])
            out.append(i)
    return out


def _summary_sheet(wb: Workbook, shown_path: str, issues: list[dict[str, Any]]) -> None:
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
