"""Run the expectation suites over newly staged sheets.

Findings the row rules did not already report (same sheet, Excel row, field and rule, or a
rule that covers the same cell) are written to quality.row_issues with the same Chinese
messages and ``source`` 'expectations'. (The statutory row rules are applied where rows are
staged, from the rule data in pipelines/vocabulary/statutory.py, so they are not run a
second time.) A finding with severity error quarantines its row like a row-rule error: the
row leaves staging and is kept in quality.quarantined_rows with its original text.
Incremental: a sheet is validated once per staging rules version (quality.validated_sheets).

This module picks the pending sheets and runs the steps: suites (quality/suite_run.py),
candidates (quality/candidates.py), dedupe and messages (quality/issue_records.py),
writes (quality/write_findings.py).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from quality.candidates import Candidate, suite_candidates
from quality.issue_records import new_records
from quality.suite_run import SuiteRun, run_suite
from quality.suites import SUITE_VERSION
from quality.write_findings import write_findings
from warehouse.db import scalar

SQL_DIR = Path(__file__).parent / "sql"


def ensure_quality_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute((SQL_DIR / "schema.sql").read_text(encoding="utf-8"))


@dataclass
class ValidationSummary:
    sheets: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    findings: dict[str, int] = field(default_factory=dict)  # "source/severity/rule" -> n
    rows_quarantined: int = 0
    failed_expectations: dict[str, int] = field(default_factory=dict)
    suite_runs: dict[str, SuiteRun] = field(default_factory=dict)
    # What the suites found before dedupe against the row rules: each carries its file,
    # sheet, Excel row and row_id (the frames concatenate every pending sheet).
    candidates: list[Candidate] = field(default_factory=list)
    checkpoint_runs: int = 0  # GX checkpoints run: one per non-empty frame, 0 if none new
    gx_seconds: float = 0.0  # GX import (first run in the process) and checkpoint runs

    def metadata(self) -> dict[str, Any]:
        return {
            "sheets_validated": self.sheets,
            "rows_validated": sum(self.rows.values()),
            "new_findings": sum(self.findings.values()),
            "rows_quarantined_by_validation": self.rows_quarantined,
        }


def _pending(con: duckdb.DuckDBPyConnection) -> int:
    """List the sheets to validate in the temp table validation_pending (not validated under
    their staging rules version and this suite version) and drop their earlier suite
    findings; the number of such sheets."""
    con.execute(
        """
        delete from quality.validated_sheets v
        where v.suite_version <> $suite or not exists (
            select 1 from staging.staged_sheets s
            where s.file_id = v.file_id and s.sheet_name = v.sheet_name
              and s.rules_version = v.rules_version)
        """,
        {"suite": SUITE_VERSION},
    )
    con.execute(
        """
        create or replace temp table validation_pending as
        select s.file_id, s.sheet_name, s.rules_version, rs.template, rs.township_code,
               rs.columns_json, f.path
        from staging.staged_sheets s
        join raw.sheets rs using (file_id, sheet_name)
        join raw.files f using (file_id)
        left join quality.validated_sheets v using (file_id, sheet_name)
        where v.file_id is null
        """
    )
    # Findings of an earlier suite version on these sheets are replaced, not kept twice.
    con.execute(
        "delete from quality.row_issues where source = 'expectations'"
        " and (file_id, sheet_name) in (select file_id, sheet_name from validation_pending)"
    )
    return int(scalar(con, "select count(*) from validation_pending"))


def _frame(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    """The pending sheets' staged rows of one frame (disputes, petitions, parties)."""
    return con.execute((SQL_DIR / f"frame_{name}.sql").read_text(encoding="utf-8")).df()


def validate_pending(con: duckdb.DuckDBPyConnection) -> ValidationSummary:
    """Validate every staged sheet not yet validated under the current rules and suites.

    One checkpoint run per frame (disputes, petitions, parties) over the rows of all pending
    sheets together, not one per sheet or file: a GX run has a fixed cost (suite, batch,
    metrics) that dwarfs a few hundred rows. Nothing pending returns before GX is touched,
    so a run with nothing new never imports it (~5 s)."""
    ensure_quality_schema(con)
    summary = ValidationSummary()
    summary.sheets = _pending(con)
    if summary.sheets == 0:
        return summary
    candidates: list[Candidate] = []
    for name in ("disputes", "petitions", "parties"):
        frame = _frame(con, name)
        started = time.perf_counter()
        run = run_suite(name, frame)
        summary.gx_seconds += time.perf_counter() - started
        summary.checkpoint_runs += run.results is not None
        summary.rows[name] = run.rows
        summary.suite_runs[name] = run
        summary.failed_expectations.update({f"{name}:{k}": v for k, v in run.failed.items()})
        candidates.extend(suite_candidates(run, frame))
    sheets = {
        (r[0], r[1]): {
            "path": r[2],
            "template": r[3],
            "township_code": r[4],
            "columns": json.loads(r[5] or "{}"),
        }
        for r in con.execute(
            "select file_id, sheet_name, path, template, township_code, columns_json"
            " from validation_pending"
        ).fetchall()
    }
    summary.candidates = candidates
    records, quarantine = new_records(con, candidates, sheets)
    write_findings(con, records, quarantine)
    for rec in records:
        key = f"{rec['source']}/{rec['severity']}/{rec['rule']}"
        summary.findings[key] = summary.findings.get(key, 0) + 1
    summary.rows_quarantined = len(quarantine)
    return summary
