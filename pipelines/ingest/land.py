"""Inbox -> raw layer: register every file, land every data row as text, keep lineage.

Files are read in a process pool (a reader uses one core; see DESIGN.md section 10) and
written to DuckDB in bulk from the main process, which is the only writer.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from pipelines.ingest.context import resolve_township
from pipelines.ingest.extract import ExtractedFile, ExtractedSheet, iter_extract
from pipelines.ingest.fields import FIELDS
from warehouse.db import execute_script

SQL_DIR = Path(__file__).parent / "sql"
SUPPORTED_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".csv"}


@dataclass
class IngestSummary:
    files_seen: int = 0
    files_new: int = 0
    files_rejected: int = 0
    sheets_loaded: int = 0
    rows_landed: int = 0
    # (path, reason kind, reason in English): what the data team reads in the run log.
    rejected: list[tuple[str, str, str]] = field(default_factory=list)

    def describe(self) -> str:
        return (
            f"{self.files_seen} files in inbox, {self.files_new} new, "
            f"{self.files_rejected} rejected, {self.sheets_loaded} sheets and "
            f"{self.rows_landed} rows landed"
        )

    def metadata(self) -> dict[str, Any]:
        return {
            "rejected_this_run": "\n".join(
                f"{path}: {kind}: {reason}" for path, kind, reason in self.rejected
            ),
            "files_seen": self.files_seen,
            "files_new": self.files_new,
            "files_rejected": self.files_rejected,
            "sheets_loaded": self.sheets_loaded,
            "rows_landed": self.rows_landed,
        }


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def scan_inbox(inbox: Path) -> list[Path]:
    """Every candidate file, in a stable order; Office lock files (~$x.xlsx) and hidden
    files are not submissions."""
    if not inbox.is_dir():
        return []
    return sorted(p for p in inbox.rglob("*") if p.is_file() and not p.name.startswith((".", "~$")))


def _rows_frame(sheet: ExtractedSheet, file_id: str) -> pl.DataFrame:
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


def _quarantine_copy(path: Path, quarantine_dir: Path, file_id: str) -> Path:
    """Keep the coordinator's rejected file as sent, beside the reason, never moved away
    from the inbox (the inbox belongs to whoever drops files there)."""
    target = quarantine_dir / "files" / f"{file_id[:12]}_{path.name}"
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        shutil.copy2(path, target)
    return target


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
    "header_rows": pl.String(),
    "columns_json": pl.String(),
    "data_rows": pl.Int32(),
}
BATCH_FILES = 200  # files per transaction: bulk inserts, bounded memory
# Below this much new data a process pool costs more than it saves: each spawned worker
# imports polars/fastexcel (~1-2 s) and every result is pickled back. Measured with
# benchmarks/ingest_bench.py on the 17-township 24-month sample world (12 MB, 791 small
# files): 1 worker 7.6 s, 2 workers 9.4 s. Large registers read ~2x faster in two
# processes (DESIGN.md section 10), so the pool is for big batches.
POOL_MIN_BYTES = 32 << 20


@dataclass
class _LandingBatch:
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

    def flush(self, con: duckdb.DuckDBPyConnection) -> None:
        if not self.files:
            return
        con.execute("begin transaction")
        try:
            for template, frames in self.rows.items():
                if frames:
                    _insert(con, f"raw.{template}_rows", pl.concat(frames, how="vertical"))
            _insert(con, "raw.sheets", pl.DataFrame(self.sheets, schema=_SHEET_COLUMNS))
            _insert(con, "raw.files", pl.DataFrame(self.files, schema=_FILE_COLUMNS))
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        self.files.clear()
        self.sheets.clear()
        for frames in self.rows.values():
            frames.clear()


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    if frame.is_empty():
        return
    con.register("landing_batch", frame.to_arrow())
    try:
        con.execute(f"insert into {table} by name select * from landing_batch")
    finally:
        con.unregister("landing_batch")


def _sheet_records(ef: ExtractedFile) -> list[dict[str, Any]]:
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


def _add_file(
    batch: _LandingBatch, ef: ExtractedFile, rel_path: str, quarantine_dir: Path, now: datetime
) -> tuple[int, int]:
    """Queue one file's registry row, sheets and data rows; returns (sheets, rows) loaded.

    A rejected file (or a workbook none of whose sheets can be placed) is copied to
    quarantine/ with its reason. A loaded workbook with some sheets that cannot be placed is
    copied too, and its reason names those sheets, so nothing a township sent goes unseen.
    """
    path = Path(ef.path)
    record: dict[str, Any] = {
        "file_id": ef.sha256,
        "path": rel_path,
        "file_name": path.name,
        "size_bytes": ef.size,
        "file_mtime": datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).replace(tzinfo=None),
        "first_seen_at": now,
        "data_rows": 0,
    }
    batch.sheets.extend(_sheet_records(ef))
    loaded = ef.loaded_sheets
    sheet_errors = [s.error for s in ef.sheets if s.error is not None]
    error = ef.error or (sheet_errors[0] if not loaded and sheet_errors else None)
    if error is not None or sheet_errors:
        record["quarantine_path"] = str(_quarantine_copy(path, quarantine_dir, ef.sha256))
    if error is not None:
        guess = resolve_township(" ".join(Path(rel_path).parts))
        record.update(
            # Only for routing the rejection to the right coordinator: a file that could not
            # be read names its township, if at all, in its path.
            township_code=guess.code if guess else None,
            status="rejected",
            reason_kind=error.kind,
            reason_zh=error.reason_zh,
            reason_en=error.reason_en,
        )
        batch.files.append(record)
        return 0, 0
    rows = 0
    for sheet in loaded:
        frame = _rows_frame(sheet, ef.sha256)
        rows += frame.height
        batch.rows[sheet.template].append(frame)
    first = loaded[0]
    record.update(
        status="loaded",
        township_code=first.township_code,
        period=first.period,
        template=first.template if len({s.template for s in loaded}) == 1 else "mixed",
        report_date=first.report_date,
        data_rows=rows,
    )
    if sheet_errors:
        record["reason_zh"] = "；".join(e.reason_zh for e in sheet_errors)
        record["reason_en"] = "; ".join(e.reason_en for e in sheet_errors)
    batch.files.append(record)
    return len(loaded), rows


def resolve_supersession(con: duckdb.DuckDBPyConnection) -> None:
    execute_script(con, SQL_DIR / "supersede.sql")


def ingest_inbox(
    con: duckdb.DuckDBPyConnection,
    inbox: Path,
    *,
    quarantine_dir: Path,
    workers: int = 2,
    now: datetime | None = None,
) -> IngestSummary:
    """Register and land every new file in ``inbox``; re-running changes nothing."""
    now = now or datetime.now(UTC).replace(tzinfo=None)
    summary = IngestSummary()
    known = {row[0] for row in con.execute("select file_id from raw.files").fetchall()}
    todo: dict[str, Path] = {}
    for path in scan_inbox(inbox):
        summary.files_seen += 1
        sha = file_sha256(path)
        if sha not in known and sha not in todo:
            todo[sha] = path
    summary.files_new = len(todo)
    new_bytes = sum(p.stat().st_size for p in todo.values())
    batch = _LandingBatch()
    for ef in iter_extract(list(todo.values()), workers if new_bytes >= POOL_MIN_BYTES else 1):
        rel = str(Path(ef.path).resolve().relative_to(inbox.resolve()))
        sheets, rows = _add_file(batch, ef, rel, quarantine_dir, now)
        summary.sheets_loaded += sheets
        summary.rows_landed += rows
        if sheets == 0:
            summary.files_rejected += 1
            error = ef.error or next(s.error for s in ef.sheets if s.error is not None)
            summary.rejected.append((rel, error.kind, error.reason_en))
        if len(batch) >= BATCH_FILES:
            batch.flush(con)
    batch.flush(con)
    resolve_supersession(con)
    return summary
