"""Every mart figure equals the generator's truth, computed from the simulated world.

One small world (4 townships x 25 months: 同比 is defined for 13 of them) goes through the
whole nightly job once per module; each test then compares one mart (one figure per test
for township_monthly) with truth/*.csv as text, exactly.
"""

import csv
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.privacy import mask_name, person_key
from pipelines.reference.load import townships
from pipelines.runner import run_nightly
from sample_world import generate_samples
from tests.support import TEST_PII_KEY, World

pytestmark = pytest.mark.integration

TOWNSHIPS = ["莲峰", "北团", "姑田", "四堡"]
FIGURES = (
    "new_cases", "resolved_cases", "open_cases", "resolution_rate", "petition_batches",
    "petition_persons", "yoy_batches_pct", "yoy_persons_pct", "timely_acceptance_rate",
    "on_time_conclusion_rate", "one_time_resolution_rate", "first_visit_meeting_rate",
    "group_petitions", "escalated_petitions",
)


def _text(value: Any) -> str:
    """A mart value as the truth CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def _truth(world: World, name: str) -> list[dict[str, str]]:
    with (world.truth / f"{name}.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, Path]]:
    root = tmp_path_factory.mktemp("marts_world")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DISPUTES_PII_KEY", TEST_PII_KEY)
        generate_samples(root / "world", seed=11, months=25, townships=TOWNSHIPS)
        world = World(root / "world")
        outcome = run_nightly(home=root / "home", inbox=world.inbox, as_of=world.as_of)
        assert outcome.success, outcome.failure
        yield world, root / "home"


def _mart(home: Path, sql: str) -> list[dict[str, str]]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, map(_text, row), strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def _by(rows: list[dict[str, str]], *key: str) -> dict[tuple[str, ...], dict[str, str]]:
    out = {tuple(r[k] for k in key): r for r in rows}
    assert len(out) == len(rows), f"duplicate keys {key}"
    return out


def _assert_equal(truth: dict, mart: dict, columns: list[str]) -> None:
    assert sorted(mart) == sorted(truth)
    wrong = [
        (key, column, truth[key][column], mart[key][column])
        for key in sorted(truth)
        for column in columns
        if truth[key][column] != mart[key][column]
    ]
    assert not wrong, f"{len(wrong)} differences, first: {wrong[:5]}"


@pytest.mark.parametrize("figure", FIGURES)
def test_township_monthly_figure(built: tuple[World, Path], figure: str) -> None:
    world, home = built
    truth = _by(_truth(world, "township_monthly"), "month", "township_code")
    rows = _mart(home, "select * from marts.township_monthly")
    in_world = set(world.meta["townships"])
    mart = _by([r for r in rows if r["township_code"] in in_world], "month", "township_code")
    _assert_equal(truth, mart, [figure, "township_name"])


def test_township_monthly_has_every_township_with_zeros(built: tuple[World, Path]) -> None:
    world, home = built
    rows = _mart(home, "select * from marts.township_monthly")
    months = {r["month"] for r in _truth(world, "township_monthly")}
    assert {(r["month"], r["township_code"]) for r in rows} == {
        (m, t.code) for m in months for t in townships()
    }
    outside = [r for r in rows if r["township_code"] not in world.meta["townships"]]
    assert outside and all(
        r[f] in ("0", "") for r in outside for f in FIGURES
    ), "townships without registers have zeros and null rates"


def test_category_monthly(built: tuple[World, Path]) -> None:
    world, home = built
    key = ("month", "township_code", "category")
    truth = _by(_truth(world, "category_monthly"), *key)
    mart = _by(_mart(home, "select * from marts.category_monthly"), *key)
    _assert_equal(truth, mart, ["new_cases", "resolved_cases", "petition_batches",
                                "petition_persons"])


def test_county_summary(built: tuple[World, Path]) -> None:
    world, home = built
    truth = _by(_truth(world, "county_summary"), "year")
    mart = _by(_mart(home, "select * from marts.county_summary"), "year")
    _assert_equal(truth, mart, [*FIGURES, "repeat_petitioners"])


def test_repeat_petitioners(built: tuple[World, Path]) -> None:
    world, home = built
    secret = TEST_PII_KEY.encode()
    truth_rows = _truth(world, "repeat_petitioners")
    for row in truth_rows:
        row["person_key"] = person_key("id:" + row["id_number"], secret)
        row["name_masked"] = mask_name(row["name"])
    truth = _by(truth_rows, "person_key")
    mart = _by(_mart(home, "select * from marts.repeat_petitioners"), "person_key")
    columns = [c for c in truth_rows[0] if c not in ("id_number", "name", "person_key")]
    _assert_equal(truth, mart, columns)
    assert all(r["phone_masked"] and "****" in r["phone_masked"] for r in mart.values())


def test_overdue_petitions(built: tuple[World, Path]) -> None:
    world, home = built
    secret = TEST_PII_KEY.encode()
    truth_rows = _truth(world, "overdue_petitions")
    for row in truth_rows:
        row["person_key"] = person_key("id:" + row["id_number"], secret)
    key = ("township_code", "person_key", "petition_date", "stage")
    truth = _by(truth_rows, *key)
    mart = _by(
        _mart(home, "select * exclude (petition_no), coalesce(petition_no, '') as petition_no"
                    " from marts.overdue_petitions"),
        *key,
    )
    _assert_equal(truth, mart, ["petition_no", "deadline", "days_overdue"])
