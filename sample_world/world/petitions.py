"""Petition events: what each township's 信访 office receives, and how each is handled.

Some petitions are about a dispute case the township numbered (the petitioner is its
first party); the rest are matters of their own. A matter may come back several times,
sometimes one level higher. Events are numbered per township and year in order of
receipt (`XF20240001`), as a township's 登记 book does.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sample_world.world.dispute_petitions import dispute_only_events
from sample_world.world.draws import SUMMARY, draw_category, draw_form
from sample_world.world.model import FORMS, LEVELS, Case, Event, TownshipInfo, World
from sample_world.world.months import month_end
from sample_world.world.persons import PersonPool


def simulate_events(
    world: World,
    t: TownshipInfo,
    pool: PersonPool,
    cases: list[Case],
    vocab: dict,
    used: dict[str, set],
) -> None:
    """Append township `t`'s petition events to the world, numbered in order of receipt.

    `used` is shared by all townships: the cases already petitioned about, the
    (person, category) matters, and the (person, day, form) keys, which must stay unique
    because they are how events without 信访编号 are told apart."""
    rng = random.Random(f"{world.seed}:{t.code}:petitions")
    end = world.end
    linkable = [c for c in cases if c.township == t.code] if t.has_case_no else []
    linkable.sort(key=lambda c: c.found)
    link_pos = 0
    recent: list[Case] = []
    seq_by_year: dict[int, int] = {}
    events: list[Event] = []

    for period in world.periods:
        last = month_end(period).day
        while link_pos < len(linkable) and linkable[link_pos].found <= month_end(period):
            recent.append(linkable[link_pos])
            link_pos += 1
        recent = recent[-60:]
        for _ in range(rng.randint(7, 17)):
            first = period.replace(day=rng.randint(1, last))
            linked: Case | None = None
            if recent and rng.random() < 0.3:
                cand = recent[rng.randrange(len(recent))]
                if cand.cid not in used["cases"] and cand.found <= first:
                    linked = cand
            if linked is not None:
                used["cases"].add(linked.cid)
                pid = linked.parties[0]
                category = linked.category
                matter: tuple[str, ...] = ("case", t.code, linked.case_no)
            else:
                pid = pool.pick(rng, t.code, 0.35)
                category = draw_category(rng)
                for _try in range(12):
                    if (pid, category) not in used["matters"]:
                        break
                    category = draw_category(rng)
                else:
                    pid = pool.new(t.code).pid
                used["matters"].add((pid, category))
                matter = ("person", str(pid), category)
            n = rng.choices((1, 2, 3, 4), weights=(74, 15, 7, 4))[0]
            days = [first]
            for _ in range(n - 1):
                days.append(days[-1] + timedelta(days=rng.randint(3, 75)))
            days = [d for d in days if d <= end]
            level_i = 0 if rng.random() < 0.93 else rng.choice((1, 1, 1, 2))
            group = rng.random() < 0.06
            village = rng.choice(t.villages)
            content = village + SUMMARY[category]
            shown_on_case = linked is not None and t.dispute_petitions
            for k, day in enumerate(days):
                if k and rng.random() < 0.4:
                    level_i = min(level_i + 1, 3)
                form = draw_form(rng)
                if level_i or group:
                    form = "visit" if rng.random() < 0.8 else form
                # (person, date, form) is the dedup key without 信访编号: keep it unique.
                while (pid, day, form) in used["events"]:
                    form = rng.choice(FORMS)
                used["events"].add((pid, day, form))
                if group:
                    if form == "visit":
                        count = 5 if rng.random() < 0.7 else rng.randint(6, 20)
                    else:
                        count = rng.randint(5, 40)
                else:
                    count = 1 if rng.random() < 0.8 else rng.randint(2, 4)
                delay = rng.randint(0, 15) if rng.random() < 0.9 else rng.randint(16, 20)
                accepted: date | None = day + timedelta(days=delay)
                if rng.random() < 0.02:
                    accepted = None
                extended = rng.random() < 0.1
                limit = 90 if extended else 60
                concluded = None
                if accepted is not None:
                    r = rng.random()
                    if r < 0.92:
                        concluded = accepted + timedelta(days=rng.randint(3, limit))
                    elif r < 0.98:
                        concluded = accepted + timedelta(days=rng.randint(limit + 1, limit + 30))
                if accepted is not None and accepted > end:
                    accepted = None
                if concluded is not None and concluded > end:
                    concluded = None
                meeting = None
                if k == 0 and rng.random() < 0.4:
                    meeting = day + timedelta(days=rng.choice((0, 1, 2, 3, 5, 7, 7, 8, 10)))
                    if meeting > end:
                        meeting = None
                seq_by_year[day.year] = seq_by_year.get(day.year, 0) + 1
                events.append(
                    Event(
                        eid=0,
                        township=t.code,
                        petition_no=f"XF{day.year}{seq_by_year[day.year]:04d}",
                        pid=pid,
                        day=day,
                        form=form,
                        people_count=count,
                        count_blank=count == 1 and rng.random() < 0.3,
                        level=LEVELS[level_i],
                        accepted=accepted,
                        concluded=concluded,
                        extended=extended,
                        linked_case_no=linked.case_no if linked else None,
                        meeting=meeting,
                        category=category,
                        matter=matter,
                        village=village,
                        content=content,
                        # the linked case's dispute rows show the matter's first petition
                        case_row=linked.cid if linked and shown_on_case and k == 0 else None,
                    )
                )
    if t.dispute_petitions:
        events.extend(dispute_only_events(world, t, cases, used))
    # Numbers follow the order of receipt, as a township's 登记 book does.
    events.sort(key=lambda e: (e.day, e.petition_no))
    seq_by_year.clear()
    for e in events:
        seq_by_year[e.day.year] = seq_by_year.get(e.day.year, 0) + 1
        e.petition_no = f"XF{e.day.year}{seq_by_year[e.day.year]:04d}"
        e.eid = len(world.events)
        world.events.append(e)
        if e.case_row is not None:
            world.case_events[e.case_row] = e.eid
