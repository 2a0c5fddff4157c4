"""Run the expectation suites and the statutory rules over newly staged sheets.

Findings the row rules did not already report (same sheet, Excel row, field and rule, or a
rule that covers the same cell) are written to quality.row_issues with the same Chinese
messages, ``source`` 'expectations' (GX) or 'statutory' (quality/statutory.py). A finding
with severity error quarantines its row like a row-rule error: the row leaves staging and
is kept in quality.quarantined_rows with its original text. Incremental: a sheet is
validated once per staging rules version (quality.validated_sheets).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipelines.ingest.fields import FIELDS
from pipelines.ingest.normalize import clean_text
from pipelines.privacy import mask_id, mask_name, mask_phone
from quality.issues import ERROR, RULES, Issue
from quality.statutory import statutory_findings
from quality.suites import SUITE_VERSION, SuiteRun, run_suite

SQL_DIR = Path(__file__).parent / "sql"
_MASKERS: dict[str, Callable[[str], str]] = {
    "party_name": mask_name,
    "id_number": mask_id,
    "phone": mask_phone,
}
_TEMPLATE_OF = {"disputes": "dispute", "petitions": "petition"}

Key = tuple[str, str, int, str]  # file_id, sheet_name, excel_row, field


def ensure_quality_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute((SQL_DIR / "schema.sql").read_text(encoding="utf-8"))


def mask_value(field_name: str, text: str | None) -> str | None:
    """A cell as it may appear outside the pipeline DB (the row rules' masking)."""
    text = clean_text(text)
    if text is None:
        return None
    masker = _MASKERS.get(field_name)
    return masker(text) if masker else text[:60]


@dataclass
class ValidationSummary:
    sheets: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    findings: dict[str, int] = field(default_factory=dict)  # "source/severity/rule" -> n
    rows_quarantined: int = 0
    failed_expectations: dict[str, int] = field(default_factory=dict)
    suite_runs: dict[str, SuiteRun] = field(default_factory=dict)

    def metadata(self) -> dict[str, Any]:
        return {
            "sheets_validated": self.sheets,
            "rows_validated": sum(self.rows.values()),
            "new_findings": sum(self.findings.values()),
            "rows_quarantined_by_validation": self.rows_quarantined,
        }


@dataclass
class _Candidate:
    file_id: str
    sheet_name: str
    excel_row: int
    row_id: str
    template: str
    field: str
    rule: str
    source: str
    other_field: str | None = None
    value: str | None = None  # shown instead of the raw cell (already safe)
    covers: tuple[str, ...] = ()


def _pending(con: duckdb.DuckDBPyConnection) -> int:
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
        "delete from quality.row_issues where source in ('expectations', 'statutory')"
        " and (file_id, sheet_name) in (select file_id, sheet_name from validation_pending)"
    )
    return con.execute("select count(*) from validation_pending").fetchone()[0]  # type: ignore[index]


