"""Raw layer -> staging and quality tables, one sheet at a time, only what is pending."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import polars as pl

from pipelines.ingest.rules_version import STAGING_ROOTS
from pipelines.ingest.rules_version import rules_version as _digest
from pipelines.ingest.stage import SheetContext, StagedSheet, stage_sheet
from pipelines.progress import NULL, Progress
from pipelines.reference.load import REFERENCE_DIR
from pipelines.vocabulary.fields import FIELDS
from pipelines.vocabulary.rules import REPORT_DATE_FIELD, REPORT_DATE_HEADER
from warehouse.db import execute_script, fetch_dicts, insert_frame, transaction

SQL_DIR = Path(__file__).parent / "sql"
# Dates of arrival are the county's days (DESIGN.md s.7): Beijing time, no DST since 1991.
COUNTY_TZ = ZoneInfo("Asia/Shanghai")

_STAGING_SCHEMAS: dict[str, dict[str, Any]] = {
    "disputes": {
        "found_date": pl.Date,
        "resolved_date": pl.Date,
        "period": pl.Date,
        "report_date": pl.Date,
        "arrival_date": pl.Date,
        "petition_date": pl.Date,
        "accepted_date": pl.Date,
        "concluded_date": pl.Date,
        "meeting_date": pl.Date,
        "is_extended": pl.Boolean,
    },
    "petitions": {
        "petition_date": pl.Date,
        "accepted_date": pl.Date,
        "concluded_date": pl.Date,
        "meeting_date": pl.Date,
        "period": pl.Date,
        "report_date": pl.Date,
        "arrival_date": pl.Date,
    },
}


@cache
def rules_version() -> str:
    """The digest of what decides a staged row (pipelines/ingest/rules_version.py); a
    change restages every sheet, anything else restages none."""
    return _digest(Path(__file__).parents[2], STAGING_ROOTS, REFERENCE_DIR)


@dataclass
class StagingSummary:
    sheets_staged: int = 0
    rows_staged: int = 0
    rows_quarantined: int = 0
    issues: int = 0

    def metadata(self) -> dict[str, int]:
        return dict(self.__dict__)


def _pending_sheets(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return fetch_dicts(
        con,
        """
        select s.file_id, s.sheet_name, s.template, s.township_code, s.period,
               s.report_date, s.report_date_cell,
               least(f.first_seen_at, f.file_mtime) as arrived_at,
               s.columns_json, s.data_rows, f.path
        from raw.sheets s join raw.files f using (file_id)
        left join staging.staged_sheets st using (file_id, sheet_name)
        where s.status = 'loaded' and st.file_id is null
        order by s.file_id, s.sheet_name
        """,
    )


def arrival_day(arrived_at: datetime | None) -> date | None:
    """The day a file arrived, in Asia/Shanghai (the county's clock: a file saved at 23:30
    Beijing time on the 2nd arrived on the 2nd, though it is 15:30 UTC). raw.files keeps
    first_seen_at and file_mtime as naive UTC."""
    if arrived_at is None:
        return None
    return arrived_at.replace(tzinfo=UTC).astimezone(COUNTY_TZ).date()


def _cell_row(cell: str | None) -> int | None:
    """ "A2" -> 2: the Excel row of a cell name."""
    digits = "".join(ch for ch in cell or "" if ch.isdigit())
    return int(digits) if digits else None


# Raw rows fetched per query, at most (a single larger sheet is fetched alone). One query
# per sheet scanned the raw table once per sheet: a third of staging on the sample world.
_FETCH_ROWS = 100_000


def _fetch_groups(sheets: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """Consecutive sheets whose raw rows together stay within _FETCH_ROWS."""
    group: list[dict[str, Any]] = []
    rows = 0
    for sheet in sheets:
        size = sheet["data_rows"] or 0
        if group and rows + size > _FETCH_ROWS:
            yield group
            group, rows = [], 0
        group.append(sheet)
        rows += size
    if group:
        yield group


def _raw_rows(
    con: duckdb.DuckDBPyConnection, template: str, sheets: list[dict[str, Any]]
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """The raw rows of several sheets of one template in one query, per (file, sheet), in
    Excel row order; each row a dict of excel_row and the template's fields, as staged."""
    names = ("excel_row", *FIELDS[template])
    keys = pl.DataFrame(
        {
            "file_id": [s["file_id"] for s in sheets],
            "sheet_name": [s["sheet_name"] for s in sheets],
        },
        schema={"file_id": pl.String, "sheet_name": pl.String},
    )
    out: dict[tuple[str, str], list[dict[str, Any]]] = {
        (s["file_id"], s["sheet_name"]): [] for s in sheets
    }
    con.register("raw_rows_keys", keys.to_arrow())
    try:
        cursor = con.execute(
            f"select r.file_id, r.sheet_name, {', '.join('r.' + n for n in names)}"
            f" from raw.{template}_rows r join raw_rows_keys k using (file_id, sheet_name)"
            " order by r.file_id, r.sheet_name, r.excel_row"
        )
        for row in cursor.fetchall():
            out[row[0], row[1]].append(dict(zip(names, row[2:], strict=True)))
    finally:
        con.unregister("raw_rows_keys")
    return out


# Records per insert. One 1,000,000-row sheet made into a single DataFrame next to its
# list of dicts took the run from 3.6 to 5.3 GiB (benchmarks/memory_bench.py); in chunks,
# each freed once inserted, the frame costs a tenth of that. Same transaction either way.
_WRITE_CHUNK = 100_000


