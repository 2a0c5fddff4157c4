"""Which files get a feedback workbook: those with something to fix (DESIGN.md s.8, issue
14): any error (its rows are not counted until the sheet is sent again, however old the
month), or warnings in a register month of the last three before as_of - the months the
digest lists finding by finding (pipelines/alerts/digest_text.py takes its cutoff from
here, so a digest never names a recent file without its workbook). A warning in a month
older than that is a note on a closed register: the analysts see it in quality.row_issues,
but writing and masking a workbook pair for each of two years of such files was most of a
county's first run, for workbooks nobody opens.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

RECENT_MONTHS = 3  # register months before as_of's whose warnings are listed and fed back


def recent_cutoff(as_of: date) -> date:
    """The first recent register month: as_of's month minus RECENT_MONTHS (as of
    2026-01-05, registers from 2025-10 on are recent; 2025-09 and before are not)."""
    months = as_of.year * 12 + as_of.month - 1 - RECENT_MONTHS
    return date(months // 12, months % 12 + 1, 1)


def has_something_to_fix(
    issues: Iterable[Mapping[str, Any]], period: date | None, cutoff: date
) -> bool:
    """True for a file with an error, or with any issue when its register month is recent
    (or unknown: nothing says it is old)."""
    issues = list(issues)
    if any(i["severity"] == "error" for i in issues):
        return True
    return bool(issues) and (period is None or period >= cutoff)
