"""The feedback workbooks a township's digest carries (quality/feedback/write.py writes them).

Only the masked twin (<file>_问题反馈_脱敏.xlsx) is attached: an alert leaves the county's
network, and the full marked-up copy holds the petitioners' names, IDs and phones. The
folder of the full copies is named in the body instead, for the coordinator to open on the
internal network and fix the sheets from.

Which files: those with new findings in the months the digest lists (the last three before
as_of; pipelines/alerts/digest_text.py), files with errors first (their rows are not
counted until the sheet is sent again), then those with more findings; at most
``MAX_ATTACHMENTS`` of them and ``MAX_ATTACHMENT_BYTES`` together. A first digest over two
years of registers would otherwise carry ~50 workbooks, more than a mail server takes
(many refuse a message over 10-20 MB) and more than a coordinator opens; the older
files' workbooks are in the folder the body names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipelines.alerts.findings import Item
from quality.feedback.write import masked_path, output_path, township_folder

MAX_ATTACHMENTS = 5
# 7 MB of files is ~9.6 MB once base64-encoded in the mail: under the 10 MB many take.
MAX_ATTACHMENT_BYTES = 7 * 1024 * 1024


@dataclass(frozen=True)
class FeedbackWorkbooks:
    attached: tuple[Path, ...] = ()  # the masked twins, as files
    folder: str | None = None  # the full copies' folder, relative to DISPUTES_HOME


def _priority(findings: list[Item]) -> tuple[bool, int, str]:
    errors = sum(1 for i in findings if i.severity == "error")
    return (errors == 0, -len(findings), findings[0].file_name or "")


def feedback_workbooks(
    feedback_dir: Path, township_code: str, findings: Iterable[Item], listed: Iterable[Item]
) -> FeedbackWorkbooks:
    """The masked workbooks to attach for the township's new ``findings`` (quality items),
    chosen among the files of ``listed`` (the recent ones), and the folder of the full
    copies when any exists."""
    by_file: dict[str, list[Item]] = {}
    for item in findings:
        by_file.setdefault(item.file_name or "", []).append(item)
    recent = {i.file_name for i in listed}
    attached: list[Path] = []
    size = 0
    for file_items in sorted(by_file.values(), key=_priority):
        name = file_items[0].file_name or ""
        twin = masked_path(output_path(feedback_dir, township_code, name))
        if name not in recent or not twin.is_file() or len(attached) >= MAX_ATTACHMENTS:
            continue
        if size + twin.stat().st_size > MAX_ATTACHMENT_BYTES:
            continue
        attached.append(twin)
        size += twin.stat().st_size
    folder = feedback_dir / township_folder(township_code)
    has_full = any(output_path(feedback_dir, township_code, n).is_file() for n in by_file)
    return FeedbackWorkbooks(
        attached=tuple(attached),
        folder=f"{folder.relative_to(feedback_dir.parent).as_posix()}/" if has_full else None,
    )
