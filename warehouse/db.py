"""Opening the pipeline's DuckDB file with its schema in place.

The DDL of the raw, staging, quality and alerts tables the pipeline writes row by row lives
in ``warehouse/schema/*.sql``; applying it is idempotent so every entry point (a Dagster
run, the CLI, a test) can call ``ensure_schema`` without caring who ran first. Two other
places create tables: the validation step's own bookkeeping (quality.validated_sheets,
petition_deadlines, feedback_files) in ``quality/sql/schema.sql``, applied by
quality.validate, and the SQL models (intermediate, marts), created as
``create or replace table ... as select`` by pipelines.models.sql_models.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import sqlglot
from sqlglot import exp

SCHEMA_DIR = Path(__file__).parent / "schema"
SCHEMA_FILES = ("raw.sql", "staging.sql", "quality.sql", "alerts.sql")


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create what is missing; on a warehouse made by an older version, also add the
    columns the schema files gained since (``create table if not exists`` alone would keep
    the old table as it was)."""
    for name in SCHEMA_FILES:
        ddl = (SCHEMA_DIR / name).read_text(encoding="utf-8")
        con.execute(ddl)
        for table, column, type_sql in _declared_columns(ddl):
            con.execute(f"alter table {table} add column if not exists {column} {type_sql}")


@cache
def _declared_columns(ddl: str) -> tuple[tuple[str, str, str], ...]:
    """(table, column, type) of every column the DDL's create-table statements declare.

    Only the type is re-applied: a column added to a table that already has rows cannot be
    NOT NULL without a default, and the schema files' NOT NULL columns date from the
    table's creation.
    """
    out = []
    for statement in sqlglot.parse(ddl, read="duckdb"):
        if not (isinstance(statement, exp.Create) and statement.args.get("kind") == "TABLE"):
            continue
        schema = statement.this
        table = schema.this.sql(dialect="duckdb")
        for column in schema.expressions:
            if isinstance(column, exp.ColumnDef) and column.args.get("kind") is not None:
                out.append((table, column.name, column.args["kind"].sql(dialect="duckdb")))
    return tuple(out)


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    if not read_only:
        ensure_schema(con)
    return con


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """One DuckDB transaction around a step's writes: committed when the block ends, rolled
    back when it raises. A process killed inside the block leaves nothing of it (DuckDB
    replays only committed work from its WAL), so the next run redoes the whole block
    instead of finding half of it done."""
    con.execute("begin transaction")
    try:
        yield con
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


def execute_script(
    con: duckdb.DuckDBPyConnection, path: Path, params: dict[str, object] | None = None
) -> None:
    """Run a multi-statement SQL file. DuckDB binds parameters only to a single statement,
    so statements run one by one, each with the parameters it names."""
    text = path.read_text(encoding="utf-8")
    for statement in (s.strip() for s in text.split(";\n")):
        body = "\n".join(
            line for line in statement.splitlines() if not line.lstrip().startswith("--")
        ).strip()
        if not body:
            continue
        named = {k: v for k, v in (params or {}).items() if f"${k}" in body}
        if named:
            con.execute(body, named)
        else:
            con.execute(body)


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> int:
    """Append a frame to ``table`` by column name, in one bulk statement (DuckDB loads an
    Arrow table ~1000x faster than row-by-row inserts; see DESIGN.md section 10)."""
    if frame.is_empty():
        return 0
    con.register("insert_frame_batch", frame.to_arrow())
    try:
        con.execute(f"insert into {table} by name select * from insert_frame_batch")
    finally:
        con.unregister("insert_frame_batch")
    return frame.height


def fetch_dicts(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | dict[str, Any] = ()
) -> list[dict[str, Any]]:
    """Rows of a query as dicts keyed by column name."""
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def scalar(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | dict[str, Any] = ()
) -> Any:
    """The first column of the first row (None when the query returns no row)."""
    row = con.execute(sql, params).fetchone()
    return row[0] if row else None
