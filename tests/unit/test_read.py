"""Reader: true Excel row/column positions, every cell as text, and file failures by content."""

from __future__ import annotations

import datetime as dt
import io
import pickle
import zipfile
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
import xlwt
from msoffcrypto.format.ooxml import OOXMLFile

from pipelines.ingest.read import (
    SheetGrid,
    UnreadableFile,
    column_letter,
    parse_csv_text,
    read_bytes,
    read_workbook,
)


def _xlsx(path: Path, build) -> Path:  # type: ignore[no-untyped-def]
    wb = xlsxwriter.Workbook(str(path))
    build(wb)
    wb.close()
    return path


def _cell(grid: SheetGrid, excel_row: int, letter: str) -> str | None:
    col = f"c{next(i for i in range(200) if column_letter(i) == letter)}"
    row = grid.cells.filter(pl.col("excel_row") == excel_row)
    return row[col][0] if col in row.columns and row.height else None


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 701, 702)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


def test_leading_blank_rows_and_columns_keep_true_positions(tmp_path: Path) -> None:
    def build(wb):  # type: ignore[no-untyped-def]
        ws = wb.add_worksheet("台账")
        ws.write(4, 2, "标题")  # C5
        ws.write(7, 3, "张三")  # D8
        ws.write_number(7, 4, 430521197212047494)  # E8: a number cell, digits already lost
        ws.write_datetime(
            8, 5, dt.datetime(2025, 3, 5), wb.add_format({"num_format": "yyyy-mm-dd"})
        )

    grids = read_workbook(_xlsx(tmp_path / "blank_top.xlsx", build))
    (grid,) = grids
    assert grid.name == "台账" and grid.visible
    assert grid.cells["excel_row"].to_list()[0] == 1
    assert _cell(grid, 5, "C") == "标题"
    assert _cell(grid, 8, "D") == "张三"
    assert _cell(grid, 8, "E") == "430521197212047488"
    assert _cell(grid, 9, "F") == "2025-03-05 00:00:00"
    assert all(dtype == pl.Utf8 for name, dtype in grid.cells.schema.items() if name != "excel_row")
    assert grid.cells.columns[-1] == "excel_row"


def test_hidden_sheet_flag_and_empty_sheet(tmp_path: Path) -> None:
    def build(wb):  # type: ignore[no-untyped-def]
        wb.add_worksheet("A").write(0, 0, "x")
        hidden = wb.add_worksheet("B")
        hidden.write(0, 0, "y")
        hidden.hide()
        wb.add_worksheet("C")

    grids = read_workbook(_xlsx(tmp_path / "h.xlsx", build))
    assert [(g.name, g.visible) for g in grids] == [("A", True), ("B", False), ("C", True)]
    assert grids[2].cells.height == 0


def test_xls_true_positions(tmp_path: Path) -> None:
    wb = xlwt.Workbook()
    ws = wb.add_sheet("S")
    ws.write(3, 2, "hello")
    ws.write(5, 1, 3.0)
    path = tmp_path / "old.xls"
    wb.save(str(path))
    (grid,) = read_workbook(path)
    assert _cell(grid, 4, "C") == "hello"
    assert _cell(grid, 6, "B") == "3"


@pytest.mark.parametrize(
    "encoding,bom", [("gb18030", b""), ("utf-8", b""), ("utf-8", b"\xef\xbb\xbf")]
)
def test_csv_encodings_and_line_numbers(tmp_path: Path, encoding: str, bom: bytes) -> None:
    text = (
        "莲峰镇2025年3月台账\r\n\r\n序号,姓名,联系电话\r\n1,张三,138 0000 0000\r\n2,李四,,多出\r\n"
    )
    path = tmp_path / "x.csv"
    path.write_bytes(bom + text.encode(encoding))
    (grid,) = read_workbook(path)
    assert _cell(grid, 1, "A") == "莲峰镇2025年3月台账"
    assert _cell(grid, 3, "B") == "姓名"
    assert _cell(grid, 4, "C") == "138 0000 0000"
    assert _cell(grid, 5, "D") == "多出"
    assert _cell(grid, 5, "C") is None
    assert grid.cells.height == 5


def test_csv_quoted_multiline_is_one_excel_row() -> None:
    cells = parse_csv_text('a,b\n1,"第一行\n第二行"\n2,x\n')
    assert cells["excel_row"].to_list() == [1, 2, 3]
    assert cells["c1"].to_list() == ["b", "第一行\n第二行", "x"]


def test_csv_under_xlsx_name_is_read_by_content(tmp_path: Path) -> None:
    path = tmp_path / "renamed.xlsx"
    path.write_bytes("乡镇,姓名\n莲峰镇,张三\n".encode("gb18030"))
    (grid,) = read_workbook(path)
    assert _cell(grid, 2, "A") == "莲峰镇"


def _encrypted_xlsx(tmp_path: Path) -> bytes:
    plain = _xlsx(tmp_path / "p.xlsx", lambda wb: wb.add_worksheet("S").write(0, 0, "x"))
    out = io.BytesIO()
    with plain.open("rb") as fh:
        OOXMLFile(fh).encrypt("secret", out)
    return out.getvalue()


def _docx_like() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w/>")
    return buf.getvalue()


def test_failure_kinds(tmp_path: Path) -> None:
    good = _xlsx(tmp_path / "g.xlsx", lambda wb: wb.add_worksheet("S").write(0, 0, "x"))
    blank = _xlsx(tmp_path / "b.xlsx", lambda wb: wb.add_worksheet("S"))
    cases = {
        "empty": [b"", b"\r\n  \r\n", blank.read_bytes()],
        "truncated": [good.read_bytes()[:900], b"PK\x03\x04" + b"\x00" * 50],
        "not_spreadsheet": [b"%PDF-1.7\n...", _docx_like(), b"<html><table></table></html>"],
        "encrypted": [_encrypted_xlsx(tmp_path)],
    }
    for kind, payloads in cases.items():
        for payload in payloads:
            with pytest.raises(UnreadableFile) as info:
                read_bytes(payload, name="f.xlsx")
            assert info.value.kind == kind, (kind, payload[:20])
            assert info.value.message_zh and info.value.message_en


def test_encrypted_message_is_for_the_coordinator(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile) as info:
        read_bytes(_encrypted_xlsx(tmp_path))
    assert "密码" in info.value.message_zh


def test_unreadable_file_pickles() -> None:
    exc = UnreadableFile("empty", "空", "empty")
    back = pickle.loads(pickle.dumps(exc))
    assert (back.kind, back.message_zh, back.message_en) == ("empty", "空", "empty")


def test_csv_stray_quotes_read_as_excel_shows_them() -> None:
    """polars refuses a quote inside an unquoted field and a quote that never closes (found
    by tests/unit/test_read_fuzz.py); Excel shows the first as text, the second runs on."""
    grid = parse_csv_text('编号,情况\nLF1,张三说"不同意"\nLF2,"未完\nLF3,x\n')
    assert grid.rows() == [
        ("编号", "情况", 1),
        ("LF1", '张三说"不同意"', 2),
        ("LF2", "未完\nLF3,x\n", 3),
    ]
