"""Every file that arrives in the inbox gets a row in raw.files (DESIGN.md section 7).

Most arrivals are submissions: read, placed, loaded or rejected (land.py). Two kinds are
not, and are recorded without being read as registers:

* a byte-identical copy of a file already received, under another name or folder
  ("莲峰镇3月台账 - 副本.xlsx", the same file sent twice): status ``duplicate``,
  ``duplicate_of`` the first file's id, no rows landed (the content counts once);
* a file that is not a submission: an Office lock file (``~$台账.xlsx``, there while
  someone has the workbook open) or a hidden file (``.DS_Store``), a FIFO, socket or device
  (never opened: opening a FIFO blocks), a folder named like a spreadsheet
  (``台账.xlsx/``; what is inside it is walked like any folder): status ``skipped``;
* a symlink (to a file or a folder, dangling or not): status ``rejected``, kind
  ``not_regular_file``, never followed, opened or copied (pipelines/ingest/walk.py: the
  inbox is a boundary). It is a rejection, not a skip, because a coordinator who put a
  shortcut there meant to send a register and must be told to send the file itself.

A submission's id is the sha256 of its bytes, so the same content is read once. A duplicate,
skipped or symlink arrival has no content of its own to be keyed by, so its id is derived
from its (readable) path (and, for a duplicate, the content it copies): the same inbox
seen again adds nothing, while a copy under a third name is one more row.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from pipelines.ingest.extract import NOT_REGULAR_FILE_ZH, internal_error
from pipelines.ingest.walk import Entry

# Excel/WPS write "~$name.xlsx" beside an open workbook; LibreOffice ".~lock.name#".
LOCK_PREFIX = "~$"


@dataclass(frozen=True)
class Arrival(Entry):
    """One entry found in the inbox (as the walk's ``lstat`` saw it, never resolved): the
    walk's Entry (real name for opening, readable ``rel_path`` and ``name`` for showing),
    plus which of identical copies counts as first."""

    @classmethod
    def of(cls, entry: Entry) -> Arrival:
        return cls(**{f.name: getattr(entry, f.name) for f in fields(entry)})

    @property
    def order(self) -> tuple[datetime, int, str]:
        """Which of several identical copies arriving together is the first: the oldest,
        then the shortest name (a copy gets " - 副本" or "(1)" added), then by name."""
        return (self.mtime, len(self.rel_path), self.rel_path)


def _path_digest(rel_path: str) -> str:
    return hashlib.sha256(rel_path.encode("utf-8")).hexdigest()[:16]


def skipped_id(rel_path: str) -> str:
    return f"skipped:{_path_digest(rel_path)}"


def link_id(rel_path: str) -> str:
    return f"link:{_path_digest(rel_path)}"


def unread_id(rel_path: str) -> str:
    """A plain file that could not be opened or hashed (vanished, permission denied)."""
    return f"unread:{_path_digest(rel_path)}"


def duplicate_id(sha256: str, rel_path: str) -> str:
    return f"{sha256}:copy:{_path_digest(rel_path)}"


def skip_kind(path: Path | Arrival) -> str | None:
    """Why an arrival is not a submission (``lock_file``, ``hidden_file``, ``special_file``,
    ``folder_named_like_file``), else None. A symlink is not skipped: see ``reject_kind``."""
    kind = path.kind if isinstance(path, Arrival) else "file"
    if kind == "directory":
        return "folder_named_like_file"
    if kind == "special":
        return "special_file"
    if kind == "symlink":
        return None
    if path.name.startswith(LOCK_PREFIX) or path.name.startswith(".~lock."):
        return "lock_file"
    if path.name.startswith("."):
        return "hidden_file"
    return None


def reject_kind(arrival: Arrival) -> str | None:
    """``not_regular_file`` for a symlink: rejected without being read, else None."""
    return "not_regular_file" if arrival.kind == "symlink" else None


_SKIP_REASONS = {
    "lock_file": (
        "Excel/WPS 打开表格时自动生成的临时锁定文件（~$开头），不是报送的台账，未读取，无需处理。",
        "Office lock file (~$...): not a submission, not read",
    ),
    "hidden_file": (
        "隐藏文件（文件名以“.”开头），不是报送的台账，未读取，无需处理。",
        "hidden file: not a submission, not read",
    ),
    "special_file": (
        "这是系统管道/套接字/设备等特殊文件，不是报送的台账，未读取，无需处理。",
        "FIFO, socket or device: not a submission, never opened",
    ),
    "folder_named_like_file": (
        "这是一个文件夹（名称像表格文件），不是台账文件本身；文件夹里的文件已照常读取。"
        "如需报送，请直接放入台账文件。",
        "a folder named like a spreadsheet: not a file; its content is read like any folder's",
    ),
}


def base_record(arrival: Arrival, now: datetime) -> dict[str, Any]:
    """The raw.files columns every arrival has, whatever becomes of it."""
    return {
        "path": arrival.rel_path,
        "file_name": arrival.name,
        "size_bytes": arrival.size,
        "file_mtime": arrival.mtime,
        "first_seen_at": now,
        "data_rows": 0,
    }


def skipped_record(arrival: Arrival, kind: str, now: datetime) -> dict[str, Any]:
    reason_zh, reason_en = _SKIP_REASONS[kind]
    return base_record(arrival, now) | {
        "file_id": skipped_id(arrival.rel_path),
        "status": "skipped",
        "reason_kind": kind,
        "reason_zh": reason_zh,
        "reason_en": reason_en,
    }


def link_record(arrival: Arrival, township_code: str | None, now: datetime) -> dict[str, Any]:
    """A symlink: rejected, never followed. ``township_code`` is the guess from its path,
    so the rejection reaches the coordinator who put it there."""
    return base_record(arrival, now) | {
        "file_id": link_id(arrival.rel_path),
        "status": "rejected",
        "reason_kind": "not_regular_file",
        "reason_zh": NOT_REGULAR_FILE_ZH,
        "reason_en": "symlink: not a regular file, never followed or read",
        "township_code": township_code,
    }


def unread_record(
    arrival: Arrival, error: OSError, township_code: str | None, now: datetime
) -> dict[str, Any]:
    """A file that could not even be opened to hash it: rejected ``internal_error`` (the
    data team looks at permissions/the share), the coordinator needs to do nothing yet."""
    reason = internal_error(f"{type(error).__name__}: {error.strerror or 'cannot open'}")
    return base_record(arrival, now) | {
        "file_id": unread_id(arrival.rel_path),
        "status": "rejected",
        "reason_kind": reason.kind,
        "reason_zh": reason.reason_zh,
        "reason_en": reason.reason_en,
        "township_code": township_code,
    }


def duplicate_record(
    arrival: Arrival, sha256: str, first_path: str, now: datetime
) -> dict[str, Any]:
    """A copy of ``first_path``'s content: a gentle note, not a rejection (nothing to fix;
    the content was read once). Township, period and template are the first file's, filled
    in after landing (it may be landing in the same batch)."""
    first_name = Path(first_path).name
    return base_record(arrival, now) | {
        "file_id": duplicate_id(sha256, arrival.rel_path),
        "status": "duplicate",
        "reason_kind": "duplicate",
        "reason_zh": f"与已收到的文件《{first_name}》内容完全相同，按重复报送记录，"
        "未重复导入，无需处理。",
        "reason_en": f"byte-identical copy of {first_path}: recorded, not loaded again",
        "duplicate_of": sha256,
    }
