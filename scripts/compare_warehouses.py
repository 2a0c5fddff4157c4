"""Compare two warehouse.duckdb files table by table: did a change keep the same data?

    .venv/bin/python scripts/compare_warehouses.py A/warehouse.duckdb B/warehouse.duckdb

For each table of the raw, staging, quality, intermediate and marts schemas in either file:
the rows in each and whether they hold the same multiset of rows (EXCEPT ALL both ways, so
order does not matter and duplicates count). Columns that record when or under which code
version a run happened differ by nature and are left out: timestamps named ``*_at`` and
``rules_version``. Paths under each warehouse's own home (``output_path``,
``quarantine_path``) are compared with that home replaced by ``$HOME``, so two homes with
the same inbox compare equal. Exits 1 when any table differs or exists in one file only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

SCHEMAS = ("raw", "staging", "quality", "intermediate", "marts")
IGNORED = {"rules_version"}


def _ignored(column: str) -> bool:
    return column in IGNORED or column.endswith("_at")


def _tables(con: duckdb.DuckDBPyConnection, db: str) -> dict[str, list[tuple[str, str]]]:
    """'schema.table' -> [(column, type)] of the base tables of ``db``."""
    rows = con.execute(
        "select c.schema_name, c.table_name, c.column_name, c.data_type"
        " from duckdb_columns() c join duckdb_tables() t"
        " on t.database_name = c.database_name and t.schema_name = c.schema_name"
        " and t.table_name = c.table_name"
        " where c.database_name = ? and c.schema_name in (select unnest(?))"
        " order by c.schema_name, c.table_name, c.column_index",
        [db, list(SCHEMAS)],
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


def compare(a: Path, b: Path) -> bool:
    """Print one line per table; True when every table is equal."""
    con = duckdb.connect()
    con.execute("attach ? as a (read_only)", [str(a)])
    con.execute("attach ? as b (read_only)", [str(b)])
    homes = {"a": str(a.resolve().parent), "b": str(b.resolve().parent)}
    tables = {"a": _tables(con, "a"), "b": _tables(con, "b")}
    all_equal = True
    print(f"{'table':<42} {'rows A':>8} {'rows B':>8}  result")
    for table in sorted(set(tables["a"]) | set(tables["b"])):
        if table not in tables["a"] or table not in tables["b"]:
            only = "A" if table in tables["a"] else "B"
            print(f"{table:<42} {'':>8} {'':>8}  different: only in {only}")
            all_equal = False
            continue
        cols_a = [c for c in tables["a"][table] if not _ignored(c[0])]
        cols_b = [c for c in tables["b"][table] if not _ignored(c[0])]
        counts = {
            db: con.execute(f"select count(*) from {db}.{table}").fetchone()[0]  # type: ignore[index]
            for db in ("a", "b")
        }
        if cols_a != cols_b:
            result = "different: columns differ"
        else:
            sel_a = _select("a", table, cols_a, homes["a"])
            sel_b = _select("b", table, cols_b, homes["b"])
            only_a = con.execute(f"select count(*) from ({sel_a} except all {sel_b})").fetchone()
            only_b = con.execute(f"select count(*) from ({sel_b} except all {sel_a})").fetchone()
            n_a, n_b = (only_a or (0,))[0], (only_b or (0,))[0]
            result = "equal" if n_a == n_b == 0 else f"different: {n_a} rows only in A, {n_b} in B"
        all_equal &= result == "equal"
        print(f"{table:<42} {counts['a']:>8} {counts['b']:>8}  {result}")
    ignored = sorted(
        {c for t in tables["a"].values() for c, _ in t if _ignored(c)}
        | {c for t in tables["b"].values() for c, _ in t if _ignored(c)}
    )
    print(f"columns left out: {', '.join(ignored)}")
    return all_equal


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a", type=Path)
    parser.add_argument("b", type=Path)
    args = parser.parse_args()
    return 0 if compare(args.a, args.b) else 1


if __name__ == "__main__":
    sys.exit(main())
