"""Formula text stays text (issue 13 item 4): a cell a clerk typed as "=1+1", "+86 138...",
"-" or "@SUM(A1)" is data. Hand-made registers hold such texts in their free-text, person
and vocabulary cells (plus mistakes, so feedback workbooks are written); the real nightly
job runs on them; every .xlsx written under DISPUTES_HOME, and the `disputes sql` exports
(a real subprocess), are opened with openpyxl: no formula cell, the text as typed; in the
CSV exports, every field that starts like a formula has a leading apostrophe and nothing
else changed."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
import xlsxwriter
from openpyxl import load_workbook
from openpyxl.utils.escape import unescape

from pipelines.runner import run_nightly
from tests.handmade import DISPUTE_HEADER, PETITION_HEADER, id18, write_register

pytestmark = pytest.mark.integration

HYPERLINK = '=HYPERLINK("http://x","点击")'
# The texts of the issue, each as a clerk may type it in a cell.
TEXTS = ["=1+1", HYPERLINK, "+86 13800138000", "-", "-2+3", "@SUM(A1)", "\t=cmd", "\r=cmd"]
STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER = [*DISPUTE_HEADER, "纠纷简要情况", "备注"]
DISPUTES = "莲峰镇2025年3月矛盾纠纷排查化解台账.xlsx"
PETITIONS = "莲峰镇2025年3月信访事项登记台账.xlsx"
CSV_DISPUTES = "北团镇2025年3月矛盾纠纷排查化解台账.csv"
# Saved by a spreadsheet with real formulas and their cached values (xlsxwriter writes both).
FORMULAS = "姑田镇2025年3月矛盾纠纷排查化解台账.xlsx"
AS_OF = date(2025, 4, 6)


def _dispute(no: str, category: str, party: str, found: object, summary: str, remark: str):
    return [None, no, "莲峰镇", "莲峰村", category, party, id18("35082519800101123"),
            "13800138000", 2, found, "司法所", "李四", "化解中", None, "低",
            summary, remark]  # fmt: skip


DISPUTE_ROWS = [
    # An unknown category (a warning, its value in the 问题汇总 sheet) with a hyperlink.
    _dispute("JF1", "=1+1", "张三", datetime(2025, 3, 3), HYPERLINK, "+86 13800138000"),
    # No 排查时间: an error; the party typed as "-" (nobody named).
    _dispute("JF2", "邻里纠纷", "-", None, "-2+3", "-"),
    _dispute("JF3", "@SUM(A1)", "王五", datetime(2025, 3, 9), "\t=cmd", "\r=cmd"),
]


def _formula_register(path: Path) -> None:
    """A register whose 涉及人数 is the formula =1+1 (cached 2) and whose 纠纷简要情况 is a real
    =HYPERLINK(...) (cached "点击"), beside cells typed as text ("=1+1", "=SUM(A1)")."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Sheet1")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_string(0, 0, FORMULAS.removesuffix(".xlsx"))
    for col, text in enumerate(HEADER):
        sheet.write_string(1, col, text)
    row = [None, "JF9", "姑田镇", "姑田村", "=1+1", "赵七", id18("35082519900202123"),
           "13800138000", None, None, "司法所", "李四", "化解中", None, "低", None,
           "=SUM(A1)"]  # fmt: skip
    for col, value in enumerate(row):
        if isinstance(value, str):
            sheet.write_string(2, col, value)
    sheet.write_formula(2, 8, "=1+1", None, 2)
    sheet.write_datetime(2, 9, datetime(2025, 3, 4), day)
    sheet.write_formula(2, 15, HYPERLINK, None, "点击")
    book.close()
    stamp = datetime(2025, 4, 1, 8, 0).timestamp()
    os.utime(path, (stamp, stamp))


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The nightly job on the three registers; returns DISPUTES_HOME."""
    root = tmp_path_factory.mktemp("formula_text")
    inbox = root / "inbox"
    write_register(
        inbox / DISPUTES, title=DISPUTES.removesuffix(".xlsx"), header=HEADER,
        rows=DISPUTE_ROWS, arrived=datetime(2025, 4, 1, 8, 0),
    )  # fmt: skip
    petition = [None, "XF1", datetime(2025, 3, 5), "走访", "=孙八", id18("35082519700303123"),
                "+86 13900139000", 1, "莲峰镇", "@村", "-2+3", "赴市", None, None, "否", None,
                None]  # fmt: skip
    write_register(
        inbox / PETITIONS, title=PETITIONS.removesuffix(".xlsx"), header=PETITION_HEADER,
        rows=[petition], arrived=datetime(2025, 4, 1, 8, 0),
    )  # fmt: skip
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([CSV_DISPUTES.removesuffix(".csv")])
    writer.writerow(HEADER)
    for row in DISPUTE_ROWS:
        writer.writerow(["" if v is None else v for v in row[:9]]
                        + ["2025-03-03" if row[9] else ""] + row[10:])  # fmt: skip
    (inbox / CSV_DISPUTES).write_text(buf.getvalue().replace("莲峰", "北团"), encoding="utf-8")
    _formula_register(inbox / FORMULAS)
    home = root / "home"
    outcome = run_nightly(home=home, inbox=inbox, as_of=AS_OF)
    assert outcome.success, outcome.failure
    return home


def _cells(path: Path) -> dict[str, dict[str, tuple[str, object]]]:
    """sheet -> coordinate -> (openpyxl data type, value) of every non-empty cell. A text
    xlsxwriter stored with OOXML's _xHHHH_ escapes (a CR is _x000D_) is decoded: Excel
    decodes it, openpyxl's reader does not."""
    out: dict[str, dict[str, tuple[str, object]]] = {}
    for ws in load_workbook(path).worksheets:
        sheet = out.setdefault(ws.title, {})
        for row in ws.iter_rows():
            for cell in row:
                value = unescape(cell.value) if isinstance(cell.value, str) else cell.value
                if value is not None:
                    sheet[cell.coordinate] = (cell.data_type, value)
    return out


