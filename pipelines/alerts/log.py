"""The sent-alert log in warehouse.duckdb (schema in warehouse/schema/alerts.sql)."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime

import duckdb

from pipelines.alerts.compose import Digest
from pipelines.alerts.config import Target
from pipelines.alerts.send import Delivery
from pipelines.settings import TIMEZONE


def now_local() -> datetime:
    """Wall-clock time in Asia/Shanghai, stored naive (as the county reads it)."""
    return datetime.now(TIMEZONE).replace(tzinfo=None)


def has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables"
            " where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]  # type: ignore[index]
    )


def already_alerted(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    if not has_table(con, "alerts", "alerted_items"):
        return set()
    return {
        (r[0], r[1])
        for r in con.execute("select township_code, item_key from alerts.alerted_items").fetchall()
    }


def record_delivery(
    con: duckdb.DuckDBPyConnection,
    *,
    audience: str,
    township_code: str | None,
    recipient: str,
    target: Target,
    title: str,
    body: str,
    digest_hash: str,
    delivery: Delivery,
    run_id: str | None,
    started_at: datetime,
    item_count: int = 0,
    counts: dict[str, int] | None = None,
    attachments: str | None = None,
) -> str:
    alert_id = str(uuid.uuid4())
    con.execute(
        """
        insert into alerts.sent_alerts (
            alert_id, run_id, audience, township_code, recipient, target_kind, target,
            title, body, attachments, item_count, counts_json, digest_hash, status,
            attempts, error, created_at, finished_at)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [
            alert_id,
            run_id,
            audience,
            township_code,
            recipient,
            target.kind,
            target.label,
            title,
            body,
            attachments,
            item_count,
            json.dumps(counts, ensure_ascii=False) if counts is not None else None,
            digest_hash,
            delivery.status,
            delivery.attempts,
            delivery.error,
            started_at,
            now_local(),
        ],
    )
    return alert_id


def record_digest_delivered(con: duckdb.DuckDBPyConnection, digest: Digest, as_of: date) -> None:
    """Mark the digest's items as told, so no later digest repeats them."""
    # One statement for the whole list: row-by-row executemany is ~300 rows/s in DuckDB.
    con.execute(
        """
        insert into alerts.alerted_items
        select ?, unnest(?::varchar[]), unnest(?::varchar[]), ?, ?, ?
        on conflict do nothing
        """,
        [
            digest.township_code,
            [item.key for item in digest.items],
            [item.kind for item in digest.items],
            digest.digest_hash,
            now_local(),
            as_of,
        ],
    )


def latest_alerted_as_of(con: duckdb.DuckDBPyConnection) -> date | None:
    """The latest reference date anyone was alerted for (None before the first alert)."""
    row = con.execute("select max(as_of) from alerts.alerted_items").fetchone()
    return row[0] if row else None
