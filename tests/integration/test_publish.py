"""The analyst snapshot: complete, commented, free of personal data, swapped in atomically."""

import csv
import re
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from warehouse.db import connect
from warehouse.dictionary import coverage_gaps, load_dictionary, published_columns
from warehouse.pii_guard import NameIndex, text_columns
from warehouse.publish import PiiLeakError, PublishError, publish_snapshot

pytestmark = pytest.mark.integration

# Written independently of warehouse.pii_guard: a digit run of ID or mobile length that is
# not part of a longer alphanumeric token (hex keys and hashes are such tokens).
ID_RUN = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
MOBILE_RUN = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")


def _texts(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(table.column, value) for every non-null text value of the snapshot."""
    out = []
    for schema, table, column in text_columns(con):
        rows = con.execute(
            f'select distinct "{column}" from "{schema}"."{table}" where "{column}" is not null'
        ).fetchall()
        out += [(f"{schema}.{table}.{column}", v) for (v,) in rows]
    return out


def test_snapshot_has_every_table_with_its_recorded_row_count(published) -> None:
    con = duckdb.connect(str(published.snapshot), read_only=True)
    recorded = dict(
        con.execute("select table_name, row_count from quality.snapshot_tables").fetchall()
    )
    assert set(recorded) == {
        "marts.township_monthly",
        "marts.category_monthly",
        "marts.repeat_petitioners",
        "marts.overdue_petitions",
        "marts.county_summary",
        "quality.files",
        "quality.row_issues",
        "quality.unmapped_categories",
    }
    for table, rows in recorded.items():
        assert con.execute(f"select count(*) from {table}").fetchall()[0][0] == rows
    assert recorded["marts.township_monthly"] > 0
    assert recorded["quality.files"] > 0
    # The generator writes directory words, and a few words it means to be unknown: only
    # those may be on the data team's list of unmapped words.
    from sample_world.world.draws import UNKNOWN_CATEGORY_WORDS

    unmapped = con.execute("select category_written from quality.unmapped_categories")
    words = {w for (w,) in unmapped.fetchall()}
    assert words <= set(UNKNOWN_CATEGORY_WORDS)
    schemas = {
        s
        for (s,) in con.execute(
            "select distinct schema_name from duckdb_tables() "
            "where database_name = current_database()"
        ).fetchall()
    }
    assert schemas == {"marts", "quality"}


def test_no_id_number_phone_or_raw_name_in_any_text_column(published) -> None:
    """Every text value of the snapshot against the world's raw names, IDs and phones."""
    with (published.world.truth / "repeat_petitioners.csv").open(encoding="utf-8") as fh:
        truth = list(csv.DictReader(fh))
    raw_ids = {r["id_number"] for r in truth if r["id_number"]}
    # All raw names the warehouse read (every party of every register), not only repeats.
    wh = duckdb.connect(str(published.home / "warehouse.duckdb"), read_only=True)
    names = {n for (n,) in wh.execute("select distinct name from staging.parties").fetchall() if n}
    phones = {
        p for (p,) in wh.execute("select distinct phone from staging.parties").fetchall() if p
    }
    wh.close()
    names |= {r["name"] for r in truth}
    assert raw_ids and len(names) > 50 and phones

    index = NameIndex(names)
    con = duckdb.connect(str(published.snapshot), read_only=True)
    values = _texts(con)
    assert values
    hits = []
    for where, value in values:
        if ID_RUN.search(value) or MOBILE_RUN.search(value):
            hits.append((where, "pattern"))
        if any(i in value for i in raw_ids) or any(p in value for p in phones):
            hits.append((where, "raw id/phone"))
        if index.hits(value):
            hits.append((where, "name"))
    assert hits == []


def test_every_published_column_is_documented_and_commented(published) -> None:
    tables = load_dictionary()
    con = duckdb.connect(str(published.snapshot), read_only=True)
    undocumented, unpublished = coverage_gaps(published_columns(con), tables)
    assert undocumented == [], "add these to warehouse/dictionary.yaml"
    assert unpublished == [], "dictionary entries that the snapshot does not have"
    missing_comments = con.execute(
        "select schema_name || '.' || table_name || '.' || column_name from duckdb_columns() "
        "where database_name = current_database() and coalesce(comment, '') = ''"
    ).fetchall()
    assert missing_comments == []
    table_comment = con.execute(
        "select comment from duckdb_tables() where table_name = 'township_monthly'"
    ).fetchall()[0][0]
    assert "乡镇月度汇总" in table_comment and "Grain" in table_comment


def _copy_warehouse(published, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """A writable copy of the published run's warehouse (no writer holds it any more)."""
    shutil.copyfile(published.home / "warehouse.duckdb", tmp_path / "wh.duckdb")
    return connect(tmp_path / "wh.duckdb")


def test_pii_guard_blocks_the_swap_and_keeps_the_previous_snapshot(published, tmp_path) -> None:
    con = _copy_warehouse(published, tmp_path)
    target = tmp_path / "analytics.duckdb"
    first = publish_snapshot(con, target, as_of=date(2025, 1, 31))
    name = con.execute(
        "select name from staging.parties where name is not null limit 1"
    ).fetchall()[0][0]
    con.execute("update marts.township_monthly set township_name = ? where true", [name])
    with pytest.raises(PiiLeakError) as caught:
        publish_snapshot(con, target, as_of=date(2025, 1, 31))
    assert name not in str(caught.value)  # the report names columns, never values
    assert "marts.township_monthly.township_name" in str(caught.value)
    snap = duckdb.connect(str(target), read_only=True)
    assert (
        snap.execute("select publish_id from quality.snapshot").fetchall()[0][0] == first.publish_id
    )
    assert sorted(p.name for p in tmp_path.iterdir() if "analytics" in p.name) == [
        "analytics.duckdb"
    ]


def test_publish_refuses_when_marts_are_missing(home) -> None:
    con = connect(home / "warehouse.duckdb")
    with pytest.raises(PublishError, match="marts not built"):
        publish_snapshot(con, home / "analytics.duckdb", as_of=date(2025, 1, 31))
    assert not (home / "analytics.duckdb").exists()
