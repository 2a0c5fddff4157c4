"""The last check before a snapshot is published: no raw ID number, phone or name in it.

Every text column of every table is read (distinct values) and searched for 18- and
15-digit ID numbers, mobile and landline numbers, and the raw names the warehouse knows.
A hit is reported by table, column and kind with a count: never with the value itself.

Digit runs must stand alone (no letter or digit on either side), so hex strings such as the
HMAC person keys and file hashes, which often contain long digit runs, are not hits.
Names are matched as whole values, and inside longer text when they have 3+ characters:
two-character names ("林土") occur inside ordinary words ("山林土地") too often to search
for as substrings; a two-character name standing alone in a cell is still a hit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb

_EDGE_L = r"(?<![0-9A-Za-z])"
_EDGE_R = r"(?![0-9A-Za-z])"
PATTERNS: dict[str, re.Pattern[str]] = {
    "id_number": re.compile(_EDGE_L + r"(?:\d{17}[\dXx]|\d{15})" + _EDGE_R),
    "mobile": re.compile(_EDGE_L + r"(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}" + _EDGE_R),
    "landline": re.compile(_EDGE_L + r"0\d{2,3}-\d{7,8}" + _EDGE_R),
}
MIN_SUBSTRING_NAME = 3

# Columns that must never be published whatever they hold.
FORBIDDEN_COLUMNS = frozenset(
    {"party_name", "name", "id_number", "phone", "cells_json", "summary", "content"}
)


@dataclass(frozen=True)
class PiiHit:
    table: str
    column: str
    kind: str  # id_number | mobile | landline | name | forbidden_column
    count: int

    def describe(self) -> str:
        return f"{self.table}.{self.column}: {self.count} value(s) look like {self.kind}"


class NameIndex:
    """Raw names for exact and substring lookups without one regex per name."""

    def __init__(self, names: Iterable[str | None]) -> None:
        cleaned = {n.strip() for n in names if n and n.strip()}
        self.exact = {n for n in cleaned if len(n) >= 2}
        self.long = {n for n in self.exact if len(n) >= MIN_SUBSTRING_NAME}
        self.lengths = sorted({len(n) for n in self.long})

    def __len__(self) -> int:
        return len(self.exact)

    def hits(self, text: str) -> bool:
        if text.strip() in self.exact:
            return True
        for size in self.lengths:
            for i in range(len(text) - size + 1):
                if text[i : i + size] in self.long:
                    return True
        return False


def text_hits(text: str, names: NameIndex | None) -> list[str]:
    """Kinds of PII found in one value."""
    kinds = [kind for kind, pattern in PATTERNS.items() if pattern.search(text)]
    if names is not None and names.hits(text):
        kinds.append("name")
    return kinds


def text_columns(
    con: duckdb.DuckDBPyConnection, catalog: str | None = None
) -> list[tuple[str, str, str]]:
    """(schema, table, column) of every VARCHAR column of the database (default: current)."""
    return con.execute(
        """
        select schema_name, table_name, column_name
        from duckdb_columns()
        where database_name = coalesce(?, current_database())
          and schema_name not in ('information_schema', 'pg_catalog')
          and data_type = 'VARCHAR'
        order by all
        """,
        [catalog],
    ).fetchall()  # type: ignore[return-value]


def all_columns(
    con: duckdb.DuckDBPyConnection, catalog: str | None = None
) -> list[tuple[str, str, str]]:
    return con.execute(
        """
        select schema_name, table_name, column_name from duckdb_columns()
        where database_name = coalesce(?, current_database())
          and schema_name not in ('information_schema', 'pg_catalog')
        order by all
        """,
        [catalog],
    ).fetchall()  # type: ignore[return-value]


def scan_database(
    con: duckdb.DuckDBPyConnection, names: NameIndex | None, catalog: str | None = None
) -> list[PiiHit]:
    """Scan every text column of ``catalog`` (an attached alias, or the current database)."""
    prefix = f'"{catalog}".' if catalog else ""
    hits: list[PiiHit] = []
    for schema, table, column in all_columns(con, catalog):
        if column.lower() in FORBIDDEN_COLUMNS:
            hits.append(PiiHit(f"{schema}.{table}", column, "forbidden_column", 1))
    for schema, table, column in text_columns(con, catalog):
        counts: dict[str, int] = {}
        values = con.execute(
            f'select distinct "{column}" from {prefix}"{schema}"."{table}" '
            f'where "{column}" is not null'
        ).fetchall()
        for (value,) in values:
            for kind in text_hits(value, names):
                counts[kind] = counts.get(kind, 0) + 1
        hits += [PiiHit(f"{schema}.{table}", column, k, n) for k, n in counts.items()]
    return hits


def warehouse_names(con: duckdb.DuckDBPyConnection) -> NameIndex:
    """Raw names the warehouse holds: staging.parties and any name column of
    intermediate.persons (whichever of them exist)."""
    sources = con.execute(
        """
        select schema_name, table_name, column_name from duckdb_columns()
        where database_name = current_database()
          and ((schema_name = 'staging' and table_name = 'parties' and column_name = 'name')
            or (schema_name = 'intermediate' and table_name = 'persons'
                and column_name in ('name', 'party_name', 'names')))
        """
    ).fetchall()
    names: list[str] = []
    for schema, table, column in sources:
        rows = con.execute(
            f'select distinct "{column}" from "{schema}"."{table}" where "{column}" is not null'
        ).fetchall()
        for (value,) in rows:
            names += [value] if isinstance(value, str) else list(value or [])
    return NameIndex(names)
