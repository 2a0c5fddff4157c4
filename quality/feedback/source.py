"""What the warehouse knows of one file's sheets, for its feedback workbooks: each loaded
sheet's layout (template, header rows, where each field's column is) and its data rows
(the rows landed in raw.*_rows: the rows whose person cells the masked twin masks)."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import duckdb


def sheet_layouts(con: duckdb.DuckDBPyConnection, file_id: str) -> dict[str, dict[str, Any]]:
    """sheet -> {template, header_rows, columns (field -> {index, letter, header})}."""
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


def data_rows(con: duckdb.DuckDBPyConnection, file_id: str) -> dict[str, set[int]]:
    """sheet -> the excel rows of its data (a dispute or a petition register alike)."""
    out: dict[str, set[int]] = defaultdict(set)
    for sheet, row in con.execute(
        "select sheet_name, excel_row from raw.dispute_rows where file_id = ?"
        " union all select sheet_name, excel_row from raw.petition_rows where file_id = ?",
        [file_id, file_id],
    ).fetchall():
        out[sheet].add(int(row))
    return dict(out)
