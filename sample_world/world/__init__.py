"""The simulated world: persons, dispute cases and petition events of a county.

The world is simulated first and rendered second, so that the truth files are computed
from facts and never from the (deliberately messy) sheets. The world only knows what
happened up to the end of its last month: later dates are None, as a register submitted by
the 5th of the next month cannot report the future.

Randomness: one `random.Random` per township and purpose, seeded from the run seed and the
township code, so one township's data does not depend on the order townships are visited.
Persons are a shared pool (people petition in several townships); it is filled lazily in a
fixed township order, which keeps the whole world a pure function of its arguments.
"""

from __future__ import annotations

import random
from datetime import date

from pipelines.reference import load
from sample_world import names
from sample_world.layout.habits import NO_NUMBER_SLOTS, slot
from sample_world.world.cases import simulate_cases
from sample_world.world.model import TownshipInfo, World
from sample_world.world.months import add_months, month_end
from sample_world.world.persons import PersonPool
from sample_world.world.petitions import simulate_events
from sample_world.world.reference import CountyRef

# Townships (by position in the run) whose dispute register carries petition columns for
# the disputes that were also petitioned: the first three cover case numbers with and
# without 信访编号 and a register without 编号, so a 3-township test world sees every kind.
DISPUTE_PETITION_POSITIONS = frozenset({0, 1, 2, 9})


def resolve_townships(
    selected: list[str] | None, ref: tuple[load.Township, ...] | None = None
) -> list[load.Township]:
    """Reference townships (`ref`, default the deployed county's) for names, aliases or
    codes (all of them when None)."""
    ref = load.townships() if ref is None else ref
    if not selected:
        return list(ref)
    out: list[load.Township] = []
    for s in selected:
        s = s.strip()
        hit = next((t for t in ref if s in (t.code, t.code[-3:], t.name) or s in t.aliases), None)
        if hit is None:
            raise ValueError(f"unknown township: {s}")
        if hit not in out:
            out.append(hit)
    return sorted(out, key=lambda t: ref.index(t))


def build_world(
    *,
    seed: int,
    start: str,
    months: int,
    townships: list[str] | None = None,
    county: CountyRef | None = None,
) -> World:
    """Simulate the county (default the deployed one) for `months` months from `start`
    ("YYYY-MM")."""
    county = county or CountyRef.deployed()
    if months < 1:
        raise ValueError("months must be >= 1")
    y, m = (int(x) for x in start.split("-")[:2])
    first = date(y, m, 1)
    periods = [add_months(first, i) for i in range(months)]
    end = month_end(periods[-1])
    as_of = add_months(periods[-1], 1).replace(day=county.register_due_day)
    infos: list[TownshipInfo] = []
    for i, t in enumerate(resolve_townships(townships, county.townships)):
        infos.append(
            TownshipInfo(
                index=i,
                code=t.code,
                name=t.name,
                aliases=t.aliases,
                villages=names.villages(random.Random(f"{seed}:{t.code}:villages")),
                has_case_no=slot(i, "dispute") % 34 not in NO_NUMBER_SLOTS,
                has_petition_no=slot(i, "petition") % 34 not in NO_NUMBER_SLOTS,
                dispute_petitions=i in DISPUTE_PETITION_POSITIONS,
                case_prefix=county.case_prefixes.get(t.code),
            )
        )
    world = World(
        seed=seed,
        start=first,
        months=months,
        periods=periods,
        end=end,
        as_of=as_of,
        townships=infos,
        id_area=county.id_area,
    )
    vocab = load.vocab()
    pool = PersonPool(seed, county.id_area, county.landline_prefix)
    used_case_keys: set = set()
    for info in infos:
        simulate_cases(world, info, pool, vocab, used_case_keys)
    used: dict[str, set] = {"cases": set(), "matters": set(), "events": set()}
    for info in infos:
        simulate_events(world, info, pool, world.cases, vocab, used)
    world.persons = pool.persons
    return world
