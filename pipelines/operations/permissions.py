"""Modes for files that hold raw personal data: owner only, whatever the caller's umask.

warehouse.duckdb (and its .wal), backups/, quarantine/, the full feedback workbooks and the
lock file hold names, ID numbers and phones; the analyst snapshot, reports and the masked
twins are meant to be read by others. A run works under umask 077 (``private_umask``, set
by the warehouse resource for the whole run), so whatever a library creates on its own -
DuckDB's .wal in the middle of a step, a quarantine copy, a temporary file - is owner-only
from its first byte, whatever the operator's shell umask; the writers of the files meant
for others mark them so explicitly (``public_file``, ``public_dir``) before they appear
under their final name.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
PUBLIC_FILE = 0o644
PUBLIC_DIR = 0o755


def private_file(path: Path) -> Path:
    """chmod ``path`` to 0600 if it exists (a missing .wal is not an error)."""
    with suppress(FileNotFoundError):
        os.chmod(path, PRIVATE_FILE)
    return path


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if needed and chmod it to 0700: nobody else may list
    or open what is inside, whatever modes the files get from the code that writes them."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, PRIVATE_DIR)
    return path


def public_file(path: Path) -> Path:
    """chmod ``path`` to 0644: a file meant for analysts, coordinators or leadership (the
    snapshot, a report, a masked twin), readable by others even when written under the
    run's umask 077."""
    os.chmod(path, PUBLIC_FILE)
    return path


def public_dir(path: Path) -> Path:
    """Create ``path`` if needed and chmod it to 0755, so the public files inside can be
    reached. Every folder on the way it has to create is made 0755 too: under the run's
    umask 077 ``mkdir(parents=True)`` would leave, say, ``feedback/`` owner-only and the
    masked twins in ``feedback/<乡镇>/`` out of anyone else's reach."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(exist_ok=True)
        os.chmod(folder, PUBLIC_DIR)
    os.chmod(path, PUBLIC_DIR)
    return path


def private_database(db: Path) -> Path:
    """0600 on a DuckDB file and its write-ahead log, if present."""
    private_file(db)
    private_file(db.with_name(db.name + ".wal"))
    return db


@contextmanager
def private_umask() -> Iterator[None]:
    """Files and directories created inside get no group/other bits (umask 077).

    The umask is process-wide. A run holds it from its set-up to its end (the public
    outputs are chmod-ed by their writers); elsewhere keep the block to the one call that
    creates a private file (e.g. ``duckdb.connect``).
    """
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)
