"""SQL models: discover ``models/<schema>/<name>.sql``, infer what each reads, build in order.

One SELECT per file; the file name is the table name and the folder its schema. What a
model depends on is read from its SQL with sqlglot (every schema-qualified table that is
not one of its own CTEs), never listed by hand. Values come in as bound parameters
(``$as_of``), never pasted into the text.
"""

from __future__ import annotations

import graphlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import sqlglot
from sqlglot import exp

from warehouse.db import transaction

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
DIALECT = "duckdb"


class ModelError(ValueError):
    """A model file that cannot be built: not one SELECT, an unqualified table, a cycle."""


@dataclass(frozen=True)
class SqlModel:
    schema: str
    name: str
    path: Path
    sql: str
    description: str
    deps: tuple[tuple[str, str], ...]  # (schema, table) read by the model, sorted
    params: tuple[str, ...]  # named parameters ($as_of -> "as_of"), sorted

    @property
    def table(self) -> str:
        return f"{self.schema}.{self.name}"


def leading_comment(sql: str) -> str:
    """The ``-- `` comment block at the top of a file, joined into one text."""
    lines = []
    for line in sql.splitlines():
        stripped = line.strip()
        if not stripped.startswith("--"):
            break
        lines.append(stripped[2:].strip())
    return " ".join(text for text in lines if text)


def _parse_select(sql: str, where: str) -> exp.Query:
    try:
        statements = [s for s in sqlglot.parse(sql, dialect=DIALECT) if s is not None]
    except sqlglot.errors.ParseError as error:
        raise ModelError(f"{where}: cannot parse: {error}") from error
    if len(statements) != 1 or not isinstance(statements[0], exp.Query):
        raise ModelError(f"{where}: a model is exactly one SELECT statement")
    return statements[0]


def referenced_tables(sql: str, where: str = "<sql>") -> set[tuple[str, str]]:
    """(schema, table) of every table the query reads, in CTEs and subqueries included.

    A bare name that is one of the query's CTEs is not a table. Any other bare name is an
    error: models name their inputs with the schema, so the graph never guesses.
    """
    tree = _parse_select(sql, where)
    cte_names = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    found: set[tuple[str, str]] = set()
    for table in tree.find_all(exp.Table):
        if not table.name:  # table functions such as range(...)/unnest(...)
            continue
        if not table.db:
            if table.name.lower() in cte_names:
                continue
            raise ModelError(f"{where}: table {table.name!r} needs its schema (e.g. staging.x)")
        found.add((table.db.lower(), table.name.lower()))
    return found


def parameters(sql: str, where: str = "<sql>") -> set[str]:
    tree = _parse_select(sql, where)
    names = {p.name for p in tree.find_all(exp.Placeholder)}
    if "?" in names:
        raise ModelError(f"{where}: use named parameters ($name), not '?'")
    return names


def load_model(path: Path, root: Path = MODELS_DIR) -> SqlModel:
    relative = path.relative_to(root)
    if len(relative.parts) != 2:
        raise ModelError(f"{relative}: models live at models/<schema>/<name>.sql")
    sql = path.read_text(encoding="utf-8")
    where = str(relative)
    return SqlModel(
        schema=relative.parts[0],
        name=path.stem,
        path=path,
        sql=sql,
        description=leading_comment(sql),
        deps=tuple(sorted(referenced_tables(sql, where))),
        params=tuple(sorted(parameters(sql, where))),
    )


def build_order(models: Iterable[SqlModel]) -> list[SqlModel]:
    """Models sorted so each comes after the models it reads; a cycle is an error that
    names the tables on it. Tables that are not models (staging, reference) are inputs."""
    by_table = {(m.schema, m.name): m for m in models}
    # sorted keys and edges: the same graph always gives the same order
    graph = {
        key: sorted(d for d in by_table[key].deps if d in by_table) for key in sorted(by_table)
    }
    try:
        order = list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as error:
        cycle = " -> ".join(".".join(key) for key in error.args[1])
        raise ModelError(f"models form a cycle: {cycle}") from error
    return [by_table[key] for key in order]


def discover(root: Path = MODELS_DIR) -> list[SqlModel]:
    """Every model under ``root``, in build order."""
    return build_order(load_model(path, root) for path in sorted(root.glob("*/*.sql")))


def materialize(con: duckdb.DuckDBPyConnection, model: SqlModel, values: Mapping[str, Any]) -> int:
    """``create or replace table <schema>.<name> as <select>``; returns the row count.

    Only the parameters the model uses are bound (DuckDB rejects unused ones)."""
    missing = set(model.params) - set(values)
    if missing:
        raise ModelError(f"{model.table}: no value for parameter(s) {sorted(missing)}")
    select = model.sql.strip().rstrip(";")
    # One transaction: a run killed while the table is rebuilt leaves the previous table
    # whole, and the next run rebuilds it from its inputs.
    with transaction(con):
        con.execute(f"create schema if not exists {model.schema}")
        con.execute(
            f"create or replace table {model.table} as\n{select}",
            {name: values[name] for name in model.params},
        )
        row = con.execute(f"select count(*) from {model.table}").fetchone()
    return int(row[0]) if row else 0
