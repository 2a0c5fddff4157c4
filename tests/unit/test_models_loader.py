"""The SQL model loader: dependencies read from the SQL, build order, cycles, materializing."""

from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines.models.sql_models import (
    ModelError,
    build_order,
    discover,
    leading_comment,
    load_model,
    materialize,
    parameters,
    referenced_tables,
)


def _write(root: Path, rel: str, sql: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(sql, encoding="utf-8")
    return path


def test_ctes_are_not_tables_and_subqueries_are_followed() -> None:
    sql = """
    with events as (select * from intermediate.petition_events),
    firsts as (
        select * from events
        where person_key in (select person_key from intermediate.persons)
    )
    select f.*, t.township_name
    from firsts f
    join reference.townships t using (township_code)
    left join (select * from staging.parties) p on true
    where exists (select 1 from marts.x where x.a = f.a)
    """
    assert referenced_tables(sql) == {
        ("intermediate", "petition_events"),
        ("intermediate", "persons"),
        ("reference", "townships"),
        ("staging", "parties"),
        ("marts", "x"),
    }


def test_schema_qualified_table_named_like_a_cte_is_still_a_dependency() -> None:
    sql = "with disputes as (select * from staging.disputes) select * from disputes"
    assert referenced_tables(sql) == {("staging", "disputes")}


def test_bare_table_name_is_an_error() -> None:
    with pytest.raises(ModelError, match="needs its schema"):
        referenced_tables("select * from disputes")


def test_only_one_select_per_file() -> None:
    with pytest.raises(ModelError, match="exactly one SELECT"):
        referenced_tables("select 1; select 2")
    with pytest.raises(ModelError, match="exactly one SELECT"):
        referenced_tables("delete from staging.disputes")


def test_table_functions_are_not_dependencies() -> None:
    sql = "select * from generate_series(1, 3) as g(n), staging.petitions"
    assert referenced_tables(sql) == {("staging", "petitions")}


def test_named_parameters_are_found_and_question_marks_refused() -> None:
    assert parameters("select * from a.b where d <= $as_of and e > $as_of") == {"as_of"}
    with pytest.raises(ModelError, match="named parameters"):
        parameters("select * from a.b where d = ?")


def test_leading_comment_is_the_description() -> None:
    sql = (
        "-- One row per case.\n--   Latest period wins.\n\n"
        "with x as (select 1)\n-- not this\nselect 1"
    )
    assert leading_comment(sql) == "One row per case. Latest period wins."


def test_build_order_follows_dependencies(tmp_path: Path) -> None:
    _write(tmp_path, "marts/c.sql", "select * from intermediate.b join staging.s using (k)")
    _write(tmp_path, "intermediate/b.sql",
           "with q as (select * from intermediate.a) select * from q")
    _write(tmp_path, "intermediate/a.sql", "select * from staging.s")
    models = discover(tmp_path)
    assert [m.table for m in models] == ["intermediate.a", "intermediate.b", "marts.c"]
    assert models[2].deps == (("intermediate", "b"), ("staging", "s"))


def test_cycle_is_a_clear_error(tmp_path: Path) -> None:
    _write(tmp_path, "intermediate/a.sql", "select * from marts.c")
    _write(tmp_path, "intermediate/b.sql", "select * from intermediate.a")
    _write(tmp_path, "marts/c.sql", "select * from (select * from intermediate.b) s")
    with pytest.raises(ModelError, match="cycle") as error:
        discover(tmp_path)
    for table in ("intermediate.a", "intermediate.b", "marts.c"):
        assert table in str(error.value)


def test_self_reference_is_a_cycle(tmp_path: Path) -> None:
    model = load_model(_write(tmp_path, "marts/a.sql", "select * from marts.a"), tmp_path)
    with pytest.raises(ModelError, match="cycle"):
        build_order([model])


def test_materialize_binds_parameters_and_counts_rows(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "marts/recent.sql",
        "-- One row per recent thing.\nselect * from staging.things where d <= $as_of",
    )
    model = load_model(path, tmp_path)
    con = duckdb.connect()
    con.execute("create schema staging")
    con.execute(
        "create table staging.things as select * from (values (date '2025-01-01'),"
        " (date '2025-02-01'), (date '2025-03-01')) v(d)"
    )
    assert materialize(con, model, {"as_of": date(2025, 2, 1), "unused": 1}) == 2
    assert con.execute("select count(*) from marts.recent").fetchone() == (2,)
    with pytest.raises(ModelError, match="no value"):
        materialize(con, model, {})


def test_project_models_build_in_order() -> None:
    models = discover()
    tables = [m.table for m in models]
    for model in models:
        assert model.description, f"{model.table} has no grain comment"
        for dep in model.deps:
            name = ".".join(dep)
            if name in tables:
                assert tables.index(name) < tables.index(model.table)
    assert {"marts.township_monthly", "marts.category_monthly", "marts.county_summary",
            "marts.repeat_petitioners", "marts.overdue_petitions"} <= set(tables)
