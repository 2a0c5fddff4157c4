"""The write primitives crash safety rests on (issue 13, item 5): a step's DuckDB writes
commit together or not at all, a page is replaced whole, and the comparison the crash
tests use tells equal tables from different ones."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.report.build import write_atomic
from warehouse.compare import compare_databases
from warehouse.db import transaction


def _table(path: Path, rows: list[tuple[int, str]], extra_at: str = "2026-01-01") -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.t (n integer, word varchar, loaded_at date)")
        for n, word in rows:
            con.execute("insert into marts.t values (?, ?, ?)", [n, word, extra_at])


def test_a_transaction_block_that_raises_leaves_nothing_and_one_that_ends_commits(
    tmp_path: Path,
) -> None:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create table t (n integer)")
    with pytest.raises(RuntimeError), transaction(con):
        con.execute("insert into t values (1)")
        con.execute("insert into t values (2)")
        raise RuntimeError("killed")
    assert con.execute("select count(*) from t").fetchone() == (0,)
    with transaction(con):
        con.execute("insert into t values (3)")
        con.execute("insert into t values (4)")
    con.close()
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as again:
        assert again.execute("select list(n order by n) from t").fetchone() == ([3, 4],)


def test_write_atomic_replaces_the_page_and_clears_a_killed_writers_leftover(
    tmp_path: Path,
) -> None:
    target = tmp_path / "reports" / "quality.html"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    (target.parent / ".quality.html.4242.tmp").write_text("half a pa", encoding="utf-8")
    write_atomic(target, "<p>新</p>")
    assert target.read_text(encoding="utf-8") == "<p>新</p>"
    assert sorted(p.name for p in target.parent.iterdir()) == ["quality.html"]


def test_compare_finds_a_missing_row_and_leaves_out_timestamps(tmp_path: Path) -> None:
    a, b, c = (tmp_path / f"{name}.duckdb" for name in "abc")
    _table(a, [(1, "甲"), (2, "乙"), (2, "乙")])
    _table(b, [(2, "乙"), (1, "甲"), (2, "乙")], extra_at="2026-12-31")  # order, *_at differ
    _table(c, [(1, "甲"), (2, "乙")])  # one duplicate row fewer
    assert [(r.table, r.equal) for r in compare_databases(a, b)] == [("marts.t", True)]
    [result] = compare_databases(a, c)
    assert (result.rows_a, result.rows_b, result.difference) == (3, 2, "1 rows only in A, 0 in B")
