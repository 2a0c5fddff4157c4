"""Write one validation's results in a single transaction: the new row issues, the
quarantined rows (moved out of staging, kept with their original text in
quality.quarantined_rows) and the pending sheets marked validated with their counts."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import duckdb
import pandas as pd

from quality.suites import SUITE_VERSION


def write_findings(
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
