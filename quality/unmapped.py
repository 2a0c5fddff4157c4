"""The data team's list of category words the directory does not map.

An unknown category word counts under 其他 in the figures and is told to the coordinator
row by row (category_unknown); the data team needs the other view: which words, how often,
from which files, so a real category or a new synonym becomes one line in
pipelines/reference/vocab.yaml (DESIGN.md section 3: a county's directory grows).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse.db import execute_script, scalar

SQL_DIR = Path(__file__).parent / "sql"


def refresh_unmapped_categories(con: duckdb.DuckDBPyConnection) -> int:
    """Rebuild quality.unmapped_categories from the current findings; returns its rows."""
    con.execute("begin transaction")
    try:
        execute_script(con, SQL_DIR / "unmapped_categories.sql")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return int(scalar(con, "select count(*) from quality.unmapped_categories"))
