"""What a township calls the file it sends: its habits (named after the township and
month, a quarter, or a download counter), the month folder and the extension.
"""

from __future__ import annotations

from datetime import date

from sample_world.layout.style import Style
from sample_world.world.model import TownshipInfo
from sample_world.world.months import month_index

# The register's full name: in named files and in the sheet's title.
REGISTER_TITLE = {"dispute": "矛盾纠纷排查化解台账", "petition": "信访事项登记台账"}


def file_name(
    t: TownshipInfo,
    style: Style,
    template: str,
    periods: list[date],
    suffix: str,
    first_period: date,
) -> str:
    """`inbox/`-relative path of the file for `periods` (one month, or a quarter's months);
    `first_period` is the run's first month, from which a download counter counts."""
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
            f"{t.name}{y}年{m}月{REGISTER_TITLE[template]}",
            f"{alias}{y}.{m:02d}{short}台账",
            f"{y}年{m}月{t.name}{short}登记表",
        )[t.index % 3]
    ext = "csv" if style.is_csv else style.fmt
    folder = f"{periods[-1]:%Y-%m}"
    return f"{folder}/{stem}{suffix}.{ext}"
