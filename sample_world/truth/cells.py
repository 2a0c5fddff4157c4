"""Per (township, month) numerator/denominator counters, and the figure row made of them.

Every item is counted once, into the cell of its month, so quarters, years and the county
are sums of cells and every computation is linear in the number of world items.
"""

from __future__ import annotations

from sample_world.truth.calc import limit_days, rate, run_month, yoy
from sample_world.world.model import Event, World

Cells = dict[tuple[str, int], dict[str, int]]  # (township code, month index) -> counters

COUNTERS = (
    "new",
    "resolved",
    "found_resolved",
    "open",
    "batches",
    "persons",
    "timely_num",
    "timely_den",
    "ontime_num",
    "ontime_den",
    "onetime_num",
    "onetime_den",
    "meet_num",
    "meet_den",
    "group",
    "escalated",
)


def township_cells(world: World, matters: dict[tuple, list[Event]]) -> Cells:
    """The counters of every township and month of the run (`matters`: from
    `calc.petition_matters`)."""
    cells = {
        (t.code, m): dict.fromkeys(COUNTERS, 0)
        for t in world.townships
        for m in range(world.months)
    }
    _count_cases(world, cells)
    _count_events(world, cells)
    _count_matters(world, cells, matters)
    return cells


def _count_cases(world: World, cells: Cells) -> None:
    n = world.months
    for c in world.cases:
        fm, rm = run_month(world, c.found), run_month(world, c.resolved)
        if fm is not None:
            cells[c.township, fm]["new"] += 1
            if c.resolved is not None:
                cells[c.township, fm]["found_resolved"] += 1
        if rm is not None:
            cells[c.township, rm]["resolved"] += 1
        first_open = fm if fm is not None else 0
        last_open = (rm - 1) if rm is not None else n - 1
        for k in range(first_open, last_open + 1):
            cells[c.township, k]["open"] += 1


def _count_events(world: World, cells: Cells) -> None:
    """Batches, persons and the per-event rates (acceptance within 15 days, conclusion
    within the limit); an event still waiting counts once its deadline passed by as_of."""
    as_of = world.as_of
    for e in world.events:
        m = run_month(world, e.day)
        if m is None:
            continue
        cell = cells[e.township, m]
        cell["batches"] += 1
        cell["persons"] += e.people_count
        cell["group"] += e.people_count >= 5
        cell["escalated"] += e.level != "county"
        if e.accepted is not None:
            cell["timely_den"] += 1
            cell["timely_num"] += (e.accepted - e.day).days <= 15
        elif (as_of - e.day).days > 15:
            cell["timely_den"] += 1
        limit = limit_days(e.extended)
        if e.concluded is not None and e.accepted is not None:
            cell["ontime_den"] += 1
            cell["ontime_num"] += (e.concluded - e.accepted).days <= limit
        elif e.accepted is not None and (as_of - e.accepted).days > limit:
            cell["ontime_den"] += 1


def _count_matters(world: World, cells: Cells, matters: dict[tuple, list[Event]]) -> None:
    """One-time resolution and first-visit meetings, counted in the month of the matter's
    first event."""
    for evs in matters.values():
        first = min(evs, key=lambda e: (e.day, e.eid))
        latest = max(evs, key=lambda e: (e.day, e.eid))
        first_m = run_month(world, first.day)
        # Only events inside the period are grouped into matters.
        assert first_m is not None
        cell = cells[first.township, first_m]
        if latest.concluded is not None:
            cell["onetime_den"] += 1
            cell["onetime_num"] += len(evs) == 1
        cell["meet_den"] += 1
        cell["meet_num"] += first.meeting is not None and 0 <= (first.meeting - first.day).days <= 7


def figure_row(head: dict, c: dict[str, int], prev: dict[str, int] | None) -> dict:
    """The figures of one cell (or a sum of cells) after `head`; `prev` is the same cell a
    year earlier, for the year-on-year changes."""
    return head | {
        "new_cases": c["new"],
        "resolved_cases": c["resolved"],
        "open_cases": c["open"],
        "resolution_rate": rate(c["found_resolved"], c["new"]),
        "petition_batches": c["batches"],
        "petition_persons": c["persons"],
        "yoy_batches_pct": yoy(c["batches"], prev["batches"] if prev else None),
        "yoy_persons_pct": yoy(c["persons"], prev["persons"] if prev else None),
        "timely_acceptance_rate": rate(c["timely_num"], c["timely_den"]),
        "on_time_conclusion_rate": rate(c["ontime_num"], c["ontime_den"]),
        "one_time_resolution_rate": rate(c["onetime_num"], c["onetime_den"]),
        "first_visit_meeting_rate": rate(c["meet_num"], c["meet_den"]),
        "group_petitions": c["group"],
        "escalated_petitions": c["escalated"],
    }
