"""The coordinators' feedback workbooks, opened with a real reader (openpyxl)."""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook, load_workbook

from quality.feedback.markup import AUTHOR, ERROR_FILL, NOTE_HEADER, WARNING_FILL
from quality.feedback.summary_sheet import SUMMARY_SHEET
from quality.feedback.write import MASKED_SUFFIX, SUFFIX, masked_path, output_path, write_feedback
from tests.conftest import Published

pytestmark = pytest.mark.integration

RAW_ID = re.compile(r"(?<![0-9])(?:\d{17}[0-9Xx]|\d{15})(?![0-9])")
RAW_MOBILE = re.compile(r"(?<![0-9])1[3-9]\d{9}(?![0-9])")


def party_names(home: Path) -> set[str]:
    """The raw names (2+ characters) of every party the warehouse staged."""
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute("select distinct name from staging.parties").fetchall()
    return {r[0] for r in rows if r[0] and len(r[0]) >= 2}


def _texts(wb: Workbook) -> Iterator[tuple[str, str]]:
    """(where, text) of every cell value and comment of every sheet."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                where = f"{ws.title}!{cell.coordinate}"
                if cell.value is not None:
                    value = cell.value
                    if isinstance(value, float) and value.is_integer():
                        value = int(value)
                    yield where, str(value)
                if getattr(cell, "comment", None) is not None:
                    yield where + " (comment)", cell.comment.text


def raw_pii_in(wb: Workbook, names: set[str]) -> list[tuple[str, str]]:
    """Every place ``wb`` shows a raw ID (18 or 15 digits), an 11-digit mobile or one of
    ``names`` (a whole cell, or inside a cell for names of 3+ characters)."""
    long_names = [n for n in names if len(n) >= 3]

    def shows_pii(text: str) -> bool:
        if RAW_ID.search(text) or RAW_MOBILE.search(text) or text.strip() in names:
            return True
        return any(n in text for n in long_names)

    return [(where, text) for where, text in _texts(wb) if shows_pii(text)]


def _pairs(home: Path) -> list[tuple[Path, Path]]:
    fulls = sorted((home / "feedback").rglob(f"*{SUFFIX}"))
    assert fulls
    return [(full, masked_path(full)) for full in fulls]


def _months_back(day: date, months: int) -> date:
    """The first of the month ``months`` before ``day``'s (2025-02-05, 3 -> 2024-11-01)."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _issues(published: Published) -> list[dict]:
    """The issues of the files that get feedback (DESIGN.md s.8): any file with an error,
    and files of the last three register months before as_of with warnings only."""
    cutoff = _months_back(published.world.as_of, 3)
    with duckdb.connect(str(published.home / "warehouse.duckdb"), read_only=True) as con:
        cursor = con.execute(
            "select i.file_path, f.file_name, f.township_code, i.sheet_name, i.excel_row,"
            " i.column_letter, i.severity, i.rule, i.message_zh from quality.row_issues i"
            " join raw.files f using (file_id) where f.status = 'loaded' and ("
            " f.period is null or f.period >= ? or f.file_id in"
            " (select file_id from quality.row_issues where severity = 'error'))",
            [cutoff],
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
        (i["file_path"], i["sheet_name"], i["excel_row"], i["rule"]): i for i in _issues(published)
    }
    fill = ERROR_FILL if severity == "error" else WARNING_FILL
    checked = 0
    # warnings of old months only get no workbook: the first six of those fed back
    keys = [(t["file"], t["sheet"], int(t["excel_row"]), t["rule"]) for t in truth]
    for t, key in [(t, k) for t, k in zip(truth, keys, strict=True) if k in issues][:6]:
        issue = issues[key]
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
        # 问题汇总: one line per finding, its rows listed "第12、15、31行" (at most a few
        # dozen in the sample world, so never shortened)
        summary = [r for r in wb[SUMMARY_SHEET].iter_rows(min_row=2, values_only=True)]
        listed = {
            (r[0], sheet, int(n))
            for r in summary
            for sheet in (r[1] or "").split("、")
            for n in re.findall(r"\d+", r[2])
        }
        assert (t["file"], t["sheet"], int(t["excel_row"])) in listed
        assert {"错误", "提示"} >= {r[7] for r in summary}
        checked += 1
    assert checked


