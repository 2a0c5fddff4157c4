"""Turn the world into registers: which items each monthly register lists, how each row
reads, which rows carry injected problems, and the files a township sends.

A register for month M lists what was found/received in M plus what was still open at
the start of M, each row a snapshot as of M's end. Everything row-level is decided by an
RNG seeded with (seed, township, template, month), so a file's bytes do not depend on
which other files were produced before it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from pipelines.samples import idcards, mess, names
from pipelines.samples.layout import DataRow, SheetSpec, Style, place, text_sheet
from pipelines.samples.mess import Cell
from pipelines.samples.world import Case, Event, TownshipInfo, World, month_end, month_index

Key = tuple[str, int, int]  # (template, entity id, month index)


@dataclass
class FileSpec:
    path: str  # relative to inbox/, posix
    fmt: str
    sheets: list[SheetSpec]
    report_date: date
    township_code: str
    template: str
    period: date
    status: str = "loaded"
    reason_kind: str = ""
    mtime_shift_hours: int = 0


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


@dataclass
class Plan:
    """Warnings injected on real rows (the world stays resolvable: see DESIGN.md 4)."""

    id_mode: dict[Key, str] = field(default_factory=dict)  # sole party's ID: checksum|lost
    bad_ids: dict[int, str] = field(default_factory=dict)
    phone_missing: set[Key] = field(default_factory=set)
    always_mobile: set[int] = field(default_factory=set)


def rendered_parties(case: Case, style: Style) -> list[int]:
    return case.parties if style.multi_party else case.parties[:1]


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


class Renderer:
    """Renders world items (and noise rows) into DataRows for one world."""

    def __init__(self, world: World, plan: Plan, styles: dict[tuple[str, str], Style]) -> None:
        self.world = world
        self.plan = plan
        self.styles = styles
        self.world_ids = {p.id18 for p in world.persons}
        self.world_phones = {p.mobile for p in world.persons}
        self.noise_seq: dict[str, int] = {}
        self.prefix = {c.township: c.case_no.split("-")[0] for c in world.cases}

    # -- parties ---------------------------------------------------------------------
    def _parties(self, pids: list[int], key: Key, rng: random.Random, row: DataRow) -> None:
        persons = [self.world.persons[p] for p in pids]
        cells = row.cells
        if len(persons) > 1:
            cells["party_name"] = mess.text("、".join(p.name for p in persons))
            cells["id_number"] = mess.text(
                "、".join(mess.id_text(rng, p.id18, p.old_form) for p in persons)
            )
            cells["phone"] = mess.text(
                "、".join(mess.phone_text(rng, p.mobile, None, True) for p in persons)
            )
            return
        p = persons[0]
        cells["party_name"] = mess.text(p.name)
        mode = self.plan.id_mode.get(key)
        if mode == "checksum":
            cells["id_number"] = mess.text(self.plan.bad_ids[p.pid])
            row.issues.append(("id_number", "id_checksum", "warning"))
        elif mode == "lost":
            cells["id_number"] = mess.lost_id_cell(p.id18)
            row.issues.append(("id_number", "id_lost_precision", "warning"))
        else:
            cells["id_number"] = mess.text(mess.id_text(rng, p.id18, p.old_form))
        if key in self.plan.phone_missing:
            cells["phone"] = mess.blank(rng, 0.5)
            row.issues.append(("phone", "phone_missing", "warning"))
        else:
            plain = p.pid in self.plan.always_mobile
            cells["phone"] = mess.text(mess.phone_text(rng, p.mobile, p.landline, plain))

    def _township(self, t: TownshipInfo, rng: random.Random) -> Cell:
        return mess.text(t.name if rng.random() < 0.8 else rng.choice(t.aliases or (t.name,)))

    def _date(self, d: date | None, period: date, style: Style, rng: random.Random) -> Cell:
        return mess.date_cell(d, period, style.date_forms, style.date_weights, rng)

    # -- dispute ---------------------------------------------------------------------
    def case_row(
        self, case: Case, k: int, t: TownshipInfo, style: Style, rng: random.Random
    ) -> DataRow:
        period = self.world.periods[k]
        snap = month_end(period)
        row = DataRow(cells={})
        cells = row.cells
        no = case.case_no
        cells["case_no"] = mess.text(mess.fullwidth(no) if rng.random() < 0.03 else no)
        cells["township"] = self._township(t, rng)
        cells["village"] = mess.text(case.village)
        cells["category"] = mess.text(case.category_word)
        if case.category_word not in _known_category_words():
            row.issues.append(("category", "category_unknown", "warning"))
        self._parties(rendered_parties(case, style), ("dispute", case.cid, k), rng, row)
        cells["people_count"] = ("n", case.people_count)
        cells["summary"] = mess.text(case.summary)
        cells["found_date"] = self._date(case.found, period, style, rng)
        cells["responsible_unit"] = mess.text(case.unit)
        cells["leader"] = mess.text(case.leader)
        cells["measures"] = mess.text(case.measures)
        if case.resolved is not None and case.resolved <= snap:
            status = "resolved"
        elif case.unresolved_from is not None and snap >= case.unresolved_from:
            status = "unresolved"
        else:
            status = "in_progress"
        yes_no = any("是否" in c.header for c in style.columns if c.field == "status")
        cells["status"] = mess.text(mess.status_word(rng, status, yes_no))
        if status == "resolved" and not case.resolved_known:
            cells["resolved_date"] = mess.blank(rng, 0.3)
            row.issues.append(("resolved_date", "resolved_without_date", "warning"))
        else:
            cells["resolved_date"] = self._date(
                case.resolved if status == "resolved" else None, period, style, rng
            )
        cells["risk_level"] = mess.text(mess.risk_word(rng, case.risk))
        cells["remarks"] = (
            mess.text("重点关注")
            if case.risk == "high" and rng.random() < 0.5
            else mess.blank(rng, 0.1)
        )
        eid = self.world.case_events.get(case.cid)
        if eid is not None and t.dispute_petitions:
            self._case_petition(self.world.events[eid], period, t, style, rng, row)
        return row

    def _case_petition(
        self,
        ev: Event,
        period: date,
        t: TownshipInfo,
        style: Style,
        rng: random.Random,
        row: DataRow,
    ) -> None:
        """The petition columns of a petitioned case's row: blank until the petition is
        made, then the event as known at the register's month end."""
        snap = month_end(period)
        if ev.day > snap:
            return
        rng = random.Random(f"{self.world.seed}:{ev.eid}:{period}")  # keeps the row's stream

        def known(d: date | None) -> date | None:
            return d if d is not None and d <= snap else None

        cells = row.cells
        if t.has_petition_no:
            cells["petition_no"] = mess.text(ev.petition_no)
        cells["petition_date"] = self._date(ev.day, period, style, rng)
        cells["form"] = mess.text(mess.form_word(rng, ev.form))
        cells["level"] = mess.text(mess.LEVEL_WORDS[ev.level])
        accepted = known(ev.accepted)
        cells["accepted_date"] = self._date(accepted, period, style, rng)
        cells["concluded_date"] = self._date(known(ev.concluded), period, style, rng)
        if ev.extended and accepted is not None:
            cells["is_extended"] = mess.text("是")
        cells["meeting_date"] = self._date(known(ev.meeting), period, style, rng)

    # -- petition --------------------------------------------------------------------
    def event_row(
        self, ev: Event, k: int, t: TownshipInfo, style: Style, rng: random.Random
    ) -> DataRow:
        period = self.world.periods[k]
        snap = month_end(period)
        row = DataRow(cells={})
        cells = row.cells
        cells["petition_no"] = mess.text(ev.petition_no)
        cells["petition_date"] = self._date(ev.day, period, style, rng)
        cells["form"] = mess.text(mess.form_word(rng, ev.form))
        self._parties([ev.pid], ("petition", ev.eid, k), rng, row)
        if ev.count_blank:
            cells["people_count"] = mess.EMPTY
        else:
            cells["people_count"] = ("n", ev.people_count)
        if ev.form == "visit" and ev.people_count > 5:
            row.issues.append(("people_count", "group_over_5_reps", "warning"))
        cells["township"] = self._township(t, rng)
        cells["village"] = mess.text(ev.village)
        cells["content"] = mess.text(ev.content)
        cells["category"] = mess.text(ev.category)
        cells["level"] = mess.text(mess.LEVEL_WORDS[ev.level])

        def known(d: date | None) -> date | None:
            return d if d is not None and d <= snap else None

        accepted = known(ev.accepted)
        cells["accepted_date"] = self._date(accepted, period, style, rng)
        cells["concluded_date"] = self._date(known(ev.concluded), period, style, rng)
        if ev.extended and accepted is not None:
            cells["is_extended"] = mess.text("是")
        else:
            cells["is_extended"] = mess.text("否") if rng.random() < 0.5 else mess.EMPTY
        cells["linked_case_no"] = (
            mess.text(ev.linked_case_no) if ev.linked_case_no else mess.blank(rng, 0.3)
        )
        cells["meeting_date"] = self._date(known(ev.meeting), period, style, rng)
        cells["remarks"] = mess.blank(rng, 0.1)
        return row

    # -- noise rows (errors; not part of the world) ----------------------------------
    def _noise_person(self, rng: random.Random) -> tuple[str, str, str]:
        while True:
            birth = date(rng.randint(1950, 1999), rng.randint(1, 12), rng.randint(1, 28))
            id18 = idcards.make_id(rng, birth, rng.random() < 0.5)
            mobile = "13" + f"{rng.randrange(10**9):09d}"
            if (
                id18 not in self.world_ids
                and mobile not in self.world_phones
                and idcards.is_valid(id18)
            ):
                return names.person_name(rng), id18, mobile

    def noise_row(
        self,
        template: str,
        kind: str,
        k: int,
        t: TownshipInfo,
        style: Style,
        rng: random.Random,
    ) -> DataRow:
        """A row with exactly one blocking error (`kind`), otherwise clean."""
        period = self.world.periods[k]
        d = period.replace(day=rng.randint(5, month_end(period).day))
        name, id18, mobile = self._noise_person(rng)
        n = self.noise_seq[t.code] = self.noise_seq.get(t.code, 0) + 1
        key_field = "found_date" if template == "dispute" else "petition_date"
        key_cell: Cell = self._date(d, period, style, rng)
        issue: tuple[str, str, str]
        if kind == "missing":
            key_cell, issue = mess.EMPTY, (key_field, "key_date_missing", "error")
        elif kind == "unparseable":
            key_cell = mess.text(rng.choice(("待定", "不详", "近期")))
            issue = (key_field, "key_date_unparseable", "error")
        elif kind == "impossible":
            key_cell = mess.text(mess.impossible_date_text(period))
            issue = (key_field, "key_date_impossible", "error")
        else:
            later = "resolved_date" if template == "dispute" else "accepted_date"
            issue = (later, "date_order", "error")
        before = d - timedelta(days=rng.randint(1, 4))
        row = DataRow(cells={}, expected="quarantined", issues=[issue])
        cells = row.cells
        cells.update(
            party_name=mess.text(name),
            id_number=mess.text(id18),
            phone=mess.text(mobile),
            township=self._township(t, rng),
            village=mess.text(rng.choice(t.villages)),
        )
        if template == "dispute":
            cells.update(
                case_no=mess.text(f"{self.prefix.get(t.code, 'ZZ')}-{period.year}-9{n:03d}"),
                category=mess.text("邻里纠纷"),
                people_count=("n", 2),
                summary=mess.text("因排水沟堵塞引发争执"),
                found_date=key_cell,
                responsible_unit=mess.text(f"{t.name}司法所"),
                leader=mess.text(name[:1] + "明"),
                measures=mess.text("调解"),
                risk_level=mess.text("低"),
            )
            if kind == "order":
                cells["status"] = mess.text("已化解")
                cells["resolved_date"] = self._date(before, period, style, rng)
            else:
                cells["status"] = mess.text("化解中")
        else:
            cells.update(
                petition_no=mess.text(f"XF{period.year}9{n:03d}"),
                petition_date=key_cell,
                form=mess.text("来访"),
                people_count=("n", 1),
                content=mess.text("反映道路硬化问题"),
                category=mess.text("其他"),
                level=mess.text("本县"),
            )
            if kind == "order":
                cells["accepted_date"] = self._date(before, period, style, rng)
        return row


