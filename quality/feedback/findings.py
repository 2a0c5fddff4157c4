"""One finding per mistake: quality.row_issues grouped the way a coordinator reads them.

quality.row_issues keeps one row per cell (for analysts); a coordinator gets one finding
per (file, rule, column, value) with its rows listed, "第12、15、31行等共200行" (DESIGN.md
s.7): one clerk's wrong word repeated on 200 rows is one thing to fix, not 200. Both the
digest (pipelines/alerts/findings.py) and the 问题汇总 sheet of the feedback workbook
(quality/feedback/summary_sheet.py) group with ``group_findings``, so the two always agree.

An issue without a row number (excel_row null or 0: a finding about the whole file) is a
finding of its own with no rows, shown as a whole-file line ("全表"). A stale 填报日期 is not
one: it sits on the 填报日期 cell (its row, else row 1; docs/contracts.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

SEVERITY_ZH = {"error": "错误", "warning": "警告"}
WHOLE_FILE = "全表"

# Every row message of pipelines/vocabulary/rules.py starts with the row it names; the
# finding names its rows itself, so the message is kept without that prefix.
_ROW_PREFIX = re.compile(r"^第\d+行")


@dataclass(frozen=True)
class Finding:
    """One mistake in one file: a rule broken by one value in one column, on ``rows``
    ((sheet, excel row), sorted; empty for a file-level finding)."""

    file_id: str
    rule: str
    field: str  # canonical field, "" for a finding on the row or the file as a whole
    value: str | None  # masked, as shown to the coordinator
    severity: str  # error | warning
    column_header: str | None
    column_letter: str | None
    message: str  # the message of the first row, without its "第N行"
    rows: tuple[tuple[str, int], ...]
    name_sheets: bool = False  # the file's issues span several sheets: say which

    @property
    def key(self) -> str:
        """Stable across runs: a file's content never changes (file_id is its sha256)."""
        return f"finding:{self.file_id}:{self.rule}:{self.field}:{self.value or ''}"

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def sheets(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(sheet for sheet, _ in self.rows))

    def rows_text(self, limit: int) -> str:
        """ "第12、15、31行", the first ``limit`` rows then "等共N行"; with the sheet named
        before its rows ("「1月」第12行；「2月」第3行") when the file has several; "全表"
        when the finding has no row."""
        if not self.rows:
            return WHOLE_FILE
        by_sheet: dict[str, list[int]] = {}
        for sheet, row in self.rows[:limit]:
            by_sheet.setdefault(sheet, []).append(row)
        parts = []
        for sheet, rows in by_sheet.items():
            listed = "、".join(str(r) for r in rows)
            parts.append(f"「{sheet}」第{listed}行" if self.name_sheets else f"第{listed}行")
        text = "；".join(parts)
        return f"{text}等共{self.row_count}行" if self.row_count > limit else text

    def line(self, row_limit: int) -> str:
        """The finding as one line: "[警告] 第12、15、31行等共200行「纠纷类别」「村务管理」…"."""
        where = self.rows_text(row_limit)
        if not self.rows:
            where += "："
        return f"[{SEVERITY_ZH.get(self.severity, self.severity)}] {where}{self.message}"


def _row(value: Any) -> int | None:
    """An issue's Excel row, None for a file-level finding (no row, or row 0)."""
    if value is None:
        return None
    row = int(value)
    return row if row > 0 else None


def group_findings(issues: Iterable[Mapping[str, Any]]) -> list[Finding]:
    """Group row issues (dicts with the columns of quality.row_issues: file_id,
    sheet_name, excel_row, field, column_header, column_letter, value_masked, rule,
    severity, message_zh; file_id may be absent when all are of one file) into findings,
    errors first, then in the order of their first row; a cell reported twice (by the row
    rules and by an expectation) is one row."""
    groups: dict[tuple[str, str, str, str], list[Mapping[str, Any]]] = {}
    sheets_of: dict[str, set[str]] = {}
    for issue in issues:
        file_id = str(issue.get("file_id") or "")
        key = (file_id, issue["rule"], issue.get("field") or "", issue.get("value_masked") or "")
        groups.setdefault(key, []).append(issue)
        sheets_of.setdefault(file_id, set()).add(str(issue["sheet_name"]))
    findings = []
    for (file_id, rule, field, value), members in groups.items():
        rows = sorted(
            {(str(i["sheet_name"]), r) for i in members if (r := _row(i["excel_row"])) is not None}
        )
        first = min(members, key=lambda i: (_row(i["excel_row"]) or 0, str(i["sheet_name"])))
        message = str(first["message_zh"])
        if rows:
            message = _ROW_PREFIX.sub("", message, count=1)
        findings.append(
            Finding(
                file_id=file_id,
                rule=rule,
                field=field,
                value=value or None,
                severity=str(first["severity"]),
                column_header=first.get("column_header"),
                column_letter=first.get("column_letter"),
                message=message,
                rows=tuple(rows),
                name_sheets=len(sheets_of[file_id]) > 1,
            )
        )
    return sorted(
        findings,
        key=lambda f: (f.file_id, f.severity != "error", f.rows[:1] or (("", 0),), f.rule),
    )
