"""Which world items each monthly register lists, and which of a case's parties it shows.

A case is listed from the month it was found to the month it was resolved (or the last
month); a petition event from its day to its conclusion. Events recorded only in a
dispute's petition columns are not listed by the petition register.
"""

from __future__ import annotations

from dataclasses import dataclass

from sample_world.layout.style import Style
from sample_world.world.model import Case, World
from sample_world.world.months import month_index


@dataclass
class Listings:
    """Per township: the case ids and event ids each month's register lists."""

    dispute: dict[str, list[list[int]]]
    petition: dict[str, list[list[int]]]


def listings(world: World) -> Listings:
    n = world.months
    dis: dict[str, list[list[int]]] = {t.code: [[] for _ in range(n)] for t in world.townships}
    pet: dict[str, list[list[int]]] = {t.code: [[] for _ in range(n)] for t in world.townships}
    for c in world.cases:
        first = max(month_index(c.found, world.start), 0)
        last = month_index(c.resolved, world.start) if c.resolved else n - 1
        for k in range(first, last + 1):
            dis[c.township][k].append(c.cid)
    for e in world.events:
        if not e.in_petition_register:
            continue  # recorded only in its dispute's rows
        first = month_index(e.day, world.start)
        last = month_index(e.concluded, world.start) if e.concluded else n - 1
        for k in range(first, last + 1):
            pet[e.township][k].append(e.eid)
    for by_month in dis.values():
        for ids in by_month:
            ids.sort(key=lambda cid: (world.cases[cid].found, cid))
    for by_month in pet.values():
        for ids in by_month:
            ids.sort(key=lambda eid: (world.events[eid].day, eid))
    return Listings(dis, pet)


def rendered_parties(case: Case, style: Style) -> list[int]:
    """The parties a dispute register shows: all of them, or only the first where the
    office writes one party per row."""
    return case.parties if style.multi_party else case.parties[:1]
