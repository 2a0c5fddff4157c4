"""Publish the analyst snapshot: a PII-free copy of the marts and quality tables in
``DISPUTES_HOME/analytics.duckdb``, swapped in atomically.

The new file is built beside the old one through the warehouse writer's own connection
(``ATTACH`` of a temporary file: another process cannot open the warehouse while the writer
holds it, and the writer's connection can write both), checked for PII, closed, and only
then ``os.replace``-d over the old one. A reader that holds the old file open keeps reading
it (Linux keeps the unlinked inode); a reader that opens the path gets either the old or the
new file, never a half-built one. Any failure leaves the previous snapshot in place.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from warehouse.dictionary import (
    Table,
    apply_comments,
    coverage_gaps,
    load_dictionary,
    published_columns,
)
from warehouse.pii_guard import PiiHit, scan_database, warehouse_names

SQL_DIR = Path(__file__).parent / "sql" / "publish"
PUBLISHED_MARTS = (
    "township_monthly",
    "category_monthly",
    "repeat_petitioners",
    "overdue_petitions",
    "county_summary",
)
QUALITY_TABLES = ("files", "row_issues", "unmapped_categories")
_TZ = ZoneInfo("Asia/Shanghai")


class PublishError(RuntimeError):
    """The snapshot was not published; the previous one (if any) is still in place."""


class PiiLeakError(PublishError):
    def __init__(self, hits: list[PiiHit]) -> None:
        self.hits = hits
        super().__init__(
            "PII guard: the new snapshot holds personal data, not published: "
            + "; ".join(h.describe() for h in hits)
        )


@dataclass
class PublishResult:
    path: Path
    publish_id: str
    row_counts: dict[str, int]
    undocumented: list[str] = field(default_factory=list)
    names_checked: int = 0
    seconds: float = 0.0


def _literal(text: str) -> str:
    # ATTACH takes no bound parameters; the path is ours (DISPUTES_HOME), quoted here.
    return "'" + text.replace("'", "''") + "'"


def _missing_marts(con: duckdb.DuckDBPyConnection) -> list[str]:
    present = {
        name
        for (name,) in con.execute(
            "select table_name from duckdb_tables() "
            "where database_name = current_database() and schema_name = 'marts'"
        ).fetchall()
    }
    return [m for m in PUBLISHED_MARTS if m not in present]


def _build(con: duckdb.DuckDBPyConnection, alias: str) -> None:
    """Create the published tables in the attached catalog ``alias``."""
    con.execute(f"create schema {alias}.marts")
    con.execute(f"create schema {alias}.quality")
    for mart in PUBLISHED_MARTS:
        con.execute(f"create table {alias}.marts.{mart} as select * from marts.{mart}")
    for name in QUALITY_TABLES:
        select = (SQL_DIR / f"quality.{name}.sql").read_text(encoding="utf-8")
        con.execute(f"create table {alias}.quality.{name} as {select}")


def _record_snapshot(
    con: duckdb.DuckDBPyConnection, alias: str, publish_id: str, as_of: date, run_id: str | None
) -> dict[str, int]:
    counts = {}
    for table in [f"marts.{m}" for m in PUBLISHED_MARTS] + [f"quality.{q}" for q in QUALITY_TABLES]:
        counts[table] = con.execute(f"select count(*) from {alias}.{table}").fetchall()[0][0]  # type: ignore[index]
    con.execute(
        f"create table {alias}.quality.snapshot as select ?::varchar as publish_id, "
        "?::timestamp as published_at, ?::date as as_of, ?::varchar as run_id",
        [publish_id, datetime.now(_TZ).replace(tzinfo=None), as_of, run_id],
    )
    con.execute(
        f"create table {alias}.quality.snapshot_tables (table_name varchar, row_count bigint, "
        "publish_id varchar)"
    )
    con.executemany(
        f"insert into {alias}.quality.snapshot_tables values (?, ?, ?)",
        [(t, n, publish_id) for t, n in counts.items()],
    )
    return counts


def _discard(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def publish_snapshot(
    con: duckdb.DuckDBPyConnection,
    target: Path,
    *,
    as_of: date,
    run_id: str | None = None,
    tables: dict[str, Table] | None = None,
) -> PublishResult:
    """Build the snapshot from the warehouse connection ``con`` and swap it in at ``target``.

    Raises PublishError (marts missing, PII found, any DuckDB error) without touching
    ``target``.
    """
    started = time.monotonic()
    missing = _missing_marts(con)
    if missing:
        raise PublishError(f"marts not built yet: {', '.join(missing)}")
    tables = tables if tables is not None else load_dictionary()
    publish_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(f".{target.stem}.*.tmp.duckdb*"):
        stale.unlink()  # left by a publish that crashed; never a file anyone reads
    tmp = target.with_name(f".{target.stem}.{publish_id}.tmp.duckdb")
    alias = f"snap_{secrets.token_hex(4)}"
    attached = False
    try:
        con.execute(f"attach {_literal(str(tmp))} as {alias}")
        attached = True
        _build(con, alias)
        counts = _record_snapshot(con, alias, publish_id, as_of, run_id)
        apply_comments(con, tables, catalog=alias)
        undocumented, _ = coverage_gaps(published_columns(con, catalog=alias), tables)
        names = warehouse_names(con)
        hits = scan_database(con, names, catalog=alias)
        if hits:
            raise PiiLeakError(hits)
        con.execute(f"checkpoint {alias}")
        con.execute(f"detach {alias}")
        attached = False
        # PII-free and meant for analysts: readable by others, though the run writes under
        # umask 077 (pipelines.operations.permissions; storage imports nothing above it).
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except duckdb.Error as exc:
        raise PublishError(f"snapshot not published: {exc}") from exc
    finally:
        if attached:
            with contextlib.suppress(duckdb.Error):
                con.execute(f"detach {alias}")
        _discard(tmp)
    return PublishResult(
        path=target,
        publish_id=publish_id,
        row_counts=counts,
        undocumented=undocumented,
        names_checked=len(names),
        seconds=round(time.monotonic() - started, 2),
    )
