"""Truth of the township monthly mart: one row per township per month of the run."""

from __future__ import annotations

from sample_world.truth.cells import Cells, figure_row
from sample_world.world.model import World

TOWNSHIP_MONTHLY_COLUMNS = (
    "month",
    "township_code",
    "township_name",
    "new_cases",
    "resolved_cases",
    "open_cases",
    "resolution_rate",
    "petition_batches",
    "petition_persons",
    "yoy_batches_pct",
    "yoy_persons_pct",
    "timely_acceptance_rate",
    "on_time_conclusion_rate",
    "one_time_resolution_rate",
    "first_visit_meeting_rate",
    "group_petitions",
    "escalated_petitions",
)


def township_monthly(world: World, cells: Cells) -> list[dict]:
    rows = []
    for m, period in enumerate(world.periods):
        for t in world.townships:
            counts = cells[t.code, m]
            prev = cells[t.code, m - 12] if m >= 12 else None
            rows.append(
                figure_row(
                    {"month": period.isoformat(), "township_code": t.code, "township_name": t.name},
                    counts,
                    prev,
                )
            )
    return rows
