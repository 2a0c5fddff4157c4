"""Disputes petitioned where only the dispute register records it (its petition columns).

Some townships' dispute registers carry petition columns; a share of their cases are
petitioned without the petition register ever listing the event. Those events are made
here, after the township's petition-register events, from a random stream of their own.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sample_world.world.draws import draw_form
from sample_world.world.model import FORMS, LEVELS, Case, Event, TownshipInfo, World
from sample_world.world.months import month_end

# Share of a such township's cases petitioned only through the dispute register.
DISPUTE_ONLY_SHARE = 0.08


def dispute_only_events(
    world: World, t: TownshipInfo, cases: list[Case], used: dict[str, set]
) -> list[Event]:
    """Disputes petitioned where only the dispute register records it (its petition
    columns): one event per chosen case, dated while the case is still listed, and known
    only as far as the case's last listed row reports (later dates are None), so the
    world and the registers agree. people_count is the dispute's 涉及人数."""
    rng = random.Random(f"{world.seed}:{t.code}:dispute-petitions")
    end = world.end
    out: list[Event] = []
    for case in cases:
        if case.township != t.code or case.cid in used["cases"]:
            continue
        if rng.random() >= DISPUTE_ONLY_SHARE:
            continue
        last_shown = month_end(case.resolved) if case.resolved else end
        day = max(case.found, world.start) + timedelta(days=rng.randint(0, 30))
        if day > last_shown:
            continue
        pid = case.parties[0]
        matter: tuple[str, ...]
        if t.has_case_no:
            matter = ("case", t.code, case.case_no)
        else:
            if (pid, case.category) in used["matters"]:
                continue
            used["matters"].add((pid, case.category))
            matter = ("person", str(pid), case.category)
        form = draw_form(rng)
        while (pid, day, form) in used["events"]:
            form = rng.choice(FORMS)
        used["events"].add((pid, day, form))
        used["cases"].add(case.cid)

        def shown(d: date | None, last: date = last_shown) -> date | None:
            return d if d is not None and d <= last else None

        accepted = shown(day + timedelta(days=rng.randint(0, 18)))
        extended = rng.random() < 0.1
        limit = 90 if extended else 60
        concluded = None
        if accepted is not None and rng.random() < 0.93:
            concluded = shown(accepted + timedelta(days=rng.randint(3, limit + 20)))
        meeting = None
        if rng.random() < 0.4:
            meeting = shown(day + timedelta(days=rng.choice((0, 2, 5, 7, 9))))
        out.append(
            Event(
                eid=0,
                township=t.code,
                petition_no="",
                pid=pid,
                day=day,
                form=form,
                people_count=case.people_count,
                count_blank=False,
                level=LEVELS[0] if rng.random() < 0.9 else rng.choice(LEVELS[1:]),
                accepted=accepted,
                concluded=concluded,
                extended=extended,
                linked_case_no=case.case_no if t.has_case_no else None,
                meeting=meeting,
                category=case.category,
                matter=matter,
                village=case.village,
                content=case.summary,
                case_row=case.cid,
                in_petition_register=False,
            )
        )
    return out
