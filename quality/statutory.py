"""Statutory and logical rules (信访工作条例 2022) and the deadline state of open petitions.

- The row rules are data here and are applied once, per row, where the row is staged
  (pipelines/ingest/stage.py): a later date before the date it counts from (受理 before 信访,
  办结 before 受理, 化解 before 排查) is an error; a group visit with more than 5
  representatives is a warning (Art. 20). No date may be after the file's receipt and a
  resolved case needs its date: also applied there, with the parse-level checks.
- `refresh_petition_deadlines` -> quality.petition_deadlines: stage, deadline, days_left,
  on_time | due_soon | overdue of every open petition as of the run's date, on the
  statutory limits the models compute (intermediate.petition_deadlines).

Plain functions over a DuckDB connection; no Dagster.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).parent / "sql"

# (later, earlier): the later date must not precede the earlier one. Petition dates count
# from the petition (Art. 22/23) and conclusion from acceptance (Art. 34); a dispute row's
# petition columns follow the petition register's rules.
_PETITION_ORDER = (
    ("accepted_date", "petition_date"),
    ("concluded_date", "petition_date"),
    ("concluded_date", "accepted_date"),
    ("meeting_date", "petition_date"),
)
DATE_ORDER: dict[str, tuple[tuple[str, str], ...]] = {
    "dispute": (("resolved_date", "found_date"), *_PETITION_ORDER),
    "petition": _PETITION_ORDER,
}
MAX_GROUP_REPRESENTATIVES = 5  # Art. 20: a group visit names at most 5 representatives


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
