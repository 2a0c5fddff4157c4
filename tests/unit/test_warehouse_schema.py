"""The warehouse schema on a real DuckDB file: created from scratch, and brought up to date
on a file made by an older version (columns the schema files gained since are added)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse.db import SCHEMA_DIR, SCHEMA_FILES, connect


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns"
            " where table_schema = ? and table_name = ? order by ordinal_position",
            [schema, table],
        ).fetchall()
    ]


def test_fresh_file_has_every_table(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    tables = {
        f"{s}.{t}"
        for s, t in con.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()
    }
    con.close()
    text = "\n".join((SCHEMA_DIR / name).read_text(encoding="utf-8") for name in SCHEMA_FILES)
    declared = {
        line.split("exists", 1)[1].split("(", 1)[0].strip()
        for line in text.splitlines()
        if line.startswith("create table if not exists")
    }
    assert declared and declared <= tables


def test_older_file_gains_new_columns_and_keeps_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    old = duckdb.connect(str(path))
    old.execute("create schema alerts")
    old.execute(
        "create table alerts.alerted_items (township_code varchar not null,"
        " item_key varchar not null, kind varchar not null, digest_hash varchar not null,"
        " alerted_at timestamp not null, primary key (township_code, item_key))"
    )
    old.execute(
        "insert into alerts.alerted_items values ('350825100', 'k', 'quality_issue', 'h',"
        " timestamp '2025-01-01 08:00:00')"
    )
    old.close()
    con = connect(path)  # what every run does first
    assert "as_of" in _columns(con, "alerts", "alerted_items")
    assert con.execute("select count(*), max(as_of) from alerts.alerted_items").fetchone() == (
        1,
        None,
    )
    con.close()
    again = connect(path)  # idempotent: a second connect changes nothing
    assert _columns(again, "alerts", "alerted_items")[-1] == "as_of"
    again.close()