def test_summary_sheet_is_first_and_masks_pii(published: Published) -> None:
    paths = sorted((published.home / "feedback").rglob(f"*{SUFFIX}"))
    assert paths
    for path in paths:
        wb = load_workbook(path, read_only=True)
        assert wb.sheetnames[0] == SUMMARY_SHEET
        for row in wb[SUMMARY_SHEET].iter_rows(min_row=2, values_only=True):
            value = row[6] or ""  # 填写内容（已脱敏）
            assert not (len(value) >= 15 and value.isdigit()), (path, value)


def test_clean_files_get_no_workbook_and_rewrite_is_idempotent(
    published: Published, tmp_path: Path
) -> None:
    with_issues = {(i["township_code"], i["file_name"]) for i in _issues(published)}
    written = {p.name for p in (published.home / "feedback").rglob(f"*{SUFFIX}")}
    twins = {p.name for p in (published.home / "feedback").rglob(f"*{MASKED_SUFFIX}")}
    assert len(written) == len(twins) == len(with_issues)
    assert {p.name for p in (published.home / "feedback").rglob("*.xlsx")} == written | twins
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(published.home / "warehouse.duckdb", db)
    feedback = tmp_path / "feedback"
    shutil.copytree(published.home / "feedback", feedback)
    with duckdb.connect(str(db)) as con:
        con.execute(
            "update quality.feedback_files set output_path = replace(output_path, ?, ?)",
            [str(published.home / "feedback"), str(feedback)],
        )
        again = write_feedback(con, published.world.inbox, feedback, published.world.as_of)
        assert again.written == 0 and again.unchanged == len(with_issues)
        # a twin gone missing (a home from before twins existed) makes the pair again
        full, twin = _pairs(tmp_path)[0]
        twin.unlink()
        assert (
            write_feedback(con, published.world.inbox, feedback, published.world.as_of).written == 1
        )
        assert twin.is_file()
        # a file whose issues are all fixed loses both workbooks
        (file_id,) = con.execute(
            "select file_id from quality.feedback_files where output_path = ?", [str(full)]
        ).fetchone()
        con.execute("delete from quality.row_issues where file_id = ?", [file_id])
        assert (
            write_feedback(con, published.world.inbox, feedback, published.world.as_of).removed == 1
        )
    assert not full.exists() and not twin.exists()


def test_masked_twins_show_no_raw_id_phone_or_name(published: Published) -> None:
    names = party_names(published.home)
    assert len(names) > 20
    for _, twin in _pairs(published.home):
        assert twin.is_file(), twin
        leaks = raw_pii_in(load_workbook(twin), names)
        assert not leaks, (twin.name, leaks[:5])


def _markup(wb: Workbook) -> dict[str, object]:
    """What the coordinator is shown about the issues: fills, our comments, the 问题说明
    column and the 问题汇总 sheet."""
    out: dict[str, object] = {SUMMARY_SHEET: list(wb[SUMMARY_SHEET].iter_rows(values_only=True))}
    for ws in wb.worksheets[1:]:
        fills, comments, notes = {}, {}, {}
        note = next((c.column for r in ws.iter_rows() for c in r if c.value == NOTE_HEADER), None)
        for row in ws.iter_rows():
            for cell in row:
                if cell.fill.fill_type == "solid":
                    fills[cell.coordinate] = cell.fill.fgColor.rgb
                if cell.comment is not None and cell.comment.author == AUTHOR:
                    comments[cell.coordinate] = cell.comment.text
                if note is not None and cell.column == note:
                    notes[cell.row] = cell.value
        out[ws.title] = (fills, comments, notes)
    return out


def test_masked_twin_keeps_the_markup(published: Published) -> None:
    marked = 0
    for full, twin in _pairs(published.home):
        full_markup, twin_markup = _markup(load_workbook(full)), _markup(load_workbook(twin))
        assert full_markup == twin_markup, full.name
        marked += sum(len(v[0]) for k, v in full_markup.items() if k != SUMMARY_SHEET)
    assert marked


def test_full_workbooks_keep_the_raw_values(published: Published) -> None:
    """The coordinator fixes the sheet from the full copy: its person cells are as typed."""
    names = party_names(published.home)
    leaks = [
        leak
        for full, _ in _pairs(published.home)
        for leak in raw_pii_in(load_workbook(full), names)
    ]
    texts = [text for _, text in leaks]
    assert any(RAW_ID.search(t) for t in texts)
    assert any(RAW_MOBILE.search(t) for t in texts)
    assert any(t.strip() in names for t in texts)
