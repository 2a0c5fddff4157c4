"""A re-run for a past as_of (a backfill) sees the warehouse as it stood then: registers
of later periods are left out of the models, earlier months keep their figures."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines.runner import run_nightly
from tests.support import World

pytestmark = pytest.mark.integration

PAST = date(2024, 7, 10)
# Figures of a month that depend only on that month's registers, not on as_of.
STABLE = "new_cases, petition_batches, petition_persons, group_petitions, escalated_petitions"


def _monthly(home: Path, before: date) -> list[tuple]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(
            f"select month, township_code, {STABLE} from marts.township_monthly"
            " where month < ? order by 1, 2",
            [before],
        ).fetchall()
    finally:
        con.close()


def test_past_as_of_ends_the_range_and_keeps_earlier_months(
    small_world: World, tmp_path: Path
) -> None:
    now_home, past_home = tmp_path / "now", tmp_path / "past"
    assert run_nightly(home=now_home, inbox=small_world.inbox, as_of=small_world.as_of).success
    assert run_nightly(home=past_home, inbox=small_world.inbox, as_of=PAST).success
    con = duckdb.connect(str(past_home / "warehouse.duckdb"), read_only=True)
    try:
        last_month, events_after = con.execute(
            "select (select max(month) from marts.township_monthly),"
            " (select count(*) from intermediate.petition_events where petition_date > ?)",
            [date(2024, 7, 31)],
        ).fetchone()
        later_rows = con.execute(
            "select count(*) from staging.petitions where period > ?", [PAST]
        ).fetchone()[0]
    finally:
        con.close()
    assert later_rows > 0  # the later registers are in the warehouse...
    assert last_month == date(2024, 7, 1)  # ...but not in the figures as of 2024-07-10
    assert events_after == 0
    past, now = _monthly(past_home, date(2024, 7, 1)), _monthly(now_home, date(2024, 7, 1))
    assert past and past == now
