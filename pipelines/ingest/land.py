"""Inbox -> raw layer: register every file, land every data row as text, keep lineage.

Files are read in a process pool (a reader uses one core; see DESIGN.md section 10) and
written to DuckDB in bulk from the main process, which is the only writer.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from pipelines.ingest.arrivals import (
    Arrival,
    duplicate_id,
    duplicate_record,
    skip_kind,
    skipped_id,
    skipped_record,
)
from pipelines.ingest.context import resolve_township
from pipelines.ingest.extract import ExtractedFile, iter_extract
from pipelines.ingest.raw_records import LandingBatch, rows_frame, sheet_records
from warehouse.db import execute_script, transaction

SQL_DIR = Path(__file__).parent / "sql"


@dataclass
class IngestSummary:
    files_seen: int = 0
    files_new: int = 0
    files_rejected: int = 0
    files_duplicate: int = 0
    files_skipped: int = 0
    sheets_loaded: int = 0
    rows_landed: int = 0
    # (path, reason kind, reason in English): what the data team reads in the run log.
    rejected: list[tuple[str, str, str]] = field(default_factory=list)
    # (path, path of the file it copies) and (path, kind): new this run, not rejections.
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def describe(self) -> str:
        return (
            f"{self.files_seen} files in inbox, {self.files_new} new, "
            f"{self.files_rejected} rejected, {self.files_duplicate} duplicate, "
            f"{self.files_skipped} skipped, {self.sheets_loaded} sheets and "
            f"{self.rows_landed} rows landed"
        )

    def metadata(self) -> dict[str, Any]:
        return {
            "rejected_this_run": "\n".join(
                f"{path}: {kind}: {reason}" for path, kind, reason in self.rejected
            ),
            "duplicates_this_run": "\n".join(
                f"{path}: duplicate of {first}" for path, first in self.duplicates
            ),
            "skipped_this_run": "\n".join(f"{path}: {kind}" for path, kind in self.skipped),
            "files_seen": self.files_seen,
            "files_new": self.files_new,
            "files_rejected": self.files_rejected,
            "files_duplicate": self.files_duplicate,
            "files_skipped": self.files_skipped,
            "sheets_loaded": self.sheets_loaded,
            "rows_landed": self.rows_landed,
        }


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def scan_arrivals(inbox: Path) -> list[Path]:
    """Every file under ``inbox``, in a stable order: submissions and the rest alike, since
    every arrival gets a raw.files row (pipelines/ingest/arrivals.py)."""
    if not inbox.is_dir():
        return []
    return sorted(p for p in inbox.rglob("*") if p.is_file())


def scan_inbox(inbox: Path) -> list[Path]:
    """Every candidate submission, in a stable order; Office lock files (~$x.xlsx) and
    hidden files are not submissions (they are recorded as skipped, not read)."""
    return [p for p in scan_arrivals(inbox) if skip_kind(p) is None]


def _quarantine_copy(path: Path, quarantine_dir: Path, file_id: str) -> Path:
    """Keep the coordinator's rejected file as sent, beside the reason, never moved away
    from the inbox (the inbox belongs to whoever drops files there)."""
    target = quarantine_dir / "files" / f"{file_id[:12]}_{path.name}"
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        # Copied under a temporary name and renamed: a run killed mid-copy must not leave a
        # truncated copy that the next run, seeing the name, would keep.
        partial = target.with_name(f".{target.name}.partial")
        shutil.copy2(path, partial)
        os.replace(partial, target)
    return target


BATCH_FILES = 200  # files per transaction: bulk inserts, bounded memory
# Below this much new data a process pool costs more than it saves: each spawned worker
# imports polars/fastexcel (~1 s) and every result is pickled back. benchmarks/ingest_bench.py
# on the 17-township 24-month sample world (12 MB, 791 small files), quiet machine:
# 1 worker 7.8 s, 2 workers 4.6 s (1.7x); a one-file resubmission or a test inbox of a few
# hundred KB only pays the start-up.
POOL_MIN_BYTES = 8 << 20


def _add_file(
    batch: LandingBatch, ef: ExtractedFile, rel_path: str, quarantine_dir: Path, now: datetime
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
    batch.sheets.extend(sheet_records(ef))
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
        frame = rows_frame(sheet, ef.sha256)
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


def _known_files(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, str], set[str]]:
    """(sha256 -> path of every file read, the ids of every recorded arrival)."""
    read = {
        file_id: path
        for file_id, path in con.execute(
            "select file_id, path from raw.files where status not in ('duplicate', 'skipped')"
        ).fetchall()
    }
    return read, {row[0] for row in con.execute("select file_id from raw.files").fetchall()}


def _sort_arrivals(
    inbox: Path, read: dict[str, str], ids: set[str], summary: IngestSummary, now: datetime
) -> tuple[dict[str, Path], list[dict[str, Any]]]:
    """(new content to read, sha -> path; registry rows of new duplicate and skipped
    arrivals). A path recorded before adds nothing, so the same inbox changes nothing."""
    records: list[dict[str, Any]] = []
    by_sha: dict[str, list[Arrival]] = {}
    for path in scan_arrivals(inbox):
        summary.files_seen += 1
        arrival = Arrival.of(path, inbox)
        kind = skip_kind(path)
        if kind is not None:
            if skipped_id(arrival.rel_path) not in ids:
                records.append(skipped_record(arrival, kind, now))
                summary.skipped.append((arrival.rel_path, kind))
            continue
        by_sha.setdefault(file_sha256(path), []).append(arrival)
    todo: dict[str, Path] = {}
    for sha, arrivals in by_sha.items():
        arrivals.sort(key=lambda a: a.order)
        if sha in read:
            first_path = read[sha]
        else:
            todo[sha] = arrivals[0].path
            first_path = arrivals[0].rel_path
        for arrival in arrivals:
            if arrival.rel_path == first_path or duplicate_id(sha, arrival.rel_path) in ids:
                continue
            records.append(duplicate_record(arrival, sha, first_path, now))
            summary.duplicates.append((arrival.rel_path, first_path))
    summary.files_duplicate = len(summary.duplicates)
    summary.files_skipped = len(summary.skipped)
    return todo, records


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
    read, ids = _known_files(con)
    todo, arrival_records = _sort_arrivals(inbox, read, ids, summary, now)
    summary.files_new = len(todo)
    new_bytes = sum(p.stat().st_size for p in todo.values())
    batch = LandingBatch()
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
    batch.files.extend(arrival_records)
    # The last batch, the supersession and the duplicates' routing commit together, so no
    # run ever ends with files landed but not yet ranked against the ones they replace.
    with transaction(con):
        batch.write(con)
        resolve_supersession(con)
        execute_script(con, SQL_DIR / "duplicates.sql")
    batch.clear()
    return summary
