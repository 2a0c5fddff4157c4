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
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (path, reason_zh)

    def describe(self) -> str:
        return (
            f"{self.files_seen} files in inbox, {self.files_new} new, "
            f"{self.files_rejected} rejected, {self.sheets_loaded} sheets and "
            f"{self.rows_landed} rows landed"
        )

    def metadata(self) -> dict[str, Any]:
        return {
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


def _land_file(
    con: duckdb.DuckDBPyConnection,
    ef: ExtractedFile,
    rel_path: str,
    quarantine_dir: Path,
    now: datetime,
) -> tuple[int, int]:
    """Insert one file's registry row, sheets and data rows; returns (sheets, rows)."""
    path = Path(ef.path)
    mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).replace(tzinfo=None)
    loaded = [s for s in ef.sheets if s.error is None]
    error = ef.error
    if error is None and not loaded:
        error = ef.sheets[0].error if ef.sheets else None
    base = {
        "file_id": ef.sha256,
        "path": rel_path,
        "file_name": path.name,
        "size_bytes": ef.size,
        "file_mtime": mtime,
        "first_seen_at": now,
    }
    if error is not None:
        target = _quarantine_copy(path, quarantine_dir, ef.sha256)
        con.execute(
            "insert into raw.files (file_id, path, file_name, size_bytes, file_mtime,"
            " first_seen_at, status, reason_kind, reason_zh, reason_en, quarantine_path)"
            " values ($file_id, $path, $file_name, $size_bytes, $file_mtime, $first_seen_at,"
            " 'rejected', $kind, $zh, $en, $q)",
            {
                **base,
                "kind": error.kind,
                "zh": error.reason_zh,
                "en": error.reason_en,
                "q": str(target),
            },
        )
        _insert_sheets(con, ef)
        return 0, 0
    first = loaded[0]
    rows = 0
    for sheet in loaded:
        frame = _rows_frame(sheet, ef.sha256)
        rows += frame.height
        con.register("landing_rows", frame.to_arrow())
        con.execute(f"insert into raw.{sheet.template}_rows by name select * from landing_rows")
        con.unregister("landing_rows")
    templates = {s.template for s in loaded}
    con.execute(
        "insert into raw.files (file_id, path, file_name, size_bytes, file_mtime,"
        " first_seen_at, status, township_code, period, template, report_date, data_rows)"
        " values ($file_id, $path, $file_name, $size_bytes, $file_mtime, $first_seen_at,"
        " 'loaded', $township, $period, $template, $report_date, $rows)",
        {
            **base,
            "township": first.township_code,
            "period": first.period,
            "template": first.template if len(templates) == 1 else "mixed",
            "report_date": first.report_date,
            "rows": rows,
        },
    )
    _insert_sheets(con, ef)
    return len(loaded), rows


def _insert_sheets(con: duckdb.DuckDBPyConnection, ef: ExtractedFile) -> None:
    for sheet in ef.sheets:
        ok = sheet.error is None
        con.execute(
            "insert into raw.sheets (file_id, sheet_name, status, reason_zh, template,"
            " township_code, period, report_date, header_rows, columns_json, data_rows)"
            " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                ef.sha256,
                sheet.sheet_name,
                "loaded" if ok and ef.error is None else "rejected",
                None if ok else sheet.error.reason_zh,  # type: ignore[union-attr]
                sheet.template,
                sheet.township_code,
                sheet.period,
                sheet.report_date,
                ",".join(str(r) for r in sheet.layout.header_rows) if sheet.layout else None,
                _columns_json(sheet) if sheet.layout else None,
                sheet.layout.data.height if sheet.layout else 0,
            ],
        )
    for name, reason in ef.skipped:
        con.execute(
            "insert into raw.sheets (file_id, sheet_name, status, reason_zh) values (?, ?, ?, ?)",
            [ef.sha256, name, "skipped", reason],
        )


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
    for ef in iter_extract(list(todo.values()), workers):
        rel = str(Path(ef.path).resolve().relative_to(inbox.resolve()))
        con.execute("begin transaction")
        try:
            sheets, rows = _land_file(con, ef, rel, quarantine_dir, now)
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        summary.sheets_loaded += sheets
        summary.rows_landed += rows
        if sheets == 0:
            summary.files_rejected += 1
            reason = ef.error.reason_zh if ef.error else "no usable sheet"
            summary.rejected.append((rel, reason))
    resolve_supersession(con)
    return summary
