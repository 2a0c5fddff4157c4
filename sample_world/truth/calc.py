"""Arithmetic every truth mart shares: rates as the warehouse rounds them, handling time
limits, which month of the run a date falls in, and petition matters."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sample_world.world.model import Event, World
from sample_world.world.months import month_index


def rate(num: int, den: int) -> str:
    """Percent with one decimal, half up; empty (null) when the denominator is 0."""
    if den == 0:
        return ""
    value = Decimal(num * 100) / Decimal(den)
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def yoy(this: int, earlier: int | None) -> str:
    if not earlier:
        return ""
    return rate(this - earlier, earlier)


def limit_days(extended: bool) -> int:
    """Days a petition office has from acceptance to conclusion."""
    return 90 if extended else 60


def run_month(world: World, d: date | None) -> int | None:
    """Index of the run's month that `d` falls in; None outside the run (or no date)."""
    if d is None:
        return None
    k = month_index(d, world.start)
    return k if 0 <= k < world.months else None


def petition_matters(world: World) -> dict[tuple, list[Event]]:
    """The events of each matter (a case, or a person's category), in world order; only
    events inside the run count."""
    matters: dict[tuple, list[Event]] = {}
    for e in world.events:
        if run_month(world, e.day) is not None:
            matters.setdefault(e.matter, []).append(e)
    return matters
