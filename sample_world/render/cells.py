"""Cells every kind of row shares: the township as an office writes it, and dates in the
office's habits (see `mess.date_cell`)."""

from __future__ import annotations

import random
from datetime import date

from sample_world import mess
from sample_world.layout.style import Style
from sample_world.mess import Cell
from sample_world.world.model import TownshipInfo


def township_cell(t: TownshipInfo, rng: random.Random) -> Cell:
    return mess.text(t.name if rng.random() < 0.8 else rng.choice(t.aliases or (t.name,)))


def date_cell(d: date | None, period: date, style: Style, rng: random.Random) -> Cell:
    return mess.date_cell(d, period, style.date_forms, style.date_weights, rng)
