"""What one extracted file becomes in the raw tables, and the batch that writes them.

Rows stay text exactly as read (the raw layer is the record of what was received); every
canonical field of the template is present (null when the sheet lacks it) and columns the
header map does not know are kept as JSON, so nothing a township typed is lost.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import duckdb
import polars as pl

from pipelines.ingest.extract import ExtractedFile, ExtractedSheet
from pipelines.vocabulary.fields import FIELDS
from warehouse.db import insert_frame, transaction


def rows_frame(sheet: ExtractedSheet, file_id: str) -> pl.DataFrame:
    """The sheet's data rows with every canonical field of its template (missing -> null)."""
    data = sheet.layout.data
    columns = [pl.lit(file_id).alias("file_id"), pl.lit(sheet.sheet_name).alias("sheet_name")]
    columns.append(pl.col("excel_row").cast(pl.Int32))
    for name in FIELDS[sheet.template]:
        if name in data.columns:
            columns.append(pl.col(name).cast(pl.Utf8))
        else:
            columns.append(pl.lit(None, dtype=pl.Utf8).alias(name))
    frame = data.select(columns)
    return frame.join(_extra_cells(sheet), on="excel_row", how="left")


def _extra_cells(sheet: ExtractedSheet) -> pl.DataFrame:
    """Columns the header map does not know, kept as JSON per row ("F:header" -> text) so
    nothing a coordinator typed is lost."""
    extras = sheet.layout.extras
    extra = sheet.layout.extra_data
    if not extras or extra.is_empty():
        return pl.DataFrame(schema={"excel_row": pl.Int32, "extra_cells": pl.Utf8})
    names = {letter: f"{letter}:{ref.header}" for letter, ref in extras.items()}
    return extra.select(
        pl.col("excel_row").cast(pl.Int32),
        pl.struct([pl.col(letter).alias(label) for letter, label in names.items()])
        .struct.json_encode()
        .alias("extra_cells"),
    )


def _columns_json(sheet: ExtractedSheet) -> str:
    return json.dumps(
        {
            name: {"index": ref.index, "letter": ref.letter, "header": ref.header}
            for name, ref in sheet.layout.columns.items()
        },
        ensure_ascii=False,
    )


_FILE_COLUMNS: dict[str, pl.DataType] = {
    "file_id": pl.String(),
    "path": pl.String(),
    "file_name": pl.String(),
    "size_bytes": pl.Int64(),
    "file_mtime": pl.Datetime("us"),
    "first_seen_at": pl.Datetime("us"),
    "status": pl.String(),
    "reason_kind": pl.String(),
    "reason_zh": pl.String(),
    "reason_en": pl.String(),
    "township_code": pl.String(),
    "period": pl.Date(),
    "template": pl.String(),
    "report_date": pl.Date(),
    "data_rows": pl.Int32(),
    "quarantine_path": pl.String(),
    "duplicate_of": pl.String(),
}
_SHEET_COLUMNS: dict[str, pl.DataType] = {
    "file_id": pl.String(),
    "sheet_name": pl.String(),
    "status": pl.String(),
    "reason_zh": pl.String(),
    "template": pl.String(),
    "township_code": pl.String(),
    "period": pl.Date(),
    "report_date": pl.Date(),
    "report_date_cell": pl.String(),
    "header_rows": pl.String(),
    "columns_json": pl.String(),
    "data_rows": pl.Int32(),
}


@dataclass
class LandingBatch:
    """Registry rows, sheet rows and data rows of several files, written together: one
    insert per table per batch instead of several per file (DuckDB loads frames in bulk;
    per-statement overhead dominated with many small registers)."""

    files: list[dict[str, Any]] = field(default_factory=list)
    sheets: list[dict[str, Any]] = field(default_factory=list)
    rows: dict[str, list[pl.DataFrame]] = field(
        default_factory=lambda: {template: [] for template in FIELDS}
    )

    def __len__(self) -> int:
        return len(self.files)

    def write(self, con: duckdb.DuckDBPyConnection) -> None:
        """Insert the queued rows; the caller holds the transaction (db.transaction)."""
        for template, frames in self.rows.items():
            if frames:
                insert_frame(con, f"raw.{template}_rows", pl.concat(frames, how="vertical"))
        if self.sheets:
            insert_frame(con, "raw.sheets", pl.DataFrame(self.sheets, schema=_SHEET_COLUMNS))
        if self.files:
            insert_frame(con, "raw.files", pl.DataFrame(self.files, schema=_FILE_COLUMNS))

    def clear(self) -> None:
        self.files.clear()
        self.sheets.clear()
        for frames in self.rows.values():
            frames.clear()

    def flush(self, con: duckdb.DuckDBPyConnection) -> None:
        """Write the batch in one transaction: a file's registry row commits together with
        its sheets and rows, so a file is either wholly landed (and never read again) or
        not at all (and read again by the next run)."""
        if not self.files:
            return
        with transaction(con):
            self.write(con)
        self.clear()


def _cell_name(cell: tuple[int, str] | None) -> str | None:
    """(2, "A") -> "A2", as Excel names the cell."""
    return f"{cell[1]}{cell[0]}" if cell else None


def sheet_records(ef: ExtractedFile) -> list[dict[str, Any]]:
    records = []
    for sheet in ef.sheets:
        problem = ef.error or sheet.error
        records.append(
            {
                "file_id": ef.sha256,
                "sheet_name": sheet.sheet_name,
                "status": "loaded" if problem is None else "rejected",
                "reason_zh": None if problem is None else problem.reason_zh,
                "template": sheet.template,
                "township_code": sheet.township_code,
                "period": sheet.period,
                "report_date": sheet.report_date,
                "report_date_cell": _cell_name(sheet.layout.report_date_cell),
                "header_rows": ",".join(str(r) for r in sheet.layout.header_rows),
                "columns_json": _columns_json(sheet),
                "data_rows": sheet.layout.data.height,
            }
        )
    for name, reason in ef.skipped:
        records.append(
            {
                "file_id": ef.sha256,
                "sheet_name": name,
                "status": "skipped",
                "reason_zh": reason,
                "data_rows": 0,
            }
        )
    return records
