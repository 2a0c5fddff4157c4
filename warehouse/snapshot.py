"""Reading the analyst snapshot: a read-only connection and the saved queries.

The connection is read-only and has external access off: a query cannot write the snapshot,
read local files or attach another database (such as warehouse.duckdb, which holds PII).
Exports go through Arrow/polars in this process instead of DuckDB's COPY.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

QUERIES_DIR = Path(__file__).parent / "queries"
_VARIABLE = re.compile(r"^[a-z_][a-z0-9_]*$")


class SnapshotMissingError(FileNotFoundError):
    pass


@dataclass(frozen=True)
class SavedQuery:
    name: str
    path: Path
    description: str
    sql: str


def open_snapshot(path: Path) -> duckdb.DuckDBPyConnection:
    if not path.is_file():
        raise SnapshotMissingError(
            f"no snapshot at {path}: run the nightly job first (disputes run / disputes demo)"
        )
    return duckdb.connect(str(path), read_only=True, config={"enable_external_access": False})


def _leading_comment(sql: str) -> str:
    lines = []
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line.removeprefix("--").strip())
    return " ".join(lines).strip()


def saved_queries(directory: Path = QUERIES_DIR) -> dict[str, SavedQuery]:
    """Saved queries by name (file stem), each with its leading comment as description."""
    out = {}
    for path in sorted(directory.glob("*.sql")):
        sql = path.read_text(encoding="utf-8")
        out[path.stem] = SavedQuery(path.stem, path, _leading_comment(sql), sql)
    return out


def resolve_query(text: str) -> tuple[str, str]:
    """(sql, label) for a saved query's name, a .sql file, or SQL text itself."""
    queries = saved_queries()
    if text in queries:
        return queries[text].sql, f"saved query {text}"
    if text.endswith(".sql") and Path(text).is_file():
        return Path(text).read_text(encoding="utf-8"), text
    return text, "query"


def set_variables(con: duckdb.DuckDBPyConnection, variables: dict[str, Any]) -> None:
    """SET VARIABLE for saved queries' getvariable(...) parameters (values bound)."""
    for name, value in variables.items():
        if not _VARIABLE.match(name):
            raise ValueError(f"not a variable name: {name!r}")
        con.execute(f"set variable {name} = ?", [value])


def parse_variable(text: str) -> tuple[str, Any]:
    """ "year=2025" -> ("year", 2025); numbers become ints, everything else stays text."""
    name, sep, value = text.partition("=")
    if not sep:
        raise ValueError(f"expected NAME=VALUE, got {text!r}")
    return name.strip(), int(value) if value.strip().lstrip("-").isdigit() else value.strip()
