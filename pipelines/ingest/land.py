"""Inbox -> raw layer: register every file, land every data row as text, keep lineage.

Files are read in a process pool (a reader uses one core; see DESIGN.md section 10) and
written to DuckDB in bulk from the main process, which is the only writer.

The inbox is walked without following anything (pipelines/ingest/walk.py) and each file
is isolated: whatever one file does while it is read, laid out, placed or landed ends as
that file rejected with a reason (``internal_error`` when nothing better fits), its
traceback in ``IngestSummary.incidents`` for the data team's log, and every other file
goes on. Only what fails for the whole county (the warehouse itself) fails the run.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from pipelines.ingest.arrivals import (
    Arrival,
    base_record,
    duplicate_id,
    duplicate_record,
    link_id,
    link_record,
    reject_kind,
    skip_kind,
    skipped_id,
    skipped_record,
    unread_id,
    unread_record,
)
from pipelines.ingest.context import resolve_township
from pipelines.ingest.extract import (
    ExtractedFile,
    ExtractError,
    ExtractJob,
    internal_error,
    iter_extract,
)
from pipelines.ingest.raw_records import LandingBatch, rows_frame, sheet_records
from pipelines.ingest.walk import NotRegularFile, open_in_inbox, walk_inbox
from pipelines.privacy import scrub
from pipelines.progress import NULL, Progress
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
    # What the data team must look at: tracebacks of internal errors, reader processes that
    # died. English, PII scrubbed (pipelines.privacy.scrub); logged at error level.
    incidents: list[str] = field(default_factory=list)

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
            "incidents_this_run": "\n\n".join(self.incidents),
            "files_seen": self.files_seen,
            "files_new": self.files_new,
            "files_rejected": self.files_rejected,
            "files_duplicate": self.files_duplicate,
            "files_skipped": self.files_skipped,
            "sheets_loaded": self.sheets_loaded,
            "rows_landed": self.rows_landed,
        }


def file_sha256(inbox: Path, arrival: Arrival) -> str:
    """sha256 of a file in the inbox, opened without following symlinks (walk.py)."""
    digest = hashlib.sha256()
    with os.fdopen(open_in_inbox(inbox, arrival.parts), "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def scan_arrivals(inbox: Path) -> list[Arrival]:
    """Every entry under ``inbox`` (files, symlinks, special files, folders named like
    files), in a stable order: every arrival gets a raw.files row (arrivals.py)."""
    return [Arrival.of(entry) for entry in walk_inbox(inbox)]


def scan_inbox(inbox: Path) -> list[Path]:
    """Every candidate submission (a plain file, not a lock or hidden file), in a stable
    order; the rest is recorded as skipped or rejected, not read."""
    return [a.path for a in scan_arrivals(inbox) if skip_kind(a) is None and reject_kind(a) is None]


NAME_MAX = 255  # bytes in one file name (ext4, xfs, NTFS via a share: 255 units)


def _quarantine_name(file_id: str, name: str) -> str:
    """``<12 hex>_<name>``, the name's stem cut (at a character) so the whole stays within
    NAME_MAX bytes: a coordinator's 80-character Chinese name is 240 bytes already, and the
    prefix must not make the copy fail (it would have failed the file's landing)."""
    prefix = f"{file_id[:12]}_"
    full = prefix + name
    if len(full.encode("utf-8")) <= NAME_MAX:
        return full
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 8:
        stem, suffix = name, ""
    tail = f".{suffix}" if suffix else ""
    room = NAME_MAX - len((prefix + tail).encode("utf-8"))
    cut = stem.encode("utf-8")[:room].decode("utf-8", errors="ignore")
    return f"{prefix}{cut}{tail}"


def _quarantine_copy(
    inbox: Path, arrival: Arrival, quarantine_dir: Path, file_id: str
) -> Path | None:
    """Keep the coordinator's rejected file as sent, beside the reason, never moved away
    from the inbox (the inbox belongs to whoever drops files there). Copied through
    ``open_in_inbox``: a file that became a symlink is not followed (no copy then)."""
    target = quarantine_dir / "files" / _quarantine_name(file_id, arrival.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        return target
    try:
        source = os.fdopen(open_in_inbox(inbox, arrival.parts), "rb")
    except OSError:
        return None
    # Copied under a temporary name and renamed: a run killed mid-copy must not leave a
    # truncated copy that the next run, seeing the name, would keep. The temporary name is
    # the file id alone: the copy's own name may already use all of NAME_MAX.
    partial = target.with_name(f".{file_id[:12]}.partial")
    with source, partial.open("wb") as sink:
        shutil.copyfileobj(source, sink)
    os.utime(partial, (arrival.mtime.replace(tzinfo=UTC).timestamp(),) * 2)
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
    batch: LandingBatch,
    ef: ExtractedFile,
    arrival: Arrival,
    inbox: Path,
    quarantine_dir: Path,
    now: datetime,
) -> tuple[int, int]:
    """Queue one file's registry row, sheets and data rows; returns (sheets, rows) loaded.

    A rejected file (or a workbook none of whose sheets can be placed) is copied to
    quarantine/ with its reason. A loaded workbook with some sheets that cannot be placed is
    copied too, and its reason names those sheets, so nothing a township sent goes unseen.
    """
    rel_path = arrival.rel_path
    record: dict[str, Any] = {
        "file_id": ef.sha256,
        "path": rel_path,
        "file_name": arrival.name,
        "size_bytes": ef.size or arrival.size,
        "file_mtime": arrival.mtime,
        "first_seen_at": now,
        "data_rows": 0,
    }
    batch.sheets.extend(sheet_records(ef))
    loaded = ef.loaded_sheets
    sheet_errors = [s.error for s in ef.sheets if s.error is not None]
    error = ef.error or (sheet_errors[0] if not loaded and sheet_errors else None)
    if (error is not None and error.kind != "not_regular_file") or sheet_errors:
        copy = _quarantine_copy(inbox, arrival, quarantine_dir, ef.sha256)
        record["quarantine_path"] = str(copy) if copy else None
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


def _township_guess(rel_path: str) -> str | None:
    guess = resolve_township(" ".join(Path(rel_path).parts))
    return guess.code if guess else None


def _sort_arrivals(
    inbox: Path,
    read: dict[str, str],
    ids: set[str],
    summary: IngestSummary,
    now: datetime,
    progress: Progress = NULL,
) -> tuple[dict[str, Arrival], list[dict[str, Any]]]:
    """(new content to read, sha -> arrival; registry rows of new arrivals that are not
    read: duplicates, skipped, symlinks, files that cannot be opened). A path recorded
    before adds nothing, so the same inbox changes nothing."""
    records: list[dict[str, Any]] = []
    by_sha: dict[str, list[Arrival]] = {}

    def reject(arrival: Arrival, record: dict[str, Any]) -> None:
        if record["file_id"] not in ids:
            records.append(record)
            summary.files_rejected += 1
            summary.rejected.append((arrival.rel_path, record["reason_kind"], record["reason_en"]))

    arrivals_found = scan_arrivals(inbox)
    # Every file is hashed (read whole) to know whether it is new: on a first run of a
    # province that alone is minutes, so it is a step of its own.
    progress.start("files checked", len(arrivals_found))
    for arrival in arrivals_found:
        progress.advance()
        summary.files_seen += 1
        kind = skip_kind(arrival)
        if kind is not None:
            if skipped_id(arrival.rel_path) not in ids:
                records.append(skipped_record(arrival, kind, now))
                summary.skipped.append((arrival.rel_path, kind))
            continue
        if reject_kind(arrival) is not None:
            reject(arrival, link_record(arrival, _township_guess(arrival.rel_path), now))
            continue
        try:
            sha = file_sha256(inbox, arrival)
        except NotRegularFile:  # swapped for a symlink since the walk
            if link_id(arrival.rel_path) not in ids:
                reject(arrival, link_record(arrival, _township_guess(arrival.rel_path), now))
            continue
        except OSError as exc:
            if unread_id(arrival.rel_path) not in ids:
                township = _township_guess(arrival.rel_path)
                reject(arrival, unread_record(arrival, exc, township, now))
            continue
        by_sha.setdefault(sha, []).append(arrival)
    todo: dict[str, Arrival] = {}
    for sha, arrivals in by_sha.items():
        arrivals.sort(key=lambda a: a.order)
        if sha in read:
            first_path = read[sha]
        else:
            todo[sha] = arrivals[0]
            first_path = arrivals[0].rel_path
        for arrival in arrivals:
            if arrival.rel_path == first_path or duplicate_id(sha, arrival.rel_path) in ids:
                continue
            records.append(duplicate_record(arrival, sha, first_path, now))
            summary.duplicates.append((arrival.rel_path, first_path))
    summary.files_duplicate = len(summary.duplicates)
    summary.files_skipped = len(summary.skipped)
    progress.done()
    return todo, records


def _crashed_record(
    arrival: Arrival, sha256: str, error: ExtractError, now: datetime
) -> dict[str, Any]:
    """A file whose landing raised: rejected ``internal_error``, no sheets or rows."""
    return base_record(arrival, now) | {
        "file_id": sha256,
        "status": "rejected",
        "reason_kind": error.kind,
        "reason_zh": error.reason_zh,
        "reason_en": error.reason_en,
        "township_code": _township_guess(arrival.rel_path),
    }


def _land_one(
    batch: LandingBatch,
    ef: ExtractedFile,
    arrival: Arrival,
    inbox: Path,
    quarantine_dir: Path,
    now: datetime,
    summary: IngestSummary,
) -> None:
    """``_add_file`` isolated: if it raises, what it queued is taken back out of the batch
    and the file is rejected ``internal_error``; the other files of the batch land."""
    marks = (len(batch.files), len(batch.sheets), {t: len(f) for t, f in batch.rows.items()})
    for note in ef.notes:
        summary.incidents.append(f"{arrival.rel_path}: {note}")
    if ef.traceback:
        summary.incidents.append(f"{arrival.rel_path}: internal error\n{ef.traceback}")
    try:
        sheets, rows = _add_file(batch, ef, arrival, inbox, quarantine_dir, now)
    except Exception as exc:  # noqa: BLE001 - per-file isolation
        del batch.files[marks[0] :]
        del batch.sheets[marks[1] :]
        for template, frames in batch.rows.items():
            del frames[marks[2].get(template, 0) :]
        error = internal_error(scrub(f"{type(exc).__name__}: {exc}")[:500] + " (while landing)")
        batch.files.append(_crashed_record(arrival, ef.sha256, error, now))
        summary.incidents.append(
            f"{arrival.rel_path}: internal error while landing\n{scrub(traceback.format_exc())}"
        )
        summary.files_rejected += 1
        summary.rejected.append((arrival.rel_path, error.kind, error.reason_en))
        return
    summary.sheets_loaded += sheets
    summary.rows_landed += rows
    if sheets == 0:
        summary.files_rejected += 1
        error = ef.error or next(s.error for s in ef.sheets if s.error is not None)
        summary.rejected.append((arrival.rel_path, error.kind, error.reason_en))


def ingest_inbox(
    con: duckdb.DuckDBPyConnection,
    inbox: Path,
    *,
    quarantine_dir: Path,
    workers: int = 2,
    now: datetime | None = None,
    progress: Progress = NULL,
) -> IngestSummary:
    """Register and land every new file in ``inbox``; re-running changes nothing.

    ``progress`` hears two steps: ``files checked`` (every arrival hashed against
    raw.files) and ``files read`` (each new file read and landed, out of the new ones).
    """
    now = now or datetime.now(UTC).replace(tzinfo=None)
    summary = IngestSummary()
    read, ids = _known_files(con)
    todo, arrival_records = _sort_arrivals(inbox, read, ids, summary, now, progress)
    summary.files_new = len(todo)
    new_bytes = sum(a.size for a in todo.values())
    jobs = [ExtractJob(a.path, a.name, inbox, a.parts, sha) for sha, a in todo.items()]
    by_path = {str(a.path): (sha, a) for sha, a in todo.items()}
    batch = LandingBatch()
    progress.start("files read", len(jobs))
    for ef in iter_extract(jobs, workers if new_bytes >= POOL_MIN_BYTES else 1):
        progress.advance()
        sha, arrival = by_path[ef.path]
        if ef.sha256 != sha:
            # Rewritten between the hash and the read (still being copied in): its id is
            # not what was checked against raw.files, so it is left for the next run,
            # which sees it whole (and records it then).
            summary.files_new -= 1
            summary.incidents.append(f"{arrival.rel_path}: changed while read; next run")
            continue
        _land_one(batch, ef, arrival, inbox, quarantine_dir, now, summary)
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
    progress.done()
    return summary
