"""Dispute cases: what each township finds month by month, and what became of them.

A township finds 15-40 disputes a month (plus a few carried over from before the first
month); most are resolved within weeks, some drag on and are reported unresolved, a few
stay open. Cases are numbered per township and year (`LF-2024-0001`).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sample_world import names
from sample_world.world.draws import (
    SUMMARY,
    UNKNOWN_CATEGORY_WORDS,
    draw_category,
    draw_category_word,
)
from sample_world.world.model import Case, TownshipInfo, World
from sample_world.world.months import month_end
from sample_world.world.persons import PersonPool

# Pinyin initials for the case-number prefix; other counties fall back to "ZZ".
_CASE_PREFIX = {
    "莲峰镇": "LF",
    "北团镇": "BT",
    "姑田镇": "GT",
    "朋口镇": "PK",
    "莒溪镇": "JX",
    "新泉镇": "XQ",
    "庙前镇": "MQ",
    "文亨镇": "WH",
    "四堡镇": "SB",
    "林坊镇": "LK",
    "隔川镇": "GC",
    "宣和镇": "XH",
    "揭乐乡": "JL",
    "塘前乡": "TQ",
    "罗坊乡": "LW",
    "曲溪乡": "QX",
    "赖源乡": "LY",
}


def simulate_cases(
    world: World, t: TownshipInfo, pool: PersonPool, vocab: dict, used_keys: set
) -> None:
    """Append township `t`'s cases to the world. `used_keys` is shared by all townships:
    (township, first party, category, found date) stays unique, as it is the case key of
    a register without 编号."""
    rng = random.Random(f"{world.seed}:{t.code}:cases")
    prefix = t.case_prefix or _CASE_PREFIX.get(t.name, "ZZ")
    seq_by_year: dict[int, int] = {}
    end = world.end

    def make(found: date, carried: bool) -> None:
        seq_by_year[found.year] = seq_by_year.get(found.year, 0) + 1
        case_no = f"{prefix}-{found.year}-{seq_by_year[found.year]:04d}"
        n_parties = rng.choices((1, 2, 3), weights=(70, 22, 8))[0]
        parties: list[int] = []
        while len(parties) < n_parties:
            pid = pool.pick(rng, t.code, 0.3)
            if pid not in parties:
                parties.append(pid)
        category = draw_category(rng)
        # Without 编号 the case key is (township, first party, category, found date).
        while (t.code, parties[0], category, found) in used_keys:
            category = draw_category(rng)
        used_keys.add((t.code, parties[0], category, found))
        word = draw_category_word(rng, category, vocab)
        if category == "其他" and rng.random() < 0.05:
            word = rng.choice(UNKNOWN_CATEGORY_WORDS)
        u = rng.random()
        unresolved_from = None
        resolved: date | None
        if carried:
            resolved = world.start + timedelta(days=rng.randrange(0, 200))
            if rng.random() < 0.3:
                resolved = None
            unresolved_from = found + timedelta(days=rng.randint(45, 90))
        elif u < 0.88:
            resolved = found + timedelta(days=int(rng.triangular(0, 90, 15)))
        elif u < 0.95:
            resolved = found + timedelta(days=rng.randint(91, 400))
            unresolved_from = found + timedelta(days=rng.randint(60, 90))
        else:
            resolved = None
            unresolved_from = found + timedelta(days=rng.randint(30, 120))
        if resolved is not None and resolved > end:
            resolved = None
        known = True
        if resolved is not None and rng.random() < 0.004:
            # Resolved, but the register never says when: the effective date is the last
            # day of the (only) register that reports it resolved.
            resolved, known = month_end(resolved), False
        village = rng.choice(t.villages)
        world.cases.append(
            Case(
                cid=len(world.cases),
                township=t.code,
                case_no=case_no,
                category=category,
                category_word=word,
                parties=parties,
                found=found,
                resolved=resolved,
                resolved_known=known,
                unresolved_from=unresolved_from,
                risk=rng.choices(("high", "medium", "low"), weights=(5, 25, 70))[0],
                people_count=max(n_parties, rng.choice((1, 2, 2, 3, 4, 6, 10))),
                village=village,
                summary=village + SUMMARY[category],
                unit=rng.choice(
                    (f"{t.name}司法所", f"{village}委会", f"{t.name}派出所", f"{t.name}综治中心")
                ),
                leader=names.leader(rng),
                measures=rng.choice(
                    ("调解", "多次上门调解", "依法引导诉讼", "联合调处", "说服教育", "/")
                ),
            )
        )

    for _ in range(rng.randint(4, 8)):
        found = world.start - timedelta(days=rng.randint(20, 300))
        make(found, carried=True)
    for period in world.periods:
        last = month_end(period).day
        days = sorted(rng.randint(1, last) for _ in range(rng.randint(15, 40)))
        for d in days:
            make(period.replace(day=d), carried=False)
