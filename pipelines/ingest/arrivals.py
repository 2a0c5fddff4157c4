"""Every file that arrives in the inbox gets a row in raw.files (DESIGN.md section 7).

Most arrivals are submissions: read, placed, loaded or rejected (land.py). Two kinds are
not, and are recorded without being read as registers:

* a byte-identical copy of a file already received, under another name or folder
  ("莲峰镇3月台账 - 副本.xlsx", the same file sent twice): status ``duplicate``,
  ``duplicate_of`` the first file's id, no rows landed (the content counts once);
* a file that is not a submission: an Office lock file (``~$台账.xlsx``, there while
  someone has the workbook open) or a hidden file (``.DS_Store``): status ``skipped``.

A submission's id is the sha256 of its bytes, so the same content is read once. A duplicate
or skipped arrival has no content of its own to be keyed by, so its id is derived from its
path (and, for a duplicate, the content it copies): the same inbox seen again adds nothing,
while a copy under a third name is one more row.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# Excel/WPS write "~$name.xlsx" beside an open workbook; LibreOffice ".~lock.name#".
LOCK_PREFIX = "~$"


@dataclass(frozen=True)
class Arrival:
    """One file found in the inbox: where, and (for a submission) its content hash."""

    path: Path
    rel_path: str  # relative to the inbox, POSIX separators
    size: int
    mtime: datetime

    @classmethod
    def of(cls, path: Path, inbox: Path) -> Arrival:
        stat = path.stat()
        return cls(
            path=path,
            rel_path=path.resolve().relative_to(inbox.resolve()).as_posix(),
            size=stat.st_size,
            mtime=datetime.fromtimestamp(stat.st_mtime, tz=UTC).replace(tzinfo=None),
        )

    @property
    def order(self) -> tuple[datetime, int, str]:
        """Which of several identical copies arriving together is the first: the oldest,
        then the shortest name (a copy gets " - 副本" or "(1)" added), then by name."""
        return (self.mtime, len(self.rel_path), self.rel_path)


def _path_digest(rel_path: str) -> str:
    return hashlib.sha256(rel_path.encode("utf-8")).hexdigest()[:16]


def skipped_id(rel_path: str) -> str:
    return f"skipped:{_path_digest(rel_path)}"


def duplicate_id(sha256: str, rel_path: str) -> str:
    return f"{sha256}:copy:{_path_digest(rel_path)}"


def skip_kind(path: Path) -> str | None:
    """``lock_file`` or ``hidden_file`` for a file that is not a submission, else None."""
    if path.name.startswith(LOCK_PREFIX) or path.name.startswith(".~lock."):
        return "lock_file"
    if path.name.startswith("."):
        return "hidden_file"
    return None


_SKIP_REASONS = {
    "lock_file": (
        "Excel/WPS 打开表格时自动生成的临时锁定文件（~$开头），不是报送的台账，未读取，无需处理。",
        "Office lock file (~$...): not a submission, not read",
    ),
    "hidden_file": (
        "隐藏文件（文件名以“.”开头），不是报送的台账，未读取，无需处理。",
        "hidden file: not a submission, not read",
    ),
}


def _base_record(arrival: Arrival, now: datetime) -> dict[str, Any]:
    return {
        "path": arrival.rel_path,
        "file_name": arrival.path.name,
        "size_bytes": arrival.size,
        "file_mtime": arrival.mtime,
        "first_seen_at": now,
        "data_rows": 0,
    }


def skipped_record(arrival: Arrival, kind: str, now: datetime) -> dict[str, Any]:
    reason_zh, reason_en = _SKIP_REASONS[kind]
    return _base_record(arrival, now) | {
        "file_id": skipped_id(arrival.rel_path),
        "status": "skipped",
        "reason_kind": kind,
        "reason_zh": reason_zh,
        "reason_en": reason_en,
    }


def duplicate_record(
    arrival: Arrival, sha256: str, first_path: str, now: datetime
) -> dict[str, Any]:
    """A copy of ``first_path``'s content: a gentle note, not a rejection (nothing to fix;
    the content was read once). Township, period and template are the first file's, filled
    in after landing (it may be landing in the same batch)."""
    first_name = Path(first_path).name
    return _base_record(arrival, now) | {
        "file_id": duplicate_id(sha256, arrival.rel_path),
        "status": "duplicate",
        "reason_kind": "duplicate",
        "reason_zh": f"与已收到的文件《{first_name}》内容完全相同，按重复报送记录，"
        "未重复导入，无需处理。",
        "reason_en": f"byte-identical copy of {first_path}: recorded, not loaded again",
        "duplicate_of": sha256,
    }
