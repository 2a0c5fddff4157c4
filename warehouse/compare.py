"""Compare two DuckDB files table by table: do they hold the same data?

Used by scripts/compare_warehouses.py (did a code change keep the same data?) and by the
crash tests (does a run killed at any step, then run again, converge to what an
uninterrupted run gives?). For each table of the compared schemas in either file: the rows
in each and whether they hold the same multiset of rows (EXCEPT ALL both ways, so order
does not matter and duplicates count). Columns that record when or under which code
version a run happened differ by nature and are left out: timestamps named ``*_at`` and
``rules_version``. Paths under each file's own home (``output_path``, ``quarantine_path``)
are compared with that home replaced by ``$HOME``, so two homes with the same inbox
compare equal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

WAREHOUSE_SCHEMAS = ("raw", "staging", "quality", "intermediate", "marts")
IGNORED = frozenset({"rules_version"})


@dataclass(frozen=True)
class TableComparison:
    """One table of the two files: its row counts and what differs (None when equal)."""

    table: str
    rows_a: int | None
    rows_b: int | None
    difference: str | None

    @property
    def equal(self) -> bool:
        return self.difference is None


def ignored_column(column: str, extra: Iterable[str] = ()) -> bool:
    return column in IGNORED or column in set(extra) or column.endswith("_at")


def _tables(
    con: duckdb.DuckDBPyConnection, db: str, schemas: tuple[str, ...]
) -> dict[str, list[tuple[str, str]]]:
    """'schema.table' -> [(column, type)] of the base tables of ``db``."""
    rows = con.execute(
        "select c.schema_name, c.table_name, c.column_name, c.data_type"
        " from duckdb_columns() c join duckdb_tables() t"
        " on t.database_name = c.database_name and t.schema_name = c.schema_name"
        " and t.table_name = c.table_name"
        " where c.database_name = ? and c.schema_name in (select unnest(?))"
        " order by c.schema_name, c.table_name, c.column_index",
        [db, list(schemas)],
    ).fetchall()
    out: dict[str, list[tuple[str, str]]] = {}
    for schema, table, column, dtype in rows:
        out.setdefault(f"{schema}.{table}", []).append((column, dtype))
    return out


def _select(db: str, table: str, columns: list[tuple[str, str]], home: str) -> str:
    parts = []
    for column, dtype in columns:
        quoted = f'"{column}"'
        if "path" in column and dtype == "VARCHAR":
            home_literal = home.replace("'", "''")
            parts.append(f"replace({quoted}, '{home_literal}', '$HOME') as {quoted}")
        else:
            parts.append(quoted)
    schema, name = table.split(".")
    return f'select {", ".join(parts)} from {db}."{schema}"."{name}"'


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0


def compare_databases(
    a: Path,
    b: Path,
    *,
    schemas: tuple[str, ...] = WAREHOUSE_SCHEMAS,
    ignore: Iterable[str] = (),
    homes: tuple[Path, Path] | None = None,
) -> list[TableComparison]:
    """Every table of ``schemas`` in either file, sorted by name, compared (both files are
    opened read-only; ``ignore`` names further columns to leave out). ``homes`` are the
    data directories whose paths the files record, when they are not the files' own
    folders (a home that was moved after its run)."""
    extra = tuple(ignore)
    con = duckdb.connect()
    try:
        con.execute("attach ? as a (read_only)", [str(a)])
        con.execute("attach ? as b (read_only)", [str(b)])
        home_a, home_b = homes or (a.resolve().parent, b.resolve().parent)
        homes_by_db = {"a": str(home_a), "b": str(home_b)}
        tables = {db: _tables(con, db, schemas) for db in ("a", "b")}
        out = []
        for table in sorted(set(tables["a"]) | set(tables["b"])):
            if table not in tables["a"] or table not in tables["b"]:
                only = "A" if table in tables["a"] else "B"
                n = _count(con, f"select count(*) from {only.lower()}.{table}")
                rows = (n, None) if only == "A" else (None, n)
                out.append(TableComparison(table, *rows, f"only in {only}"))
                continue
            cols_a = [c for c in tables["a"][table] if not ignored_column(c[0], extra)]
            cols_b = [c for c in tables["b"][table] if not ignored_column(c[0], extra)]
            n_a = _count(con, f"select count(*) from a.{table}")
            n_b = _count(con, f"select count(*) from b.{table}")
            difference = None
            if cols_a != cols_b:
                difference = "columns differ"
            else:
                sel_a = _select("a", table, cols_a, homes_by_db["a"])
                sel_b = _select("b", table, cols_b, homes_by_db["b"])
                only_a = _count(con, f"select count(*) from ({sel_a} except all {sel_b})")
                only_b = _count(con, f"select count(*) from ({sel_b} except all {sel_a})")
                if only_a or only_b:
                    difference = f"{only_a} rows only in A, {only_b} in B"
            out.append(TableComparison(table, n_a, n_b, difference))
        return out
    finally:
        con.close()


def ignored_columns(path: Path, schemas: tuple[str, ...] = WAREHOUSE_SCHEMAS) -> list[str]:
    """The column names of ``path`` the comparison leaves out, for the report."""
    con = duckdb.connect()
    try:
        con.execute("attach ? as a (read_only)", [str(path)])
        return sorted(
            {
                c
                for cols in _tables(con, "a", schemas).values()
                for c, _ in cols
                if ignored_column(c)
            }
        )
    finally:
        con.close()
