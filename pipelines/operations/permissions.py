"""Modes for files that hold raw personal data: owner only, whatever the caller's umask.

warehouse.duckdb (and its .wal), backups/, quarantine/, the full feedback workbooks and the
lock file hold names, ID numbers and phones; the analyst snapshot, reports and the masked
twins are meant to be read by others and keep the modes their writers give them. Modes are
set explicitly with chmod after creation, and files a library creates are created under a
restrictive umask (``private_umask``), so a permissive umask of the operator's shell does
not leak a copy.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


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


def private_database(db: Path) -> Path:
    """0600 on a DuckDB file and its write-ahead log, if present."""
    private_file(db)
    private_file(db.with_name(db.name + ".wal"))
    return db


@contextmanager
def private_umask() -> Iterator[None]:
    """Files and directories created inside get no group/other bits (umask 077).

    The umask is process-wide: keep the block to the one call that creates a private file
    (e.g. ``duckdb.connect``), never around code that writes files meant for others.
    """
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)
