"""Feedback workbooks: the coordinator's own sheet, marked up, plus a summary.

For each current file with something to fix (quality/feedback/selection.py: an error, or
warnings in the last three register months before as_of):
DISPUTES_HOME/feedback/<township>/<name>_问题反馈.xlsx
(built by quality/feedback/workbook.py):
- problem cells filled red (error) or yellow (warning), with the messages as a comment;
- a 问题说明 column right of the table with each row's messages;
- a first sheet 问题汇总: one line per finding (quality/feedback/findings.py: a rule broken
  by one value in one column), its rows listed, column, value (masked), 错误/提示, message.
Beside it, <name>_问题反馈_脱敏.xlsx: the same workbook with the parties' names, IDs and
phones (and the 包案领导's name) masked (quality/feedback/mask.py). The full one holds the
raw data, so it stays on the server for fixing; only the masked twin may go in an alert.
An .xlsx is copied with openpyxl and marked up in place (the coordinator's layout, titles
and formats stay); .xls and .csv are rebuilt cell by cell from the text grid the ingest
reads; a file no longer in the inbox is rebuilt from its raw rows. A pair is written again
only when its file's issues changed (digest in quality.feedback_files) or one is missing,
and removed together (also when its file has nothing to fix any more: its warnings aged
past the recent months).
Plain functions; no Dagster.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

import duckdb

from pipelines.ingest.walk import NotRegularFile, read_in_inbox
from pipelines.privacy import scrub
from pipelines.reference.load import townships
from quality.feedback.rebuild import raw_grid
from quality.feedback.selection import has_something_to_fix, recent_cutoff
from quality.feedback.source import data_rows, sheet_layouts
from quality.feedback.workbook import build_workbook

SUFFIX = "_问题反馈.xlsx"
MASKED_SUFFIX = "_问题反馈_脱敏.xlsx"


@dataclass
class FeedbackSummary:
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    # (shown path, error) of files whose workbook could not be written: for the data
    # team's log; the other files' workbooks are written all the same.
    failed: list[tuple[str, str]] = field(default_factory=list)

    def metadata(self) -> dict[str, int | str]:
        return {
            "written": self.written,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "failed": len(self.failed),
            "failed_files": "\n".join(f"{path}: {error}" for path, error in self.failed),
        }


def township_folder(code: str | None) -> str:
    names = {t.code: t.name for t in townships()}
    return names.get(code or "", code or "未识别乡镇")


def output_path(feedback_dir: Path, township_code: str | None, file_name: str) -> Path:
    return feedback_dir / township_folder(township_code) / f"{Path(file_name).stem}{SUFFIX}"


def masked_path(full: Path) -> Path:
    """The masked twin of a full feedback workbook: <name>_问题反馈_脱敏.xlsx beside it."""
    return full.with_name(full.name.removesuffix(SUFFIX) + MASKED_SUFFIX)


def _issues_by_file(con: duckdb.DuckDBPyConnection) -> dict[str, list[dict[str, Any]]]:
    cursor = con.execute(
        """
        select i.file_id, i.sheet_name, i.excel_row, i.field, i.column_header,
               i.column_letter, i.value_masked, i.rule, i.severity, i.message_zh
        from quality.row_issues i
        join raw.files f on f.file_id = i.file_id and f.status = 'loaded'
        order by i.file_id, i.sheet_name, i.excel_row, i.column_letter nulls last, i.rule
        """
    )
    names = [d[0] for d in cursor.description]
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in cursor.fetchall():
        rec = dict(zip(names, row, strict=True))
        out[rec.pop("file_id")].append(rec)
    return out


def _source_bytes(inbox: Path, rel_path: str, file_id: str) -> bytes | None:
    """The coordinator's file as received, read beneath the inbox without following a link
    (pipelines/ingest/walk.py: the inbox is a boundary); None when it is gone, is no plain
    file any more, or now holds other bytes than the ones loaded (marks would land on the
    wrong cells): the workbook is then rebuilt from the raw rows."""
    try:
        data = read_in_inbox(inbox, Path(rel_path).parts)
    except (NotRegularFile, OSError):
        return None
    return data if hashlib.sha256(data).hexdigest() == file_id else None


def issues_digest(issues: list[dict[str, Any]]) -> str:
    payload = json.dumps(issues, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def write_feedback(
    con: duckdb.DuckDBPyConnection, inbox: Path, feedback_dir: Path, as_of: date
) -> FeedbackSummary:
    """Write (or leave as is) the feedback workbook of every current file with something
    to fix as of ``as_of``; remove workbooks of files that were superseded or have nothing
    to fix any more."""
    summary = FeedbackSummary()
    files = {
        r[0]: {"path": r[1], "file_name": r[2], "township_code": r[3], "period": r[4]}
        for r in con.execute(
            "select file_id, path, file_name, township_code, period from raw.files"
        ).fetchall()
    }
    cutoff = recent_cutoff(as_of)
    by_file = {
        file_id: issues
        for file_id, issues in _issues_by_file(con).items()
        if has_something_to_fix(issues, files[file_id]["period"], cutoff)
    }
    done = {
        r[0]: (r[1], r[2])
        for r in con.execute(
            "select file_id, output_path, issues_digest from quality.feedback_files"
        ).fetchall()
    }
    for file_id, (path, _) in done.items():
        if file_id not in by_file:
            Path(path).unlink(missing_ok=True)
            masked_path(Path(path)).unlink(missing_ok=True)
            con.execute("delete from quality.feedback_files where file_id = ?", [file_id])
            summary.removed += 1
    for file_id, issues in by_file.items():
        info = files[file_id]
        target = output_path(feedback_dir, info["township_code"], info["file_name"])
        digest = issues_digest(issues)
        twin = masked_path(target)
        if done.get(file_id) == (str(target), digest) and target.exists() and twin.exists():
            summary.unchanged += 1
            continue
        sheets = sheet_layouts(con, file_id)
        try:
            build_workbook(
                info["file_name"],
                _source_bytes(inbox, info["path"], file_id),
                target,
                info["path"],
                issues,
                sheets,
                partial(raw_grid, con, file_id, layouts=sheets),
                twin,
                data_rows(con, file_id),
            )
        except Exception as exc:  # noqa: BLE001 - one file's workbook never stops the rest
            summary.failed.append((info["path"], scrub(f"{type(exc).__name__}: {exc}")[:300]))
            continue
        con.execute(
            "insert or replace into quality.feedback_files values (?, ?, ?, ?, ?, ?, ?)",
            [
                file_id,
                info["township_code"],
                str(target),
                digest,
                len(issues),
                sum(1 for i in issues if i["severity"] == "error"),
                datetime.now(UTC).replace(tzinfo=None),
            ],
        )
        summary.written += 1
    return summary