def _frame(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    return con.execute((SQL_DIR / f"frame_{name}.sql").read_text(encoding="utf-8")).df()


def _candidates(run: SuiteRun, frame: pd.DataFrame) -> list[_Candidate]:
    out = []
    for finding in run.findings:
        row = frame.iloc[finding.index]
        template = row["template"] if "template" in frame else _TEMPLATE_OF[run.name]
        out.append(
            _Candidate(
                file_id=row["file_id"],
                sheet_name=row["sheet_name"],
                excel_row=int(row["excel_row"]),
                row_id=row["row_id"],
                template=template,
                field=finding.check.field,
                rule=finding.rule,
                source="expectations",
                other_field=finding.check.other_field,
                covers=finding.check.covers,
            )
        )
    return out


def _statutory_candidates(frame: pd.DataFrame) -> list[_Candidate]:
    return [
        _Candidate(
            file_id=r.file_id,
            sheet_name=r.sheet_name,
            excel_row=int(r.excel_row),
            row_id=r.row_id,
            template=r.template,
            field=r.field,
            rule=r.rule,
            source="statutory",
            other_field=None if pd.isna(r.other_field) else r.other_field,
            value=None if pd.isna(r.value) else str(r.value),
        )
        for r in frame.itertuples(index=False)
    ]


def _known_issues(con: duckdb.DuckDBPyConnection) -> dict[Key, set[str]]:
    known: dict[Key, set[str]] = defaultdict(set)
    for file_id, sheet, row, fld, rule in con.execute(
        "select file_id, sheet_name, excel_row, coalesce(field, ''), rule"
        " from quality.row_issues"
        " where (file_id, sheet_name) in (select file_id, sheet_name from validation_pending)"
    ).fetchall():
        known[(file_id, sheet, row, fld)].add(rule)
    return known


def _raw_cells(
    con: duckdb.DuckDBPyConnection, template: str, keys: list[tuple[str, str, int]]
) -> dict[tuple[str, str, int], dict[str, Any]]:
    if not keys:
        return {}
    wanted = pd.DataFrame(keys, columns=["file_id", "sheet_name", "excel_row"])
    con.register("validation_keys", wanted)
    cols = ", ".join(f"r.{c}" for c in ("excel_row", *FIELDS[template]))
    cursor = con.execute(
        f"select r.file_id, r.sheet_name, {cols} from raw.{template}_rows r"
        " join validation_keys k on k.file_id = r.file_id and k.sheet_name = r.sheet_name"
        " and k.excel_row = r.excel_row"
    )
    names = [d[0] for d in cursor.description]
    out = {}
    for values in cursor.fetchall():
        record = dict(zip(names, values, strict=True))
        key = (record.pop("file_id"), record.pop("sheet_name"), int(record["excel_row"]))
        out[key] = record
    con.unregister("validation_keys")
    return out


def validate_pending(
    con: duckdb.DuckDBPyConnection, *, docs_dir: Path | None = None
) -> ValidationSummary:
    """Validate every staged sheet not yet validated under the current rules and suites;
    with ``docs_dir``, GX Data Docs (HTML) of this validation are rendered there."""
    ensure_quality_schema(con)
    summary = ValidationSummary()
    summary.sheets = _pending(con)
    if summary.sheets == 0:
        return summary
    candidates: list[_Candidate] = []
    for name in ("disputes", "petitions", "parties"):
        frame = _frame(con, name)
        run = run_suite(name, frame, docs_dir=docs_dir)
        summary.rows[name] = run.rows
        summary.suite_runs[name] = run
        summary.failed_expectations.update({f"{name}:{k}": v for k, v in run.failed.items()})
        candidates.extend(_candidates(run, frame))
    candidates.extend(_statutory_candidates(statutory_findings(con)))
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
    records, quarantine = _new_records(con, candidates, sheets)
    _write(con, records, quarantine)
    for rec in records:
        key = f"{rec['source']}/{rec['severity']}/{rec['rule']}"
        summary.findings[key] = summary.findings.get(key, 0) + 1
    summary.rows_quarantined = len(quarantine)
    return summary


def _new_records(
    con: duckdb.DuckDBPyConnection,
    candidates: list[_Candidate],
    sheets: dict[tuple[str, str], dict[str, Any]],
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    known = _known_issues(con)
    fresh: list[_Candidate] = []
    for c in candidates:
        seen = known[(c.file_id, c.sheet_name, c.excel_row, c.field)]
        if c.rule in seen or seen.intersection(c.covers):
            continue
        seen.add(c.rule)
        fresh.append(c)
    by_template: dict[str, set[tuple[str, str, int]]] = defaultdict(set)
    for c in fresh:
        by_template[c.template].add((c.file_id, c.sheet_name, c.excel_row))
    raw = {t: _raw_cells(con, t, sorted(keys)) for t, keys in by_template.items()}
    records: list[dict[str, Any]] = []
    quarantine: dict[str, dict[str, Any]] = {}
    for c in fresh:
        sheet = sheets[(c.file_id, c.sheet_name)]
        cells = raw[c.template].get((c.file_id, c.sheet_name, c.excel_row), {})
        column = sheet["columns"].get(c.field, {})
        header = column.get("header")
        other = sheet["columns"].get(c.other_field or "", {}).get("header") or c.other_field
        value = c.value if c.value is not None else mask_value(c.field, cells.get(c.field))
        issue = Issue(c.excel_row, c.field, c.rule, value, other)
        severity = RULES[c.rule][0]
        message = issue.message_zh(header)
        records.append(
            {
                "file_id": c.file_id,
                "file_path": sheet["path"],
                "sheet_name": c.sheet_name,
                "excel_row": c.excel_row,
                "template": c.template,
                "township_code": sheet["township_code"],
                "field": c.field,
                "column_header": header,
                "column_letter": column.get("letter"),
                "value_masked": value,
                "rule": c.rule,
                "severity": severity,
                "message_zh": message,
                "source": c.source,
            }
        )
        if severity == ERROR:
            entry = quarantine.setdefault(
                c.row_id,
                {
                    "row_id": c.row_id,
                    "file_id": c.file_id,
                    "sheet_name": c.sheet_name,
                    "excel_row": c.excel_row,
                    "template": c.template,
                    "township_code": sheet["township_code"],
                    "reasons": [],
                    "cells_json": json.dumps(cells, ensure_ascii=False, default=str),
                },
            )
            entry["reasons"].append(message)
    return records, quarantine


def _write(
    con: duckdb.DuckDBPyConnection,
    records: list[dict[str, Any]],
    quarantine: dict[str, dict[str, Any]],
) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    per_sheet: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for rec in records:
        per_sheet[(rec["file_id"], rec["sheet_name"])][0] += 1
    for q in quarantine.values():
        per_sheet[(q["file_id"], q["sheet_name"])][1] += 1
    con.execute("begin transaction")
    try:
        if records:
            con.register("validation_issues", pd.DataFrame(records))
            con.execute("insert into quality.row_issues by name select * from validation_issues")
            con.unregister("validation_issues")
        for q in quarantine.values():
            table = f"staging.{q['template']}s"
            con.execute("delete from staging.parties where row_id = ?", [q["row_id"]])
            con.execute(f"delete from {table} where row_id = ?", [q["row_id"]])
            con.execute(
                "insert into quality.quarantined_rows (row_id, file_id, sheet_name, excel_row,"
                " template, township_code, reasons_zh, cells_json) values (?,?,?,?,?,?,?,?)",
                [
                    q["row_id"],
                    q["file_id"],
                    q["sheet_name"],
                    q["excel_row"],
                    q["template"],
                    q["township_code"],
                    "；".join(q["reasons"]),
                    q["cells_json"],
                ],
            )
        con.execute(
            "insert into quality.validated_sheets"
            " select file_id, sheet_name, rules_version, ?, 0, 0, ? from validation_pending",
            [SUITE_VERSION, now],
        )
        for (file_id, sheet), (n, nq) in per_sheet.items():
            con.execute(
                "update quality.validated_sheets set findings = ?, rows_quarantined = ?"
                " where file_id = ? and sheet_name = ?",
                [n, nq, file_id, sheet],
            )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