_KNOWN: set[str] | None = None


def _known_category_words() -> set[str]:
    global _KNOWN
    if _KNOWN is None:
        from pipelines.reference import load

        _KNOWN = {w for words in load.vocab()["category"].values() for w in words}
        _KNOWN |= set(load.vocab()["category"])
    return _KNOWN


NOISE_KINDS = ("missing", "unparseable", "impossible", "order")

_TITLE = {"dispute": "矛盾纠纷排查化解台账", "petition": "信访事项登记台账"}
_UNIT = {"dispute": "综治中心", "petition": "信访办"}


def _file_name(
    t: TownshipInfo,
    style: Style,
    template: str,
    periods: list[date],
    suffix: str,
    first_period: date,
) -> str:
    p = periods[0]
    y, m = p.year, p.month
    alias = t.aliases[0] if t.aliases else t.name
    short = "矛盾纠纷" if template == "dispute" else "信访"
    if style.quarterly:
        q = (m - 1) // 3 + 1
        stem = f"{t.name}{y}年第{q}季度{short}台账"
        if len(periods) < 3:
            stem += f"({periods[0].month}-{periods[-1].month}月)"
    elif not style.named_files:
        # A download counter, not a township: unique so names never collide.
        n = month_index(periods[0], first_period) * 100 + t.index + 1
        stem = ("台账" if template == "dispute" else "信访台账") + f"({n})"
    else:
        stem = (
            f"{t.name}{y}年{m}月{_TITLE[template]}",
            f"{alias}{y}.{m:02d}{short}台账",
            f"{y}年{m}月{t.name}{short}登记表",
        )[t.index % 3]
    ext = "csv" if style.is_csv else style.fmt
    folder = f"{periods[-1]:%Y-%m}"
    return f"{folder}/{stem}{suffix}.{ext}"


