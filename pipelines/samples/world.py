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

import calendar
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from pipelines.reference import load
from pipelines.samples import idcards, names
from pipelines.samples.layout import NO_NUMBER_SLOTS, slot

LEVELS = ("county", "city", "province", "capital")
FORMS = ("online", "letter", "phone", "fax", "visit")
_FORM_WEIGHTS = (30, 15, 17, 3, 35)
_CATEGORY_WEIGHTS = {
    "婚姻家庭": 14,
    "邻里纠纷": 18,
    "土地山林": 20,
    "征地拆迁": 6,
    "劳动社保": 9,
    "医疗卫生": 3,
    "交通事故": 6,
    "物业管理": 3,
    "合同债务": 10,
    "环境保护": 3,
    "涉法涉诉": 3,
    "其他": 5,
}
# Category words no vocab list knows: rendered for a few 其他 cases (category_unknown).
UNKNOWN_CATEGORY_WORDS = ("水利设施纠纷", "宗族祠堂纠纷", "殡葬习俗纠纷", "电商消费纠纷")
_MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "157",
    "158",
    "159",
    "166",
    "173",
    "176",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "198",
    "199",
)
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


# Townships (by position in the run) whose dispute register carries petition columns for
# the disputes that were also petitioned: the first three cover case numbers with and
# without 信访编号 and a register without 编号, so a 3-township test world sees every kind.
DISPUTE_PETITION_POSITIONS = frozenset({0, 1, 2, 9})
# Share of a such township's cases petitioned only through the dispute register.
DISPUTE_ONLY_SHARE = 0.08


def month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, 1)


def month_index(d: date, start: date) -> int:
    return (d.year - start.year) * 12 + d.month - start.month


@dataclass(slots=True)
class Person:
    pid: int
    name: str
    id18: str
    mobile: str
    landline: str | None
    home: str
    old_form: bool  # born 19xx and sometimes written with the 15-digit ID


@dataclass(slots=True)
class Case:
    cid: int
    township: str
    case_no: str
    category: str
    category_word: str
    parties: list[int]
    found: date
    resolved: date | None  # effective resolved date (see resolved_known)
    resolved_known: bool  # False: resolved, but the register never gives the date
    unresolved_from: date | None
    risk: str
    people_count: int
    village: str
    summary: str
    unit: str
    leader: str
    measures: str


@dataclass(slots=True)
class Event:
    eid: int
    township: str
    petition_no: str
    pid: int
    day: date
    form: str
    people_count: int
    count_blank: bool
    level: str
    accepted: date | None
    concluded: date | None
    extended: bool
    linked_case_no: str | None
    meeting: date | None
    category: str
    matter: tuple[str, ...]
    village: str
    content: str
    # The case whose dispute register rows carry this event in their petition columns
    # (a dispute that was also petitioned), and whether the petition register lists it too.
    case_row: int | None = None
    in_petition_register: bool = True


@dataclass(slots=True)
class TownshipInfo:
    index: int  # position in this run's township list: register habits follow it
    code: str
    name: str
    aliases: tuple[str, ...]
    villages: list[str]
    has_case_no: bool
    has_petition_no: bool
    dispute_petitions: bool = False  # its dispute register carries petition columns


@dataclass
class World:
    seed: int
    start: date
    months: int
    periods: list[date]
    end: date
    as_of: date
    townships: list[TownshipInfo]
    persons: list[Person] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    case_events: dict[int, int] = field(default_factory=dict)  # case id -> event on its rows


