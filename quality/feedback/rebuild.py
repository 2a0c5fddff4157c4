"""Rebuild a workbook cell by cell when the coordinator's own file cannot be marked up in
place: an .xls or .csv from the text grid the ingest reads, a file no longer in the inbox
from its raw rows. Only the text comes back, not the layout's formats."""

from __future__ import annotations

from typing import Any

import duckdb
from openpyxl import Workbook

from pipelines.ingest.read import UnreadableFile, read_bytes
from pipelines.vocabulary.fields import FIELDS


def rebuild_workbook(
    name: str, data: bytes | None, layouts: dict[str, dict[str, Any]], raw_grid: Any
) -> Workbook:
    """A workbook of text cells: the sheets of the file (``data``, as the ingest reads
    them), and any sheet of ``layouts`` missing there from ``raw_grid(sheet)``: a file gone
    from the inbox, or one that no longer reads, is rebuilt from its raw rows alone."""
    wb = Workbook()
    wb.remove(wb.active)
    grids: dict[str, dict[tuple[int, int], str]] = {}
    try:
        sheets = read_bytes(data, name=name) if data is not None else []
    except UnreadableFile:
        sheets = []
    for g in sheets:
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


def raw_grid(
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