def _write(
    con: duckdb.DuckDBPyConnection,
    table: str,
    records: list[dict[str, Any]],
    schema: dict[str, Any] | None = None,
) -> None:
    """Insert ``records`` and empty the list (the caller's batch is done with them)."""
    while records:
        chunk = records[:_WRITE_CHUNK]
        frame = pl.DataFrame(chunk, schema_overrides=schema or {}, infer_schema_length=None)
        insert_frame(con, table, frame)
        del chunk, frame
        del records[:_WRITE_CHUNK]


def _issue_records(
    staged: StagedSheet, sheet: dict[str, Any], columns: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    out = []
    seen: set[tuple[int, str | None, str]] = set()
    # The 填报日期 line is not a column of the table, but a finding on it points at its cell.
    letter = "".join(ch for ch in sheet["report_date_cell"] or "" if ch.isalpha()) or None
    places = {REPORT_DATE_FIELD: {"header": REPORT_DATE_HEADER, "letter": letter}, **columns}
    for issue in staged.issues:
        key = (issue.excel_row, issue.field, issue.rule)
        if key in seen:
            continue
        seen.add(key)
        column = places.get(issue.field or "", {})
        header = column.get("header")
        out.append(
            {
                "file_id": sheet["file_id"],
                "file_path": sheet["path"],
                "sheet_name": sheet["sheet_name"],
                "excel_row": issue.excel_row,
                "template": sheet["template"],
                "township_code": sheet["township_code"],
                "field": issue.field,
                "column_header": header,
                "column_letter": column.get("letter"),
                "value_masked": issue.value,
                "rule": issue.rule,
                "severity": issue.severity,
                "message_zh": issue.message_zh(header),
                "source": "rules",
            }
        )
    return out


BATCH_SHEETS = 200  # sheets per transaction: bulk inserts, bounded memory


@dataclass
class _Batch:
    """Records of several staged sheets, written together (DuckDB loads frames in bulk;
    one insert per sheet spent more time in per-call overhead than in staging)."""

    tables: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {
            "staging.disputes": [],
            "staging.petitions": [],
            "staging.parties": [],
            "quality.row_issues": [],
            "quality.quarantined_rows": [],
            "staging.staged_sheets": [],
        }
    )

    def flush(self, con: duckdb.DuckDBPyConnection) -> None:
        """One transaction: a sheet's rows, parties, issues and quarantined rows commit
        together with its staging.staged_sheets marker, so a killed run leaves each sheet
        either wholly staged (skipped next time) or not at all (staged next time)."""
        with transaction(con):
            for table, records in self.tables.items():
                schema_name = table.split(".", 1)[1]
                _write(con, table, records, _STAGING_SCHEMAS.get(schema_name))
        for records in self.tables.values():
            records.clear()


def _stage_one(sheet: dict[str, Any], rows: list[dict], batch: _Batch, version: str) -> tuple:
    columns = json.loads(sheet["columns_json"] or "{}")
    headers = {name: ref["header"] for name, ref in columns.items()}
    ctx = SheetContext(
        file_id=sheet["file_id"],
        sheet_name=sheet["sheet_name"],
        template=sheet["template"],
        township_code=sheet["township_code"],
        period=sheet["period"],
        report_date=sheet["report_date"],
        arrival_date=arrival_day(sheet["arrived_at"]),
        report_date_row=_cell_row(sheet["report_date_cell"]),
    )
    staged = stage_sheet(ctx, rows, headers)
    issues = _issue_records(staged, sheet, columns)
    lineage = {"file_id": ctx.file_id, "sheet_name": ctx.sheet_name, "template": ctx.template}
    quarantined = [
        {**q, **lineage, "excel_row": int(q["row_id"].rsplit(":", 1)[1])}
        for q in staged.quarantined
    ]
    batch.tables[f"staging.{ctx.template}s"].extend(staged.rows)
    batch.tables["staging.parties"].extend(staged.parties)
    batch.tables["quality.row_issues"].extend(issues)
    batch.tables["quality.quarantined_rows"].extend(quarantined)
    batch.tables["staging.staged_sheets"].append(
        {
            "file_id": ctx.file_id,
            "sheet_name": ctx.sheet_name,
            "rules_version": version,
            "staged_rows": len(staged.rows),
            "quarantined_rows": len(quarantined),
        }
    )
    return len(staged.rows), len(quarantined), len(issues)


def stage_pending(con: duckdb.DuckDBPyConnection, progress: Progress = NULL) -> StagingSummary:
    """Stage every loaded sheet not staged under the current rules; forget stale ones.

    Sheets are committed in batches together with their staged_sheets marker, so an
    interrupted run resumes where it stopped and never stages a sheet twice. ``progress``
    hears ``rows staged``: raw rows of the pending sheets taken through the rules, whether
    they end in staging or in quarantine (both are staging's work), counted per sheet.
    """
    version = rules_version()
    with transaction(con):  # a sheet is forgotten wholly (rows, parties, issues, marker)
        execute_script(con, SQL_DIR / "forget_unstaged.sql", {"rules_version": version})
    summary = StagingSummary()
    batch = _Batch()
    pending = _pending_sheets(con)
    progress.start("rows staged", sum(sheet["data_rows"] for sheet in pending))
    for start in range(0, len(pending), BATCH_SHEETS):
        chunk = pending[start : start + BATCH_SHEETS]
        for group in _fetch_groups(chunk):
            fetched: dict[tuple[str, str], list[dict[str, Any]]] = {}
            for template in sorted({s["template"] for s in group}):
                fetched |= _raw_rows(con, template, [s for s in group if s["template"] == template])
            for sheet in group:
                rows = fetched.pop((sheet["file_id"], sheet["sheet_name"]))
                staged, quarantined, issues = _stage_one(sheet, rows, batch, version)
                summary.sheets_staged += 1
                summary.rows_staged += staged
                summary.rows_quarantined += quarantined
                summary.issues += issues
                progress.advance(len(rows))
        batch.flush(con)
    progress.done()
    return summary
