"""Noise rows: made-up rows with exactly one blocking error, which the warehouse must
quarantine. They are not world data: their IDs and phones are no one's in the world, and
their numbers (`LF-2024-9001`, `XF20249001`) run from 9001, beyond the world's own.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sample_world import idcards, mess, names
from sample_world.layout.specs import DataRow
from sample_world.layout.style import Style
from sample_world.mess import Cell
from sample_world.render.cells import date_cell, township_cell
from sample_world.world.model import TownshipInfo, World
from sample_world.world.months import month_end

NOISE_KINDS = ("missing", "unparseable", "impossible", "order")


class NoiseRows:
    """Noise rows for one world, numbered per township across every file that has them."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.world_ids = {p.id18 for p in world.persons}
        self.world_phones = {p.mobile for p in world.persons}
        self.noise_seq: dict[str, int] = {}
        self.prefix = {c.township: c.case_no.split("-")[0] for c in world.cases}

    def _person(self, rng: random.Random) -> tuple[str, str, str]:
        while True:
            birth = date(rng.randint(1950, 1999), rng.randint(1, 12), rng.randint(1, 28))
            id18 = idcards.make_id(rng, birth, rng.random() < 0.5, self.world.id_area)
            mobile = "13" + f"{rng.randrange(10**9):09d}"
            if (
                id18 not in self.world_ids
                and mobile not in self.world_phones
                and idcards.is_valid(id18)
            ):
                return names.person_name(rng), id18, mobile

    def row(
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
        name, id18, mobile = self._person(rng)
        n = self.noise_seq[t.code] = self.noise_seq.get(t.code, 0) + 1
        key_field = "found_date" if template == "dispute" else "petition_date"
        key_cell: Cell = date_cell(d, period, style, rng)
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
            township=township_cell(t, rng),
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
                cells["resolved_date"] = date_cell(before, period, style, rng)
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
                cells["accepted_date"] = date_cell(before, period, style, rng)
        return row
