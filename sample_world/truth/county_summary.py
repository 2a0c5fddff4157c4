"""Truth of the county summary mart: one row per calendar year of the run, the sum of
every township's months (open cases: as at the year's last month), with the persons who
had become repeat petitioners by the year's end."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sample_world.truth.cells import COUNTERS, Cells, figure_row
from sample_world.truth.township_monthly import TOWNSHIP_MONTHLY_COLUMNS
from sample_world.world.model import World

COUNTY_COLUMNS = ("year",) + TOWNSHIP_MONTHLY_COLUMNS[3:] + ("repeat_petitioners",)


def _repeat_dates(world: World) -> dict[int, date]:
    """Per person, the day they became a repeat petitioner (second distinct day on one
    matter)."""
    days: dict[tuple, set[date]] = defaultdict(set)
    for e in world.events:
        days[e.pid, e.matter].add(e.day)
    out: dict[int, date] = {}
    for (pid, _), ds in days.items():
        if len(ds) >= 2:
            second = sorted(ds)[1]
            if pid not in out or second < out[pid]:
                out[pid] = second
    return out


def county_summary(world: World, cells: Cells) -> list[dict]:
    years = sorted({p.year for p in world.periods})
    codes = [t.code for t in world.townships]
    per_year: dict[int, dict[str, int]] = {}
    repeat = _repeat_dates(world)
    rows = []
    for y in years:
        ms = [m for m, p in enumerate(world.periods) if p.year == y]
        total = dict.fromkeys(COUNTERS, 0)
        for code in codes:
            for m in ms:
                for k, v in cells[code, m].items():
                    if k != "open":
                        total[k] += v
            total["open"] += cells[code, ms[-1]]["open"]
        per_year[y] = total
        prev = per_year.get(y - 1)
        row = figure_row({"year": y}, total, prev)
        row["repeat_petitioners"] = sum(1 for d in repeat.values() if d <= date(y, 12, 31))
        rows.append(row)
    return rows