def _formula_cells(path: Path) -> list[str]:
    """Every cell of ``path`` a spreadsheet evaluates or shows as an error: formula ("f"),
    array formula, or error ("e")."""
    return [
        f"{path.name}!{sheet}!{ref}: {value!r}"
        for sheet, cells in _cells(path).items()
        for ref, (kind, value) in cells.items()
        if kind in ("f", "e")
    ]


def _disputes(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The `disputes` command, as an analyst runs it (a real process)."""
    cli = Path(sys.executable).with_name("disputes")
    done = subprocess.run(
        [str(cli), *args, "--home", str(home)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done


def _csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_handmade_register_holds_the_texts_as_string_cells(run: Path) -> None:
    """The input itself: write_register stores text as Excel does for a cell typed as text,
    so the pipeline meets "=1+1" as data (and a CR, which openpyxl writes raw, as the LF
    the XML reader makes of it)."""
    cells = _cells(run.parent / "inbox" / DISPUTES)["Sheet1"]
    assert _formula_cells(run.parent / "inbox" / DISPUTES) == []
    assert cells["E3"] == ("s", "=1+1") and cells["P3"] == ("s", HYPERLINK)
    assert cells["Q5"] == ("s", "\n=cmd")


def test_no_workbook_written_under_home_has_a_formula_cell(run: Path) -> None:
    written = sorted(p.relative_to(run).as_posix() for p in run.rglob("*.xlsx"))
    assert written == [
        "feedback/北团镇/北团镇2025年3月矛盾纠纷排查化解台账_问题反馈.xlsx",
        "feedback/北团镇/北团镇2025年3月矛盾纠纷排查化解台账_问题反馈_脱敏.xlsx",
        "feedback/姑田镇/姑田镇2025年3月矛盾纠纷排查化解台账_问题反馈.xlsx",
        "feedback/姑田镇/姑田镇2025年3月矛盾纠纷排查化解台账_问题反馈_脱敏.xlsx",
        "feedback/莲峰镇/莲峰镇2025年3月信访事项登记台账_问题反馈.xlsx",
        "feedback/莲峰镇/莲峰镇2025年3月信访事项登记台账_问题反馈_脱敏.xlsx",
        "feedback/莲峰镇/莲峰镇2025年3月矛盾纠纷排查化解台账_问题反馈.xlsx",
        "feedback/莲峰镇/莲峰镇2025年3月矛盾纠纷排查化解台账_问题反馈_脱敏.xlsx",
    ]
    assert [cell for p in sorted(run.rglob("*.xlsx")) for cell in _formula_cells(p)] == []


# The free-text and vocabulary cells of the dispute register, as typed (a CR as LF, above),
# in the marked-up copy and its masked twin alike: only person cells are masked.
TYPED = {"E3": "=1+1", "P3": HYPERLINK, "P4": "-2+3", "Q4": "-", "E5": "@SUM(A1)",
         "P5": "\t=cmd", "Q5": "\n=cmd"}  # fmt: skip


@pytest.mark.parametrize(
    ("register", "sheet"),
    [
        ("莲峰镇/莲峰镇2025年3月矛盾纠纷排查化解台账", "Sheet1"),  # marked up in place
        ("北团镇/北团镇2025年3月矛盾纠纷排查化解台账", "北团镇2025年3月矛盾纠纷排查化解台账"),
    ],  # rebuilt from the CSV
)
def test_feedback_workbooks_show_the_text_as_typed(run: Path, register: str, sheet: str) -> None:
    full = _cells(run / "feedback" / f"{register}_问题反馈.xlsx")
    twin = _cells(run / "feedback" / f"{register}_问题反馈_脱敏.xlsx")
    for cells in (full, twin):
        assert {ref: cells[sheet][ref] for ref in TYPED} == {
            ref: ("s", text) for ref, text in TYPED.items()
        }
        # 问题汇总: the value of each finding, as typed, in 填写内容（已脱敏）.
        assert [cells["问题汇总"][f"G{row}"] for row in (3, 4)] == [
            ("s", "=1+1"),
            ("s", "@SUM(A1)"),
        ]
    assert full[sheet]["Q3"] == ("s", "+86 13800138000")
    assert full[sheet]["F4"] == ("s", "-")  # a party typed as "-"
    assert twin[sheet]["F4"] == ("s", "-")  # nothing to mask in it
    assert twin[sheet]["F3"] == ("s", "张*")


def test_real_formulas_come_back_as_the_values_the_ingest_read(run: Path) -> None:
    """A coordinator's real formula is copied as its cached value (the number or text they
    saw, and the ingest read), never as a formula; text typed as text stays as typed."""
    register = run / "feedback" / "姑田镇" / FORMULAS.removesuffix(".xlsx")
    for suffix in ("_问题反馈.xlsx", "_问题反馈_脱敏.xlsx"):
        cells = _cells(register.with_name(register.name + suffix))["Sheet1"]
        picked = {ref: cells[ref] for ref in ("E3", "I3", "P3", "Q3")}
        assert picked == {
            "E3": ("s", "=1+1"),
            "I3": ("n", 2),
            "P3": ("s", "点击"),
            "Q3": ("s", "=SUM(A1)"),
        }


def test_masked_petitioner_keeps_its_leading_sign_as_text(run: Path) -> None:
    """ "=孙八" masked is "=**": written by the masking, after the coordinator's cell was
    read, so it is the masked value that must not become a formula."""
    register = run / "feedback" / "莲峰镇" / "莲峰镇2025年3月信访事项登记台账"
    full = _cells(register.with_name(register.name + "_问题反馈.xlsx"))["Sheet1"]
    twin = _cells(register.with_name(register.name + "_问题反馈_脱敏.xlsx"))["Sheet1"]
    assert (full["E3"], twin["E3"]) == (("s", "=孙八"), ("s", "=**"))
    assert (full["J3"], twin["J3"]) == (("s", "@村"), ("s", "@村"))
    assert (full["G3"], twin["G3"]) == (("s", "+86 13900139000"), ("s", "139****9000"))


def _literal_query() -> str:
    """One row per text of the issue, with a negative number beside it (a number stays a
    number: no apostrophe); the texts are bound as SQL string literals."""
    rows = ", ".join(
        "('" + t.replace("'", "''") + f"', {-i}, 'ok{i}')" for i, t in enumerate(TEXTS, 1)
    )
    return f"select * from (values {rows}) as t(text, minus, plain)"


def test_sql_exports_of_the_texts(run: Path, tmp_path: Path) -> None:
    out_csv, out_xlsx = tmp_path / "out.csv", tmp_path / "out.xlsx"
    _disputes(run, "sql", _literal_query(), "--csv", str(out_csv), "--xlsx", str(out_xlsx))
    assert _csv_rows(out_csv) == [
        ["text", "minus", "plain"],
        ["'=1+1", "-1", "ok1"],
        ["'" + HYPERLINK, "-2", "ok2"],
        ["'+86 13800138000", "-3", "ok3"],
        ["'-", "-4", "ok4"],
        ["'-2+3", "-5", "ok5"],
        ["'@SUM(A1)", "-6", "ok6"],
        ["'\t=cmd", "-7", "ok7"],
        ["'\r=cmd", "-8", "ok8"],
    ]
    assert _formula_cells(out_xlsx) == []
    cells = _cells(out_xlsx)["result"]
    assert [cells[f"A{r}"] for r in range(2, 10)] == [("s", t) for t in TEXTS]
    assert [cells[f"B{r}"] for r in range(2, 10)] == [("n", -i) for i in range(1, 9)]


def test_sql_export_of_row_issues(run: Path, tmp_path: Path) -> None:
    out_csv, out_xlsx = tmp_path / "issues.csv", tmp_path / "issues.xlsx"
    query = (
        "select file_path, excel_row, column_header, value_masked from quality.row_issues"
        " where value_masked is not null order by file_path, excel_row"
    )
    _disputes(run, "sql", query, "--csv", str(out_csv), "--xlsx", str(out_xlsx))
    assert _csv_rows(out_csv) == [
        ["file_path", "excel_row", "column_header", "value_masked"],
        [CSV_DISPUTES, "3", "纠纷类别", "'=1+1"],
        [CSV_DISPUTES, "5", "纠纷类别", "'@SUM(A1)"],
        [FORMULAS, "3", "纠纷类别", "'=1+1"],
        [PETITIONS, "3", "问题类别", "'-2+3"],
        [DISPUTES, "3", "纠纷类别", "'=1+1"],
        [DISPUTES, "5", "纠纷类别", "'@SUM(A1)"],
    ]
    assert _formula_cells(out_xlsx) == []
    cells = _cells(out_xlsx)["result"]
    assert [cells[f"D{r}"] for r in range(2, 8)] == [
        ("s", v) for v in ("=1+1", "@SUM(A1)", "=1+1", "-2+3", "=1+1", "@SUM(A1)")
    ]


def test_saved_query_export(run: Path, tmp_path: Path) -> None:
    """overdue_list: the 赴市 petition of 5 March, unaccepted; its deadline 20 March (15
    days), 17 days overdue on 6 April; the petitioner "=孙八" masked "=**"."""
    out_csv, out_xlsx = tmp_path / "overdue.csv", tmp_path / "overdue.xlsx"
    _disputes(run, "sql", "overdue_list", "--csv", str(out_csv), "--xlsx", str(out_xlsx))
    header, *rows = _csv_rows(out_csv)
    picked = [{k: row[header.index(k)] for k in ("petition_no", "days_overdue", "name_masked")}
              for row in rows]  # fmt: skip
    assert picked == [{"petition_no": "XF1", "days_overdue": "17", "name_masked": "'=**"}]
    assert _formula_cells(out_xlsx) == []
    cells = _cells(out_xlsx)["result"]
    column = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[header.index("name_masked")]
    assert cells[f"{column}2"] == ("s", "=**")


def test_report_escapes_text_and_offers_no_download(run: Path, tmp_path: Path) -> None:
    """The monthly report and the quality page are HTML: no CSV/xlsx to download, and the
    registers' texts do not reach them raw."""
    target = tmp_path / "report.html"
    _disputes(run, "report", "--month", "2025-03", "--out", str(target))
    for page in (target, run / "reports" / "quality.html"):
        html = page.read_text(encoding="utf-8")
        assert "download" not in html and ".csv" not in html and ".xlsx" not in html
        assert "HYPERLINK" not in html and "@SUM" not in html
