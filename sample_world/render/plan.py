"""Which real rows carry a warning: a corrupted ID (bad checksum, digits lost) or no phone.

Decided once for the whole world, before any row is rendered, so each warning lands on a
person the warehouse can still resolve from their other rows (DESIGN.md 4).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sample_world import idcards
from sample_world.layout.style import Style
from sample_world.render.listings import Listings, rendered_parties
from sample_world.world.model import World

Key = tuple[str, int, int]  # (template, entity id, month index)


@dataclass
class Plan:
    """Warnings injected on real rows (the world stays resolvable: see DESIGN.md 4)."""

    id_mode: dict[Key, str] = field(default_factory=dict)  # sole party's ID: checksum|lost
    bad_ids: dict[int, str] = field(default_factory=dict)
    phone_missing: set[Key] = field(default_factory=set)
    always_mobile: set[int] = field(default_factory=set)


def plan_warnings(
    world: World, lists: Listings, styles: dict[tuple[str, str], Style], seed: int
) -> Plan:
    """Pick the rows whose sole party gets a corrupted ID or no phone.

    A person whose ID is corrupted appears in at least one other row, always with their
    mobile (never only a landline), so name + mobile joins the ID elsewhere; phones go
    missing only for persons whose ID is always valid.
    """
    rng = random.Random(f"{seed}:warnings")
    total: dict[int, int] = {}
    sole: dict[int, list[Key]] = {}
    for t in world.townships:
        style = styles[t.code, "dispute"]
        for k, cids in enumerate(lists.dispute[t.code]):
            for cid in cids:
                parties = rendered_parties(world.cases[cid], style)
                for pid in parties:
                    total[pid] = total.get(pid, 0) + 1
                if len(parties) == 1:
                    sole.setdefault(parties[0], []).append(("dispute", cid, k))
        for k, eids in enumerate(lists.petition[t.code]):
            for eid in eids:
                pid = world.events[eid].pid
                total[pid] = total.get(pid, 0) + 1
                sole.setdefault(pid, []).append(("petition", eid, k))
    rows = sum(total.values())
    candidates = sorted(p for p in sole if total[p] >= 2)
    rng.shuffle(candidates)
    plan = Plan()
    want = {"checksum": max(2, rows // 5000), "lost": max(2, rows // 6000)}
    rest: list[int] = []
    for pid in candidates:
        person = world.persons[pid]
        if want["lost"] and idcards.loses_detectably(person.id18):
            mode = "lost"
        elif want["checksum"] and (bad := idcards.corrupt_checksum(rng, person.id18)):
            plan.bad_ids[pid] = bad
            mode = "checksum"
        else:
            rest.append(pid)
            continue
        want[mode] -= 1
        plan.id_mode[rng.choice(sole[pid])] = mode
        plan.always_mobile.add(pid)
    n_phone = max(3, rows // 4000)
    for pid in rest[:n_phone]:
        plan.phone_missing.add(rng.choice(sole[pid]))
    return plan
