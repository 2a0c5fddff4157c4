"""Write FileSpecs as xlsx (xlsxwriter), xls (xlwt) or CSV (UTF-8 / GB18030).

Output is byte-deterministic: workbooks are built in memory (xlsxwriter then stamps zip
members with a fixed 1980 time), the document's created date is the register's report
date, and the file mtime is set from that date so a resubmission is newer.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import xlsxwriter
import xlwt

from sample_world.layout.specs import FileSpec, SheetSpec
from sample_world.mess import Cell

_CST = timezone(timedelta(hours=8))
_DATE_FORMATS = ("yyyy-mm-dd", "yyyy/m/d", 'yyyy"年"m"月"d"日"')


def mtime_for(report: date, shift_hours: int = 0) -> float:
    """17:30 Beijing time on the report date: when the coordinator saved the sheet."""
    when = datetime(report.year, report.month, report.day, 17, 30, tzinfo=_CST)
    return (when + timedelta(hours=shift_hours)).timestamp()


def _date_value(value: object) -> date:
    """The value of a "d" cell (cells are typed `tuple[str, object]`)."""
    if not isinstance(value, date):
        raise TypeError(f"date cell holds {value!r}")
    return value


def _number_value(value: object) -> int | float:
    """The value of an "n", "g" or "e" cell (cells are typed `tuple[str, object]`)."""
    if not isinstance(value, int | float):
        raise TypeError(f"number cell holds {value!r}")
    return value


def _covered(sheet: SheetSpec) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    for r1, c1, r2, c2 in sheet.merges:
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                out.add((r, c))
    return out


def xlsx_bytes(spec: FileSpec) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    created = datetime(spec.report_date.year, spec.report_date.month, spec.report_date.day, 9, 0, 0)
    wb.set_properties({"created": created, "author": "综治中心"})
    fmt = {
        "title": wb.add_format({"bold": True, "font_size": 14, "align": "center"}),
        "info": wb.add_format({"align": "left"}),
        "header": wb.add_format(
            {"bold": True, "border": 1, "text_wrap": True, "align": "center", "valign": "vcenter"}
        ),
    }
    date_fmt = wb.add_format({"num_format": _DATE_FORMATS[len(spec.path) % 3]})
    for sheet in spec.sheets:
        ws = wb.add_worksheet(sheet.name)
        ws.set_column(0, max(sheet.ncols - 1, 0), 14)
        covered = _covered(sheet)
        for r1, c1, r2, c2 in sheet.merges:
            merged = sheet.rows[r1][c1]
            style = fmt.get(sheet.styled.get(r1, ""))
            text = merged[1] if merged else ""
            if (r1, c1) == (r2, c2):
                continue
            ws.merge_range(r1, c1, r2, c2, text, style)
        for r, row in enumerate(sheet.rows):
            style = fmt.get(sheet.styled.get(r, ""))
            for c, cell in enumerate(row):
                if cell is None or (covered and (r, c) in covered):
                    continue
                kind, value = cell
                if kind == "s":
                    if value != "":
                        ws.write_string(r, c, value, style)
                elif kind == "d":
                    day = _date_value(value)
                    ws.write_datetime(r, c, datetime(day.year, day.month, day.day), date_fmt)
                else:
                    ws.write_number(r, c, value, style)
    wb.close()
    return buf.getvalue()


def xls_bytes(spec: FileSpec) -> bytes:
    wb = xlwt.Workbook(encoding="utf-8")
    styles = {
        "title": xlwt.easyxf("font: bold on, height 280; align: horiz center"),
        "header": xlwt.easyxf(
            "font: bold on; align: wrap on, horiz center; "
            "borders: left thin, right thin, top thin, bottom thin"
        ),
    }
    plain = xlwt.Style.default_style
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for sheet in spec.sheets:
        ws = wb.add_sheet(sheet.name or "Sheet1", cell_overwrite_ok=True)
        covered = _covered(sheet)
        for r1, c1, r2, c2 in sheet.merges:
            merged = sheet.rows[r1][c1]
            ws.write_merge(
                r1,
                r2,
                c1,
                c2,
                merged[1] if merged else "",
                styles.get(sheet.styled.get(r1, ""), plain),
            )
        for r, row in enumerate(sheet.rows):
            style = styles.get(sheet.styled.get(r, ""), plain)
            for c, cell in enumerate(row):
                if cell is None or (covered and (r, c) in covered):
                    continue
                kind, value = cell
                if kind == "s":
                    if value != "":
                        ws.write(r, c, value, style)
                elif kind == "d":
                    ws.write(r, c, value, date_style)
                else:
                    ws.write(r, c, float(_number_value(value)), style)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _csv_text(cell: Cell | None) -> str:
    if cell is None:
        return ""
    kind, value = cell
    if kind == "s":
        return str(value)
    if kind == "d":
        return _date_value(value).isoformat()
    if kind == "e":
        return f"{value:.5E}".replace("E+", "E+")  # Excel's General view: 3.52627E+17
    if isinstance(value, float) and not value.is_integer():
        return repr(value)
    return str(int(_number_value(value)))


def csv_bytes(spec: FileSpec) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for row in spec.sheets[0].rows:
        w.writerow([_csv_text(c) for c in row])
    text = buf.getvalue()
    if spec.fmt == "csv-gb18030-bom":
        return ("\ufeff" + text).encode("gb18030")
    if spec.fmt == "csv-gb18030":
        return text.encode("gb18030")
    return ("\ufeff" + text).encode("utf-8")


def file_bytes(spec: FileSpec) -> bytes:
    if spec.fmt == "xlsx":
        return xlsx_bytes(spec)
    if spec.fmt == "xls":
        return xls_bytes(spec)
    return csv_bytes(spec)


def write(inbox: Path, rel: str, data: bytes, mtime: float) -> Path:
    path = inbox / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))
    return path
