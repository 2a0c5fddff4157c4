"""Truth of the repeat petitioners mart: one row per person with two or more petition
events, with their matters, levels and how many matters are still open."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sample_world.world.model import LEVELS, Event, World

REPEAT_COLUMNS = (
    "id_number",
    "name",
    "petition_events",
    "matters",
    "repeat_matters",
    "first_petition_date",
    "last_petition_date",
    "highest_level",
    "group_events",
    "open_matters",
    "is_repeat",
    "is_escalated",
)


def repeat_petitioners(world: World, matters: dict[tuple, list[Event]]) -> list[dict]:
    by_person: dict[int, list] = defaultdict(list)
    for e in world.events:
        by_person[e.pid].append(e)
    latest_concluded = {
        key: max(evs, key=lambda e: (e.day, e.eid)).concluded is not None
        for key, evs in matters.items()
    }
    rows = []
    for pid in sorted(by_person):
        evs = by_person[pid]
        if len(evs) < 2:
            continue
        person = world.persons[pid]
        per_matter: dict[tuple, set[date]] = defaultdict(set)
        for e in evs:
            per_matter[e.matter].add(e.day)
        repeat_matters = sum(1 for ds in per_matter.values() if len(ds) >= 2)
        rows.append(
            {
                "id_number": person.id18,
                "name": person.name,
                "petition_events": len(evs),
                "matters": len(per_matter),
                "repeat_matters": repeat_matters,
                "first_petition_date": min(e.day for e in evs).isoformat(),
                "last_petition_date": max(e.day for e in evs).isoformat(),
                "highest_level": LEVELS[max(LEVELS.index(e.level) for e in evs)],
                "group_events": sum(e.people_count >= 5 for e in evs),
                "open_matters": sum(not latest_concluded[k] for k in per_matter),
                "is_repeat": str(repeat_matters > 0).lower(),
                "is_escalated": str(any(e.level != "county" for e in evs)).lower(),
            }
        )
    return rows
