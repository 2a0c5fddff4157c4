"""The inbox as a boundary: list what is in it without following anything out of it, and
open a file only if it is still a plain file inside it.

The inbox is a folder coordinators (or a sync job from a Windows share) drop files into;
anything can appear there. A symlink to ``/etc`` or to another county's register, a
shortcut a clerk made, a FIFO someone created by mistake (opening one blocks forever), a
folder called ``台账.xlsx``: none of these may make the run read outside the inbox or
hang, and none may go unrecorded (DESIGN.md section 7: every arrival has a raw.files row).

So the walk uses ``os.scandir`` and ``lstat`` only (``follow_symlinks=False`` everywhere):
a symlink is reported as what it is, never resolved, never descended into. Reading uses
``open_in_inbox``, which opens every folder on the way and the file itself relative to
the previous one with ``O_NOFOLLOW``: a file swapped for a symlink between the walk and
the read (or a folder swapped for one) fails to open instead of being followed.

File names are bytes on Linux. A name written by a Windows share in GBK is not UTF-8, and
Python's str for it carries surrogate escapes that DuckDB, JSON and e-mail cannot store.
The real name (``Entry.path``, surrogate-escaped, opens the right file) is kept apart from
the readable one (``Entry.rel_path``, ``Entry.name``) that is stored and shown.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

EntryKind = Literal["file", "symlink", "directory", "special"]

# A folder with one of these endings was most likely meant as a file: recorded (skipped)
# so the coordinator who sees "not received" can be told why; its content is still walked.
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".et", ".ods", ".csv", ".txt")


@dataclass(frozen=True)
class Entry:
    """One thing found under the inbox, as ``lstat`` saw it."""

    path: Path  # the real name (surrogate-escaped bytes): for opening only
    parts: tuple[str, ...]  # the real names of its folders and itself under the inbox
    rel_path: str  # readable, relative to the inbox, POSIX separators: stored and shown
    kind: EntryKind
    size: int  # bytes of a file; 0 for anything that is not read
    mtime: datetime  # naive UTC
    mtime_ns: int = 0  # as lstat gave it (the sensor's change digest)

    @property
    def name(self) -> str:
        return self.rel_path.rsplit("/", 1)[-1]


def readable_name(name: str) -> str:
    """A file name as a person would read it: UTF-8 as is; bytes that are not UTF-8 read as
    GB18030 (a superset of GBK, what a Chinese Windows share writes); anything else with
    backslash escapes (``\\xff``), so the stored name is always valid text."""
    raw = os.fsencode(name)
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="backslashreplace")


# datetime's range ends at year 9999; a share or a broken clock can stamp a file far
# outside it (lstat gives any 64-bit second). Clamped, so one file cannot stop the walk; a
# far-future time leaves the arrival at first_seen_at (the earlier of the two).
_MTIME_MIN = datetime(1970, 1, 1)
_MTIME_MAX = datetime(9999, 1, 1)


def _naive_utc(seconds: float) -> datetime:
    try:
        when = datetime.fromtimestamp(seconds, tz=UTC).replace(tzinfo=None)
    except (OverflowError, ValueError, OSError):
        return _MTIME_MAX if seconds > 0 else _MTIME_MIN
    return min(max(when, _MTIME_MIN), _MTIME_MAX)


def _kind(mode: int) -> EntryKind:
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISREG(mode):
        return "file"
    return "special"  # FIFO, socket, device


def _entry(path: Path, parts: tuple[str, ...], st: os.stat_result) -> Entry:
    kind = _kind(st.st_mode)
    return Entry(
        path=path,
        parts=parts,
        rel_path="/".join(readable_name(p) for p in parts),
        kind=kind,
        size=st.st_size if kind == "file" else 0,
        mtime=_naive_utc(st.st_mtime),
        mtime_ns=st.st_mtime_ns,
    )


def walk_inbox(inbox: Path) -> list[Entry]:
    """Everything under ``inbox`` except plain folders themselves, in a stable order (by
    readable path). Folders are descended into unless they are symlinks; a folder named like
    a spreadsheet is listed too (kind ``directory``) and walked. An entry that vanishes
    while it is listed is simply not there."""
    try:
        if not stat.S_ISDIR(os.lstat(inbox).st_mode):
            return []
    except FileNotFoundError:
        return []
    found: list[Entry] = []
    pending: list[tuple[Path, tuple[str, ...]]] = [(inbox, ())]
    while pending:
        folder, parts = pending.pop()
        try:
            with os.scandir(folder) as it:
                children = list(it)
        except OSError:
            continue  # vanished or unreadable folder: nothing in it can be read either
        for child in children:
            try:
                st = child.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue
            entry = _entry(Path(child.path), (*parts, child.name), st)
            if entry.kind == "directory":
                pending.append((entry.path, entry.parts))
                if entry.name.lower().endswith(SPREADSHEET_SUFFIXES):
                    found.append(entry)
            else:
                found.append(entry)
    return sorted(found, key=lambda e: e.rel_path)


class NotRegularFile(OSError):
    """The path is (now) a symlink, folder or special file: it is not opened."""


def open_in_inbox(inbox: Path, parts: tuple[str, ...]) -> int:
    """A read-only descriptor of ``inbox/parts...``, opened without following any symlink
    on the way (each step relative to the previous one, ``O_NOFOLLOW``) and only if it is a
    plain file (``O_NONBLOCK``, so a FIFO put in its place does not block the open).

    Raises NotRegularFile when something on the way is not what the walk saw, and the
    ordinary OSError (FileNotFoundError, PermissionError) when it cannot be opened.
    """
    flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    directory = getattr(os, "O_DIRECTORY", 0)
    fd = os.open(inbox, flags | directory)
    try:
        for part in parts[:-1]:
            try:
                step = os.open(part, flags | directory | nofollow, dir_fd=fd)
            except OSError as exc:
                if isinstance(exc, (FileNotFoundError, PermissionError)):
                    raise
                raise NotRegularFile(exc.errno, f"folder {part!r} is not a plain folder") from exc
            os.close(fd)
            fd = step
        try:
            leaf = os.open(parts[-1], flags | nofollow | os.O_NONBLOCK, dir_fd=fd)
        except OSError as exc:
            if isinstance(exc, (FileNotFoundError, PermissionError)):
                raise
            raise NotRegularFile(exc.errno, "not a plain file (symlink?)") from exc
    finally:
        os.close(fd)
    if not stat.S_ISREG(os.fstat(leaf).st_mode):
        os.close(leaf)
        raise NotRegularFile(0, "not a plain file")
    return leaf


def read_in_inbox(inbox: Path, parts: tuple[str, ...]) -> bytes:
    """All bytes of a plain file inside the inbox (see ``open_in_inbox``)."""
    with os.fdopen(open_in_inbox(inbox, parts), "rb") as fh:
        return fh.read()


def relative_parts(path: Path, inbox: Path) -> tuple[str, ...]:
    """``path``'s names under ``inbox``, lexically (never resolved: resolving follows
    symlinks, and a symlink's target is outside by definition)."""
    return Path(path).relative_to(inbox).parts
