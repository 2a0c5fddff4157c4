"""Saved queries and `disputes sql`: read-only on the snapshot, table output, exports."""

import duckdb
import polars as pl
import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from warehouse.snapshot import open_snapshot, saved_queries, set_variables

pytestmark = pytest.mark.integration

EXPECTED = {
    "township_monthly_trend",
    "top_categories_quarter",
    "repeat_escalated_petitioners",
    "overdue_list",
    "county_kpis_year",
}


def test_saved_queries_exist_with_a_leading_comment() -> None:
    queries = saved_queries()
    assert set(queries) >= EXPECTED
    for q in queries.values():
        assert len(q.description) > 40, q.name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_saved_query_runs_on_the_snapshot(published, name: str) -> None:
    con = open_snapshot(published.snapshot)
    frame = con.sql(saved_queries()[name].sql).pl()
    assert frame.width > 2
    if name != "overdue_list":  # a small world may have nothing overdue
        assert frame.height > 0, name


def test_saved_query_variables(published) -> None:
    con = open_snapshot(published.snapshot)
    year = published.world.as_of.year - 1
    set_variables(con, {"year": year})
    frame = con.sql(saved_queries()["county_kpis_year"].sql).pl()
    assert frame["year"].unique().to_list() == [year]
    assert frame.filter(pl.col("figure") == "new_cases")["this_year"][0] > 0
    set_variables(con, {"township": "莲峰镇", "months": 3})
    trend = con.sql(saved_queries()["township_monthly_trend"].sql).pl()
    assert trend["township_name"].unique().to_list() == ["莲峰镇"] and trend.height == 3


def test_snapshot_connection_cannot_write_or_reach_files(published) -> None:
    con = open_snapshot(published.snapshot)
    with pytest.raises(duckdb.Error):
        con.execute("create table marts.x as select 1")
    with pytest.raises(duckdb.Error):
        con.execute(f"attach '{published.home / 'warehouse.duckdb'}' as wh")


def test_sql_command_prints_and_exports(published, tmp_path) -> None:
    runner = CliRunner()
    out = {ext: tmp_path / f"result.{ext}" for ext in ("csv", "parquet", "xlsx")}
    result = runner.invoke(
        app,
        ["sql", "repeat_escalated_petitioners", "--home", str(published.home)]
        + [arg for ext, path in out.items() for arg in (f"--{ext}", str(path))],
    )
    assert result.exit_code == 0, result.output
    assert "repeat_escalated_petitioners" in result.output and "name_masked" in result.output
    csv_rows = pl.read_csv(out["csv"])
    assert csv_rows.height > 0
    assert pl.read_parquet(out["parquet"]).height == csv_rows.height
    assert out["xlsx"].stat().st_size > 1000


def test_sql_command_with_text_and_file(published, tmp_path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["sql", "select count(*) as n from marts.township_monthly", "--home", str(published.home)],
    )
    assert result.exit_code == 0, result.output
    query = tmp_path / "q.sql"
    query.write_text("select publish_id from quality.snapshot", encoding="utf-8")
    result = runner.invoke(app, ["sql", str(query), "--home", str(published.home)])
    assert result.exit_code == 0 and "publish_id" in result.output
    bad = runner.invoke(app, ["sql", "select * from nowhere", "--home", str(published.home)])
    assert bad.exit_code == 1


def test_sql_command_without_snapshot(home) -> None:
    result = CliRunner().invoke(app, ["sql", "select 1", "--home", str(home)])
    assert result.exit_code == 2
