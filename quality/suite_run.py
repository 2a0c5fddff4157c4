"""Run one frame's suite (quality/suites.py) and map every failing row back to the frame.

The frames are the pandas form of staging rows (one frame per template, one for parties)
with their lineage, so a `Finding`'s row index leads to file / sheet / Excel row and,
through the sheet's columns, to the column the coordinator sees (quality/validate.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from quality.checks import Check
from quality.gx_runtime import run_checkpoint
from quality.suites import suites


@dataclass(frozen=True)
class Finding:
    """A failing row of one expectation, with lineage (row index into the frame)."""

    index: int
    check: Check  # the check's field is the column the finding is attributed to
    value: Any
    rule: str


@dataclass
class SuiteRun:
    name: str
    rows: int
    findings: list[Finding] = field(default_factory=list)
    failed: dict[str, int] = field(default_factory=dict)  # check name -> failing rows
    results: Any = None  # the GX ExpectationSuiteValidationResult (for Data Docs)


def prepare(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as the suite sees it (one place for derived columns)."""
    del name
    return frame.reset_index(drop=True)


def _domain_checks(name: str, frame: pd.DataFrame) -> list[Check]:
    """Fill per-run domains: category words are known when the vocab maps them."""
    from pipelines.ingest.normalize import map_category

    out = []
    for check in suites()[name]:
        if check.kwargs.get("column") == "category_raw" and "category_raw" in frame:
            words = [
                w for w in frame["category_raw"].dropna().unique() if map_category(w).issue is None
            ]
            check = replace(check, kwargs={**check.kwargs, "value_set": words})
        if all(c in frame for c in check.columns):
            out.append(check)
    return out


def run_suite(name: str, frame: pd.DataFrame) -> SuiteRun:
    """Validate one frame; every failing row of every expectation becomes a Finding."""
    frame = prepare(name, frame)
    run = SuiteRun(name=name, rows=len(frame))
    if frame.empty:
        return run
    checks = _domain_checks(name, frame)
    by_name = {c.name: c for c in checks}
    results = run_checkpoint(name, checks, frame)
    run.results = results
    for result in results.results:
        check = by_name[result.expectation_config.meta["check"]]
        if result.exception_info and result.exception_info.get("raised_exception"):
            raise RuntimeError(f"expectation {check.name} raised: {result.exception_info}")
        if result.success:
            continue
        indexes = list(result.result.get("unexpected_index_list") or [])
        if check.repeats_only:
            indexes = _repeats(frame, check.columns, indexes)
        run.failed[check.name] = len(indexes)
        # The value a finding is about: the checked column's (a pair check reads two, and
        # its finding is about its field: 化解时间 after the arrival, not the arrival).
        column = check.kwargs.get("column") or (check.field if check.field in frame else None)
        for idx in indexes:
            value = frame.at[idx, column] if column else None
            rule = check.rule
            if check.rule_from_value and isinstance(value, str):
                rule = f"{check.rule_from_value}{value}"
            run.findings.append(Finding(int(idx), check, value, rule))
    return run


def _repeats(frame: pd.DataFrame, columns: list[str], indexes: list[int]) -> list[int]:
    """Of the rows sharing a key, all but the first in sheet order (Excel row)."""
    if not indexes:
        return []
    sub = frame.loc[indexes].sort_values("excel_row")
    return [int(i) for i in sub.index[sub.duplicated(subset=columns, keep="first")]]