class _PersonPool:
    """Lazily created persons with unique IDs and mobiles, and reuse across registers."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"{seed}:persons")
        self.persons: list[Person] = []
        self.by_home: dict[str, list[int]] = {}
        self.ids: set[str] = set()
        self.phones: set[str] = set()

    def _mobile(self) -> str:
        while True:
            m = self.rng.choice(_MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if m not in self.phones:
                self.phones.add(m)
                return m

    def _landline(self) -> str:
        while True:
            m = f"0597-{self.rng.choice('58')}{self.rng.randrange(10**6):06d}"
            if m not in self.phones:
                self.phones.add(m)
                return m

    def new(self, home: str) -> Person:
        rng = self.rng
        while True:
            birth = date(rng.randint(1940, 2000), 1, 1) + timedelta(days=rng.randrange(365))
            female = rng.random() < 0.45
            id18 = idcards.make_id(rng, birth, female)
            # Valid by construction (area code matches the birth year; the unit tests
            # check every ID with stdnum), so no per-person validation cost here.
            if id18 not in self.ids:
                break
        self.ids.add(id18)
        p = Person(
            pid=len(self.persons),
            name=names.person_name(rng),
            id18=id18,
            mobile=self._mobile(),
            landline=self._landline() if rng.random() < 0.08 else None,
            home=home,
            old_form=birth.year < 2000 and rng.random() < 0.06,
        )
        self.persons.append(p)
        self.by_home.setdefault(home, []).append(p.pid)
        return p

    def pick(self, rng: random.Random, home: str, reuse: float) -> int:
        """A person for a register of `home`: often someone already known (a neighbour in
        another case, a petitioner who is also a dispute party), sometimes from elsewhere."""
        if self.persons and rng.random() < reuse:
            if rng.random() < 0.1:
                return rng.randrange(len(self.persons))
            local = self.by_home.get(home)
            if local:
                return local[rng.randrange(len(local))]
        return self.new(home).pid


def _category(rng: random.Random) -> str:
    cats = list(_CATEGORY_WEIGHTS)
    return rng.choices(cats, weights=list(_CATEGORY_WEIGHTS.values()))[0]


def _category_word(rng: random.Random, category: str, vocab: dict) -> str:
    words = vocab["category"][category]
    return category if rng.random() < 0.75 else rng.choice(words)


_SUMMARY = {
    "婚姻家庭": "因赡养老人问题发生争执",
    "邻里纠纷": "因房屋滴水、通道问题引发纠纷",
    "土地山林": "因山林权属界址不清引发纠纷",
    "征地拆迁": "对征收补偿标准有异议",
    "劳动社保": "反映工程款、工资被拖欠",
    "医疗卫生": "对诊疗结果有异议",
    "交通事故": "交通事故赔偿未达成一致",
    "物业管理": "对物业收费有异议",
    "合同债务": "民间借贷到期未还",
    "环境保护": "反映养殖场污染",
    "涉法涉诉": "对判决执行有异议",
    "其他": "其他矛盾纠纷",
}


def _simulate_cases(
    world: World, t: TownshipInfo, pool: _PersonPool, vocab: dict, used_keys: set
) -> None:
    rng = random.Random(f"{world.seed}:{t.code}:cases")
    prefix = _CASE_PREFIX.get(t.name, "ZZ")
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
        category = _category(rng)
        # Without 编号 the case key is (township, first party, category, found date).
        while (t.code, parties[0], category, found) in used_keys:
            category = _category(rng)
        used_keys.add((t.code, parties[0], category, found))
        word = _category_word(rng, category, vocab)
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
                summary=village + _SUMMARY[category],
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


def _simulate_events(
    world: World,
    t: TownshipInfo,
    pool: _PersonPool,
    cases: list[Case],
    vocab: dict,
    used: dict[str, set],
) -> None:
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
                category = _category(rng)
                for _try in range(12):
                    if (pid, category) not in used["matters"]:
                        break
                    category = _category(rng)
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
            content = village + _SUMMARY[category]
            shown_on_case = linked is not None and t.dispute_petitions
            for k, day in enumerate(days):
                if k and rng.random() < 0.4:
                    level_i = min(level_i + 1, 3)
                form = rng.choices(FORMS, weights=_FORM_WEIGHTS)[0]
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
        events.extend(_dispute_only_events(world, t, cases, used))
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


def _dispute_only_events(
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
        form = rng.choices(FORMS, weights=_FORM_WEIGHTS)[0]
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


def resolve_townships(selected: list[str] | None) -> list[load.Township]:
    """Reference townships for names, aliases or codes (all of them when None)."""
    ref = load.townships()
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


def build_world(*, seed: int, start: str, months: int, townships: list[str] | None = None) -> World:
    """Simulate the county for `months` months from `start` ("YYYY-MM")."""
    if months < 1:
        raise ValueError("months must be >= 1")
    y, m = (int(x) for x in start.split("-")[:2])
    first = date(y, m, 1)
    periods = [add_months(first, i) for i in range(months)]
    end = month_end(periods[-1])
    as_of = add_months(periods[-1], 1).replace(day=load.county().get("register_due_day", 5))
    infos: list[TownshipInfo] = []
    for i, t in enumerate(resolve_townships(townships)):
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
    )
    vocab = load.vocab()
    pool = _PersonPool(seed)
    used_case_keys: set = set()
    for info in infos:
        _simulate_cases(world, info, pool, vocab, used_case_keys)
    used: dict[str, set] = {"cases": set(), "matters": set(), "events": set()}
    for info in infos:
        _simulate_events(world, info, pool, world.cases, vocab, used)
    world.persons = pool.persons
    return world
