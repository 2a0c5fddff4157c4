"""The quality page's "最近一批" is the latest submission: a later run that only recorded a
lock file or a byte-identical copy is not a batch of its own (as quality/sql/file_health.sql
judges the batch). A hand-made quality.files: two registers loaded at 02:00, one rejected
at 02:00, then at 03:00 only a lock file (skipped) and a copy (duplicate)."""

from datetime import datetime

import duckdb

from pipelines.report.build import read_sql

BATCH = datetime(2025, 4, 2, 2, 0)
LATER = datetime(2025, 4, 2, 3, 0)


def test_a_lock_file_and_a_copy_are_no_batch() -> None:
    con = duckdb.connect()
    con.execute("create schema quality")
    con.execute(
        "create table quality.files (file_id varchar, status varchar, first_seen_at timestamp,"
        " data_rows integer)"
    )
    con.execute(
        "create table quality.row_issues (file_id varchar, sheet_name varchar,"
        " excel_row integer, severity varchar)"
    )
    con.executemany(
        "insert into quality.files values (?, ?, ?, ?)",
        [
            ("a", "loaded", BATCH, 10),
            ("b", "loaded", BATCH, 5),
            ("c", "rejected", BATCH, None),
            ("skipped:1", "skipped", LATER, None),
            ("a:copy:1", "duplicate", LATER, None),
        ],
    )
    con.execute("insert into quality.row_issues values ('a', 'Sheet1', 4, 'error')")
    rows = con.sql(read_sql("quality_latest_batch")).fetchall()
    columns = [c[0] for c in con.sql(read_sql("quality_latest_batch")).description]
    latest = dict(zip(columns, next(r for r in rows if r[0] == "latest"), strict=True))
    # By hand: the 02:00 batch is 3 files, 2 loaded (15 rows), 1 rejected, 1 row quarantined.
    assert (latest["files"], latest["loaded_files"], latest["rejected_files"]) == (3, 2, 1)
    assert (latest["data_rows"], latest["rows_quarantined"]) == (15, 1)
    assert latest["latest_seen_at"] == BATCH
