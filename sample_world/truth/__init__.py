"""Expected figures (DESIGN.md section 5) computed from the simulated world, and the
writing of every truth file.

Never from the rendered sheets: the point of the truth files is to check that the
warehouse recovers the world through all the mess. Each mart has its module; the shared
per (township, month) counters are in `cells`. The lineage files (files, rows, issues)
are collected by `lineage` as `generate_samples` writes the inbox.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sample_world.truth.calc import petition_matters
from sample_world.truth.category_monthly import CATEGORY_COLUMNS, category_monthly
from sample_world.truth.cells import township_cells
from sample_world.truth.county_summary import COUNTY_COLUMNS, county_summary
from sample_world.truth.overdue_petitions import OVERDUE_COLUMNS, overdue_petitions
from sample_world.truth.repeat_petitioners import REPEAT_COLUMNS, repeat_petitioners
from sample_world.truth.township_monthly import TOWNSHIP_MONTHLY_COLUMNS, township_monthly
from sample_world.world.model import World


def compute(world: World) -> dict[str, list[dict]]:
    """The rows of every figure truth file, by mart."""
    matters = petition_matters(world)
    cells = township_cells(world, matters)
    return {
        "township_monthly": township_monthly(world, cells),
        "category_monthly": category_monthly(world),
        "county_summary": county_summary(world, cells),
        "repeat_petitioners": repeat_petitioners(world, matters),
        "overdue_petitions": overdue_petitions(world),
    }


def write_csv(path: Path, rows: list[dict], columns: tuple[str, ...] | list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(columns), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def write_figures(truth: Path, world: World) -> dict[str, int]:
    figs = compute(world)
    write_csv(truth / "township_monthly.csv", figs["township_monthly"], TOWNSHIP_MONTHLY_COLUMNS)
    write_csv(truth / "category_monthly.csv", figs["category_monthly"], CATEGORY_COLUMNS)
    write_csv(truth / "county_summary.csv", figs["county_summary"], COUNTY_COLUMNS)
    write_csv(truth / "repeat_petitioners.csv", figs["repeat_petitioners"], REPEAT_COLUMNS)
    write_csv(truth / "overdue_petitions.csv", figs["overdue_petitions"], OVERDUE_COLUMNS)
    return {k: len(v) for k, v in figs.items()}