def build_register(
    world: World,
    t: TownshipInfo,
    style: Style,
    template: str,
    ks: list[int],
    lists: Listings,
    renderer: Renderer,
    *,
    noise: int | None = None,
    report_shift: int = 0,
    suffix: str = "",
    variant: str = "",
) -> FileSpec:
    """One file a township sends: the register(s) for months `ks`."""
    seed = world.seed
    sheets: list[SheetSpec] = []
    report = world.periods[ks[0]]
    columns = style.columns
    no_numbers = not (t.has_petition_no if template == "petition" else t.has_case_no)
    for k in ks:
        period = world.periods[k]
        rng = random.Random(f"{seed}:{t.code}:{template}:{k}{variant}")
        rows: list[DataRow] = []
        if template == "dispute":
            for cid in lists.dispute[t.code][k]:
                rows.append(renderer.case_row(world.cases[cid], k, t, style, rng))
        else:
            for eid in lists.petition[t.code][k]:
                rows.append(renderer.event_row(world.events[eid], k, t, style, rng))
            if no_numbers and rows and rng.random() < 0.3:
                # The same petition typed twice: dedup on (person, date, form) folds it.
                i = rng.randrange(len(rows))
                rows.insert(i + 1, DataRow(dict(rows[i].cells), "staged", list(rows[i].issues)))
        n_noise = (
            noise if noise is not None else (rng.choice((1, 1, 2)) if rng.random() < 0.25 else 0)
        )
        for _ in range(n_noise):
            kind = rng.choice(NOISE_KINDS)
            row = renderer.noise_row(template, kind, k, t, style, rng)
            rows.insert(rng.randint(0, len(rows)), row)
        report = month_end(period) + timedelta(days=rng.randint(1, 4) + report_shift)
        title = [f"{t.name}{period.year}年{period.month}月{_TITLE[template]}"]
        if rng.random() < 0.3:
            title.append(
                f"（{period.year}年{period.month}月1日至{period.month}月{month_end(period).day}日）"
            )
        info = (
            f"填报单位：{t.name}{_UNIT[template]}      "
            f"填报日期：{report.year}年{report.month}月{report.day}日"
        )
        if style.quarterly:
            name = f"{period.month}月"
        elif style.is_csv:
            name = ""
        else:
            name = rng.choice(("Sheet1", f"{period.month}月", f"{period.year}年{period.month}月"))
        sheets.append(place(name, columns, title, info, rows, style, rng))
    if style.instructions_sheet and not style.is_csv:
        sheets.insert(
            0,
            text_sheet(
                "填表说明",
                [
                    "填表说明",
                    "1.本台账每月5日前报送县综治中心、县信访局。",
                    "2.日期统一填写为年月日；身份证号请设置为文本格式。",
                    "3.化解状态：已化解、化解中、未化解。",
                ],
            ),
        )
    periods = [world.periods[k] for k in ks]
    path = _file_name(t, style, template, periods, suffix, world.start)
    if style.is_csv:
        sheets[0].name = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return FileSpec(
        path=path,
        fmt=style.fmt,
        sheets=sheets,
        report_date=report,
        township_code=t.code,
        template=template,
        period=periods[0],
    )
