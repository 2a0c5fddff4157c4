"""Consistent copies of warehouse.duckdb after each successful run, and putting one back.

A backup is a plain copy of the database file taken while this process holds the writer
lock and no connection is open: CHECKPOINT folds the write-ahead log into the file first,
so the copy alone is the whole database. It is written under a temporary name, fsynced,
checked to open, then renamed, so a crash never leaves a half backup under a real name.
Names carry the UTC time and the run id (``warehouse-20261208T031200Z-<run id>.duckdb``);
retention keeps the newest by that time (then modification time).

Restore replaces warehouse.duckdb by a backup; the caller holds the lock. The file it
replaces (and its .wal) is moved aside to ``warehouse.duckdb.replaced-<time>``, never
deleted: an operator who restored the wrong one can go back.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines.operations.permissions import private_database, private_dir, private_file

BACKUP_KEEP_ENV = "DISPUTES_BACKUP_KEEP"
DEFAULT_KEEP = 7
_NAME = re.compile(r"^warehouse-(\d{8}T\d{6}Z)-([0-9A-Za-z-]+)\.duckdb$")
_STAMP = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True)
class Backup:
    path: Path
    taken: datetime
    run_id: str
    size: int

    @property
    def name(self) -> str:
        return self.path.name


class BackupError(RuntimeError):
    """A backup that does not open as a DuckDB database, or none to restore."""


def keep_count() -> int:
    """How many backups to keep: DISPUTES_BACKUP_KEEP (at least 1) or 7."""
    value = os.environ.get(BACKUP_KEEP_ENV, "").strip()
    return max(1, int(value)) if value else DEFAULT_KEEP


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def check_opens(path: Path) -> int:
    """Open ``path`` read-only and count its tables; BackupError if DuckDB cannot."""
    try:
        con = duckdb.connect(str(path), read_only=True)
        try:
            row = con.execute("select count(*) from duckdb_tables()").fetchone()
        finally:
            con.close()
    except duckdb.Error as exc:
        raise BackupError(f"{path.name} does not open as a DuckDB database: {exc}") from exc
    return int(row[0]) if row else 0


def take_backup(
    db: Path, backups_dir: Path, run_id: str, *, keep: int | None = None
) -> tuple[Backup, list[Path]]:
    """Copy ``db`` into ``backups_dir`` (0700, file 0600) and drop all but the newest
    ``keep``; returns the new backup and the removed paths. No connection to ``db`` may be
    open in this process (DuckDB would refuse the CHECKPOINT's connection otherwise)."""
    private_dir(backups_dir)
    con = duckdb.connect(str(db))
    try:
        con.execute("checkpoint")
    finally:
        con.close()
    taken = datetime.now(UTC).replace(microsecond=0)
    name = f"warehouse-{taken.strftime(_STAMP)}-{run_id}.duckdb"
    tmp = backups_dir / f".{name}.tmp"
    shutil.copyfile(db, tmp)
    private_file(tmp)
    _fsync(tmp)
    check_opens(tmp)
    target = backups_dir / name
    os.replace(tmp, target)
    _fsync(backups_dir)
    backups = list_backups(backups_dir)
    removed = [b.path for b in backups[: max(0, len(backups) - (keep or keep_count()))]]
    for path in removed:
        path.unlink(missing_ok=True)
    return Backup(target, taken, run_id, target.stat().st_size), removed


def list_backups(backups_dir: Path) -> list[Backup]:
    """Backups oldest first; files that do not carry a backup name are ignored."""
    out: list[Backup] = []
    if not backups_dir.is_dir():
        return out
    for path in backups_dir.iterdir():
        m = _NAME.match(path.name)
        if m and path.is_file():
            taken = datetime.strptime(m.group(1), _STAMP).replace(tzinfo=UTC)
            out.append(Backup(path, taken, m.group(2), path.stat().st_size))
    # Names sort by time to the second; two backups in one second sort by mtime.
    return sorted(out, key=lambda b: (b.taken, b.path.stat().st_mtime_ns, b.name))


def find_backup(backups_dir: Path, name: str | None) -> Backup:
    """The backup called ``name`` (or whose run id starts with it), the newest when None."""
    backups = list_backups(backups_dir)
    if not backups:
        raise BackupError(f"no backups in {backups_dir}")
    if name is None:
        return backups[-1]
    matches = [b for b in backups if b.name == name or b.run_id.startswith(name)]
    if len(matches) != 1:
        raise BackupError(
            f"{name!r} matches {len(matches)} backups in {backups_dir}; "
            "give a full name from `disputes backup list`"
        )
    return matches[0]


def restore_backup(db: Path, backup: Backup) -> Path | None:
    """Put ``backup`` in place of ``db``; the caller holds the writer lock.

    The backup is copied beside ``db`` and opened before anything is moved, so a bad backup
    changes nothing. Returns where the replaced file went (None when there was none).
    """
    stamp = datetime.now(UTC).strftime(_STAMP)
    tmp = db.with_name(f".{db.name}.restore-{stamp}")
    shutil.copyfile(backup.path, tmp)
    private_file(tmp)
    _fsync(tmp)
    try:
        check_opens(tmp)
    except BackupError:
        tmp.unlink(missing_ok=True)
        raise
    replaced: Path | None = None
    if db.exists():
        replaced = db.with_name(f"{db.name}.replaced-{stamp}")
        os.replace(db, replaced)
    wal = db.with_name(db.name + ".wal")
    if wal.exists():
        os.replace(wal, db.with_name(f"{db.name}.wal.replaced-{stamp}"))
    os.replace(tmp, db)
    private_database(db)
    _fsync(db.parent)
    return replaced
