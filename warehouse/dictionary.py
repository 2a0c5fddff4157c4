"""The data dictionary of the analyst snapshot: loaded from ``dictionary.yaml``, applied as
``COMMENT ON`` and rendered to ``warehouse/README.md``.

Plain functions over the YAML file and a DuckDB connection; no Dagster here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

DICTIONARY_PATH = Path(__file__).parent / "dictionary.yaml"
README_PATH = Path(__file__).parent / "README.md"


@dataclass(frozen=True)
class Column:
    name: str
    zh: str
    en: str

    @property
    def comment(self) -> str:
        return f"{self.zh}: {self.en}"


@dataclass(frozen=True)
class Table:
    name: str  # "schema.table"
    zh: str
    grain: str
    en: str
    columns: tuple[Column, ...]

    @property
    def schema(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def table(self) -> str:
        return self.name.split(".", 1)[1]

    @property
    def comment(self) -> str:
        return f"{self.zh}. Grain: {self.grain}. {self.en}"


def load_dictionary(path: Path = DICTIONARY_PATH) -> dict[str, Table]:
    """Tables by "schema.table", in file order."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    tables: dict[str, Table] = {}
    for name, spec in data["tables"].items():
        columns = tuple(
            Column(col, str(c["zh"]), str(c["en"]).strip()) for col, c in spec["columns"].items()
        )
        tables[name] = Table(
            name, str(spec["zh"]), str(spec["grain"]), str(spec["en"]).strip(), columns
        )
    return tables


def _literal(text: str) -> str:
    """A SQL string literal. COMMENT ON takes no bound parameters, so the dictionary's own
    text (from a versioned file, never user input) is quoted here."""
    return "'" + text.replace("'", "''") + "'"


def apply_comments(
    con: duckdb.DuckDBPyConnection, tables: dict[str, Table], *, catalog: str | None = None
) -> None:
    """COMMENT ON every documented table and column present in ``catalog`` (default: the
    connection's current database)."""
    prefix = f'"{catalog}".' if catalog else ""
    present = published_columns(con, catalog=catalog)
    for table in tables.values():
        if table.name not in present:
            continue
        target = f'{prefix}"{table.schema}"."{table.table}"'
        con.execute(f"comment on table {target} is {_literal(table.comment)}")
        for col in table.columns:
            if col.name in present[table.name]:
                con.execute(f'comment on column {target}."{col.name}" is {_literal(col.comment)}')


def published_columns(
    con: duckdb.DuckDBPyConnection, *, catalog: str | None = None
) -> dict[str, list[str]]:
    """Columns of every table and view in schemas marts and quality, by "schema.table"."""
    rows = con.execute(
        """
        select schema_name || '.' || table_name, column_name
        from duckdb_columns()
        where database_name = coalesce(?, current_database())
          and schema_name in ('marts', 'quality')
        order by schema_name, table_name, column_index
        """,
        [catalog],
    ).fetchall()
    out: dict[str, list[str]] = {}
    for table, column in rows:
        out.setdefault(table, []).append(column)
    return out


def coverage_gaps(
    published: dict[str, list[str]], tables: dict[str, Table]
) -> tuple[list[str], list[str]]:
    """(undocumented "schema.table.column"s, documented ones that are not published)."""
    documented = {f"{t.name}.{c.name}" for t in tables.values() for c in t.columns}
    present = {f"{t}.{c}" for t, cols in published.items() for c in cols}
    return sorted(present - documented), sorted(documented - present)


def render_readme(tables: dict[str, Table]) -> str:
    """Markdown for warehouse/README.md (generated; `disputes dictionary --write`)."""
    lines = [
        "# Analyst snapshot: data dictionary (数据字典)",
        "",
        "<!-- Generated from warehouse/dictionary.yaml by `disputes dictionary --write`;",
        "     do not edit by hand. A test fails when this file is stale. -->",
        "",
        "`DISPUTES_HOME/analytics.duckdb` is the read-only, PII-free snapshot published at",
        "the end of each successful run (replaced atomically). Person keys are HMAC",
        "pseudonyms; names and phones appear only masked. The same descriptions are stored",
        "in the snapshot as `COMMENT ON` (`select * from duckdb_columns()`).",
        "Saved queries are in [`queries/`](queries/); run one with `disputes sql NAME`.",
        "",
        "| table | 中文 | grain |",
        "| --- | --- | --- |",
    ]
    for t in tables.values():
        anchor = t.name.replace(".", "")
        lines.append(f"| [`{t.name}`](#{anchor}) | {t.zh} | {t.grain} |")
    for t in tables.values():
        lines += [
            "",
            f"## {t.name}",
            "",
            f"**{t.zh}** — grain: {t.grain}.",
            "",
            t.en,
            "",
            "| column | 中文 | description |",
            "| --- | --- | --- |",
        ]
        lines += [f"| `{c.name}` | {c.zh} | {c.en.replace('|', '/')} |" for c in t.columns]
    return "\n".join(lines) + "\n"
