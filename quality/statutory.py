"""Statutory and logical rules over staging (信访工作条例 2022), as SQL beside this module.

- row findings (`statutory_findings`): 受理 on/after 信访, 办结 on/after 受理, no date after
  the file's receipt, resolved with a resolution date, group visits over 5 representatives;
- deadline state of every open petition as of the run's date (`refresh_petition_deadlines`
  -> quality.petition_deadlines: stage, deadline, days_left, on_time | due_soon | overdue).

Plain functions over a DuckDB connection; no Dagster.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

SQL_DIR = Path(__file__).parent / "sql"


def _sql(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


def statutory_findings(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Findings on the sheets in the temp table ``validation_pending`` (file_id, sheet_name)."""
    return con.execute(_sql("statutory_findings.sql")).df()


def refresh_petition_deadlines(con: duckdb.DuckDBPyConnection, as_of: date) -> dict[str, int]:
    """Rebuild quality.petition_deadlines as of ``as_of`` from intermediate.petition_deadlines
    (built by the models); returns counts per state."""
    con.execute("begin transaction")
    try:
        con.execute("delete from quality.petition_deadlines")
        con.execute(
            "insert into quality.petition_deadlines by name " + _sql("petition_deadlines.sql"),
            {"as_of": as_of},
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    rows = con.execute(
        "select state, count(*) from quality.petition_deadlines group by state"
    ).fetchall()
    counts = {"on_time": 0, "due_soon": 0, "overdue": 0}
    counts.update({state: n for state, n in rows})
    return counts
