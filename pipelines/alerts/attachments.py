"""The feedback workbooks a township's digest carries (quality/feedback/write.py writes them).

Only the masked twin (<file>_问题反馈_脱敏.xlsx) is attached: an alert leaves the county's
network, and the full marked-up copy holds the petitioners' names, IDs and phones. The full
copy is named by its path under DISPUTES_HOME instead, for the coordinator to open on the
internal network and fix the sheet from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from quality.feedback.write import masked_path, output_path


@dataclass(frozen=True)
class FeedbackWorkbooks:
    attached: tuple[Path, ...] = ()  # the masked twins, as files
    full: tuple[str, ...] = ()  # the full copies, as paths relative to DISPUTES_HOME


def feedback_workbooks(
    feedback_dir: Path, township_code: str, file_names: set[str]
) -> FeedbackWorkbooks:
    """The workbooks of the township's files that have new issues, where they exist:
    DISPUTES_HOME/feedback/<township>/<file>_问题反馈[_脱敏].xlsx. A full copy without its
    twin is named but never attached."""
    fulls = [output_path(feedback_dir, township_code, name) for name in sorted(file_names)]
    fulls = [p for p in fulls if p.is_file()]
    return FeedbackWorkbooks(
        attached=tuple(t for p in fulls if (t := masked_path(p)).is_file()),
        full=tuple(p.relative_to(feedback_dir.parent).as_posix() for p in fulls),
    )
