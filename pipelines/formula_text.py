"""Formula text stays text: a cell a coordinator typed as "=1+1" or "+86 138..." is data, and
every file we write for a person (feedback workbooks and their masked twins, `disputes sql`
and saved-query exports) must hand it back as text that a spreadsheet will not evaluate.

The rule (OWASP "CSV Injection"): a text that starts with = + - @, a tab or a carriage
return is one a spreadsheet may take for a formula (Excel, LibreOffice and WPS start one
from + - @ too; OWASP lists a leading tab and CR as well, which an import may drop).

- .xlsx: the cell is written as an explicit string cell (openpyxl data type "s"), so the
  coordinator sees exactly what they typed, with no apostrophe. openpyxl makes any str that
  starts with "=" a formula cell and "#N/A", "#DIV/0!"... an error cell when a value is
  assigned: ``text_cells`` turns both back into string cells before a workbook is saved.
  polars' ``write_excel`` (xlsxwriter) already writes strings with strings_to_formulas off
  (polars 2.1, the locked version; tests/integration/test_formula_text.py checks it).
- .csv: a field has no type, so a text that starts with one of those characters gets a
  leading apostrophe (``csv_text``, OWASP's advice): the cell opens as text, not a formula.
  This includes "-" alone (a clerk's "none") and a phone "+86 138...": telling them from
  "-2+3" or "+1+cmd|..." would take a formula parser, and a person still reads
  "'+86 138..." as the phone typed. Only text columns are touched; numbers,
  dates and booleans are written as they are (a negative number is a number, not text).

Plain functions; a leaf module (openpyxl and polars only), so the feedback writer and the
analyst CLI share one rule.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_PREFIX = "'"


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet could evaluate ``text`` typed or imported into a cell."""
    return text.startswith(FORMULA_STARTS)


def csv_text(text: str) -> str:
    """``text`` as a CSV field a spreadsheet shows as text: prefixed with an apostrophe
    when it starts like a formula, unchanged otherwise."""
    return CSV_PREFIX + text if looks_like_formula(text) else text


def csv_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with every text column's values passed through ``csv_text`` (other
    columns as they are): what a CSV export writes."""
    return frame.with_columns(
        pl.when(pl.any_horizontal(pl.col(name).str.starts_with(s) for s in FORMULA_STARTS))
        .then(pl.lit(CSV_PREFIX) + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name, dtype in frame.schema.items()
        if dtype == pl.String
    )


def text_cells(wb: Workbook) -> int:
    """Turn every cell of ``wb`` that openpyxl took for a formula ("f") or an error code
    ("e") when text was assigned to it into a string cell, just before ``wb`` is saved:
    the text is what the coordinator typed, not ours to evaluate. Returns how many."""
    turned = 0
    for ws in wb.worksheets:
        if not isinstance(ws, Worksheet):  # a chartsheet has no cells
            continue
        rows: Iterable[tuple[Cell | MergedCell, ...]] = ws.iter_rows()
        for row in rows:
            for cell in row:
                if isinstance(cell.value, str) and cell.data_type in ("f", "e"):
                    cell.data_type = "s"
                    turned += 1
    return turned
