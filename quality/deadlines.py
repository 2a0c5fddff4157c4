"""The deadline state of open petitions (信访工作条例 2022), over the warehouse.

`refresh_petition_deadlines` -> quality.petition_deadlines: stage, deadline, days_left,
on_time | due_soon | overdue of every open petition as of the run's date, on the
statutory limits the models compute (intermediate.petition_deadlines). The row rules
(date order, group representatives) are data in pipelines/vocabulary/statutory.py.

Plain functions over a DuckDB connection; no Dagster.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).parent / "sql"


def _sql(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


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
