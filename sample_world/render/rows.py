"""How each world item reads as a register row: a case on the dispute register (with its
petition columns where the township keeps them), an event on the petition register.

A row is the item as known at the end of the register's month, written in the office's
habits, with the warnings the plan put on it.
"""

from __future__ import annotations

import random
from datetime import date

from pipelines.reference import load
from sample_world import mess
from sample_world.layout.specs import DataRow
from sample_world.layout.style import Style
from sample_world.render.cells import date_cell, township_cell
from sample_world.render.listings import rendered_parties
from sample_world.render.noise import NoiseRows
from sample_world.render.plan import Key, Plan
from sample_world.world.model import Case, Event, TownshipInfo, World
from sample_world.world.months import month_end


class Renderer:
    """Renders world items into DataRows for one world; `noise` makes the error rows."""

    def __init__(self, world: World, plan: Plan) -> None:
        self.world = world
        self.plan = plan
        self.noise = NoiseRows(world)

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
        cells["township"] = township_cell(t, rng)
        cells["village"] = mess.text(case.village)
        cells["category"] = mess.text(case.category_word)
        if case.category_word not in _known_category_words():
            row.issues.append(("category", "category_unknown", "warning"))
        self._parties(rendered_parties(case, style), ("dispute", case.cid, k), rng, row)
        cells["people_count"] = ("n", case.people_count)
        cells["summary"] = mess.text(case.summary)
        cells["found_date"] = date_cell(case.found, period, style, rng)
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
            cells["resolved_date"] = date_cell(
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
        cells["petition_date"] = date_cell(ev.day, period, style, rng)
        cells["form"] = mess.text(mess.form_word(rng, ev.form))
        cells["level"] = mess.text(mess.LEVEL_WORDS[ev.level])
        accepted = known(ev.accepted)
        cells["accepted_date"] = date_cell(accepted, period, style, rng)
        cells["concluded_date"] = date_cell(known(ev.concluded), period, style, rng)
        if ev.extended and accepted is not None:
            cells["is_extended"] = mess.text("是")
        cells["meeting_date"] = date_cell(known(ev.meeting), period, style, rng)

    # -- petition --------------------------------------------------------------------
    def event_row(
        self, ev: Event, k: int, t: TownshipInfo, style: Style, rng: random.Random
    ) -> DataRow:
        period = self.world.periods[k]
        snap = month_end(period)
        row = DataRow(cells={})
        cells = row.cells
        cells["petition_no"] = mess.text(ev.petition_no)
        cells["petition_date"] = date_cell(ev.day, period, style, rng)
        cells["form"] = mess.text(mess.form_word(rng, ev.form))
        self._parties([ev.pid], ("petition", ev.eid, k), rng, row)
        if ev.count_blank:
            cells["people_count"] = mess.EMPTY
        else:
            cells["people_count"] = ("n", ev.people_count)
        if ev.form == "visit" and ev.people_count > 5:
            row.issues.append(("people_count", "group_over_5_reps", "warning"))
        cells["township"] = township_cell(t, rng)
        cells["village"] = mess.text(ev.village)
        cells["content"] = mess.text(ev.content)
        cells["category"] = mess.text(ev.category)
        cells["level"] = mess.text(mess.LEVEL_WORDS[ev.level])

        def known(d: date | None) -> date | None:
            return d if d is not None and d <= snap else None

        accepted = known(ev.accepted)
        cells["accepted_date"] = date_cell(accepted, period, style, rng)
        cells["concluded_date"] = date_cell(known(ev.concluded), period, style, rng)
        if ev.extended and accepted is not None:
            cells["is_extended"] = mess.text("是")
        else:
            cells["is_extended"] = mess.text("否") if rng.random() < 0.5 else mess.EMPTY
        cells["linked_case_no"] = (
            mess.text(ev.linked_case_no) if ev.linked_case_no else mess.blank(rng, 0.3)
        )
        cells["meeting_date"] = date_cell(known(ev.meeting), period, style, rng)
        cells["remarks"] = mess.blank(rng, 0.1)
        return row


_KNOWN: set[str] | None = None


def _known_category_words() -> set[str]:
    """Every category word the vocab knows (loaded once): others are category_unknown."""
    global _KNOWN
    if _KNOWN is None:
        _KNOWN = {w for words in load.vocab()["category"].values() for w in words}
        _KNOWN |= set(load.vocab()["category"])
    return _KNOWN
