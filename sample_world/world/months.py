"""Month arithmetic on first-of-month dates: the world, the registers and the truth all
count in calendar months from the run's start."""

from __future__ import annotations

import calendar
from datetime import date


def month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, 1)


def month_index(d: date, start: date) -> int:
    return (d.year - start.year) * 12 + d.month - start.month
