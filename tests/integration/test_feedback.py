"""The coordinators' feedback workbooks, opened with a real reader (openpyxl)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from quality.feedback import output_path, write_feedback
from quality.feedback_markup import ERROR_FILL, NOTE_HEADER, WARNING_FILL
from quality.feedback_summary_sheet import SUMMARY_SHEET
from tests.conftest import Published

pytestmark = pytest.mark.integration


def _issues(home: Path) -> list[dict]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        cursor = con.execute(
            "select i.file_path, f.file_name, f.township_code, i.sheet_name, i.excel_row,"
            " i.column_letter, i.severity, i.rule, i.message_zh from quality.row_issues i"
            " join raw.files f using (file_id) where f.status = 'loaded'"
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def _note_column(ws) -> int:
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == NOTE_HEADER:
                return cell.column
    raise AssertionError(f"no {NOTE_HEADER} column in {ws.title}")


@pytest.mark.parametrize("severity", ["error", "warning"])
def test_problem_cells_are_highlighted_with_messages(published: Published, severity: str) -> None:
    truth = [
        t
        for t in csv.DictReader((published.world.truth / "issues.csv").open(encoding="utf-8"))
        if t["severity"] == severity
    ]
    issues = {
        (i["file_path"], i["sheet_name"], i["excel_row"], i["rule"]): i
        for i in _issues(published.home)
    }
    fill = ERROR_FILL if severity == "error" else WARNING_FILL
    checked = 0
    for t in truth[:6]:
        issue = issues[(t["file"], t["sheet"], int(t["excel_row"]), t["rule"])]
        path = output_path(published.home / "feedback", issue["township_code"], issue["file_name"])
        assert path.is_file(), path
        wb = load_workbook(path)
        ws = wb[issue["sheet_name"]]
        if issue["column_letter"]:
            cell = ws[f"{issue['column_letter']}{issue['excel_row']}"]
            if severity == "warning" and cell.fill.fgColor.rgb == ERROR_FILL.fgColor.rgb:
                pass  # the same cell also has an error: red wins
            else:
                assert cell.fill.fgColor.rgb == fill.fgColor.rgb, (path, cell.coordinate)
            assert issue["message_zh"] in cell.comment.text
        note = ws.cell(row=issue["excel_row"], column=_note_column(ws)).value
        assert issue["message_zh"] in note
        summary = [r for r in wb[SUMMARY_SHEET].iter_rows(min_row=2, values_only=True)]
        assert (t["file"], t["sheet"], int(t["excel_row"])) in {r[:3] for r in summary}
        assert {"错误", "提示"} >= {r[6] for r in summary}
        checked += 1
    assert checked


def test_summary_sheet_is_first_and_masks_pii(published: Published) -> None:
    paths = sorted((published.home / "feedback").rglob("*_问题反馈.xlsx"))
    assert paths
    for path in paths:
        wb = load_workbook(path, read_only=True)
        assert wb.sheetnames[0] == SUMMARY_SHEET
        for row in wb[SUMMARY_SHEET].iter_rows(min_row=2, values_only=True):
            value = row[5] or ""
            assert not (len(value) >= 15 and value.isdigit()), (path, value)


def test_clean_files_get_no_workbook_and_rewrite_is_idempotent(
    published: Published, tmp_path: Path
) -> None:
    with_issues = {(i["township_code"], i["file_name"]) for i in _issues(published.home)}
    written = {p.name for p in (published.home / "feedback").rglob("*.xlsx")}
    assert len(written) == len(with_issues)
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(published.home / "warehouse.duckdb", db)
    feedback = tmp_path / "feedback"
    shutil.copytree(published.home / "feedback", feedback)
    with duckdb.connect(str(db)) as con:
        con.execute(
            "update quality.feedback_files set output_path = replace(output_path, ?, ?)",
            [str(published.home / "feedback"), str(feedback)],
        )
        again = write_feedback(con, published.world.inbox, feedback)
    assert again.written == 0 and again.unchanged == len(with_issues)
