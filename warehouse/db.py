"""Opening the pipeline's DuckDB file with its schema in place.

The DDL lives in ``warehouse/schema/*.sql``; applying it is idempotent so every entry point
(a Dagster run, the CLI, a test) can call ``ensure_schema`` without caring who ran first.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

SCHEMA_DIR = Path(__file__).parent / "schema"
SCHEMA_FILES = ("raw.sql", "staging.sql", "quality.sql", "alerts.sql")


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    for name in SCHEMA_FILES:
        con.execute((SCHEMA_DIR / name).read_text(encoding="utf-8"))


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    if not read_only:
        ensure_schema(con)
    return con


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
