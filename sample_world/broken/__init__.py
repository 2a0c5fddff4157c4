"""Files the warehouse must reject, each with the reason kind the truth expects.

They are extra files, not world data: their rows never count. One of each kind, each in
a township and month drawn from one seeded stream, so the files are the same every run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime

from sample_world.broken.crypto import encrypt
from sample_world.broken.lookalikes import LOGIN_PAGE, duty_roster, register_lookalike
from sample_world.layout.style import Style
from sample_world.render.noise import NoiseRows
from sample_world.world.model import TownshipInfo, World
from sample_world.world.months import month_end
from sample_world.writers import xlsx_bytes


@dataclass
class BrokenFile:
    path: str
    data: bytes
    report_date: date
    reason_kind: str
    township_code: str
    template: str
    period: date | None


def broken_files(
    world: World, styles: dict[tuple[str, str], Style], noise: NoiseRows
) -> list[BrokenFile]:
    """The rejected files: a login page, a cut-off, an encrypted and an empty workbook, a
    duty roster and a register without a township. `noise` is the registers' own, so the
    noise rows go on numbering where the registers left off."""
    rng = random.Random(f"{world.seed}:broken")
    ts = world.townships

    def pick() -> tuple[TownshipInfo, int, date]:
        t, k = ts[rng.randrange(len(ts))], rng.randrange(world.months)
        return t, k, world.periods[k]

    def lookalike(t: TownshipInfo, k: int, *, with_township: bool = True) -> bytes:
        style = styles[t.code, "dispute"]
        spec = register_lookalike(world, t, style, noise, k, rng, with_township=with_township)
        return xlsx_bytes(spec)

    t, _, period = pick()
    out = [
        _broken(
            period,
            f"{t.name}矛盾纠纷台账(备份).xlsx",
            LOGIN_PAGE.encode("utf-8"),
            "not_spreadsheet",
            t.code,
            "",
        )
    ]
    t, k, period = pick()
    data = lookalike(t, k)
    cut = data[: len(data) * 3 // 5]
    out.append(
        _broken(period, f"{t.name}{period.month}月纠纷台账(未传完).xlsx", cut, "truncated", t.code)
    )
    t, k, period = pick()
    when = datetime.combine(month_end(period), datetime.min.time())
    locked = encrypt(lookalike(t, k), "123456", rng, when)
    out.append(
        _broken(period, f"{t.name}{period.month}月纠纷台账(加密).xlsx", locked, "encrypted", t.code)
    )
    t, _, period = pick()
    empty = _broken(period, "新建 Microsoft Excel 工作表.xlsx", b"", "empty", "", "")
    empty.period = None  # an empty file says nothing of its month
    out.append(empty)
    t, _, period = pick()
    roster = xlsx_bytes(duty_roster(t, period, rng))
    out.append(_broken(period, f"{t.name}值班表.xlsx", roster, "unknown_template", t.code, ""))
    t, k, period = pick()
    anonymous = lookalike(t, k, with_township=False)
    out.append(_broken(period, "台账(新).xlsx", anonymous, "no_township", "", "dispute"))
    return out


def _broken(
    period: date, name: str, data: bytes, kind: str, code: str, template: str = "dispute"
) -> BrokenFile:
    """A rejected file in `period`'s folder, sent at the month's end."""
    return BrokenFile(
        f"{period:%Y-%m}/{name}", data, month_end(period), kind, code, template, period
    )
