"""Truth of the category monthly mart: one row per month, township and category that had
any case found or resolved, or any petition received."""

from __future__ import annotations

from collections import defaultdict

from sample_world.truth.calc import run_month
from sample_world.world.model import World

CATEGORY_COLUMNS = (
    "month",
    "township_code",
    "category",
    "new_cases",
    "resolved_cases",
    "petition_batches",
    "petition_persons",
)


def category_monthly(world: World) -> list[dict]:
    # (month, township, category) -> new cases, resolved cases, batches, persons
    cat: dict[tuple[int, str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for c in world.cases:
        fm, rm = run_month(world, c.found), run_month(world, c.resolved)
        if fm is not None:
            cat[fm, c.township, c.category][0] += 1
        if rm is not None:
            cat[rm, c.township, c.category][1] += 1
    for e in world.events:
        m = run_month(world, e.day)
        if m is None:
            continue
        cat[m, e.township, e.category][2] += 1
        cat[m, e.township, e.category][3] += e.people_count
    return [
        {
            "month": world.periods[m].isoformat(),
            "township_code": code,
            "category": name,
            "new_cases": v[0],
            "resolved_cases": v[1],
            "petition_batches": v[2],
            "petition_persons": v[3],
        }
        for (m, code, name), v in sorted(cat.items())
        if any(v)
    ]
