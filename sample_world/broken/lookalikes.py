"""The contents of rejected files that look like spreadsheets: a small dispute register
made of noise rows (to be cut short, encrypted or stripped of its township), a duty
roster (no known template), and the login page a browser saves when a session expired.

Not world data: their rows never count.
"""

from __future__ import annotations

import random
from datetime import date

from sample_world.layout.placement import place
from sample_world.layout.specs import DataRow, FileSpec, SheetSpec
from sample_world.layout.style import Column, Style
from sample_world.render.noise import NoiseRows
from sample_world.world.model import TownshipInfo, World
from sample_world.world.months import month_end

# What a browser saves when the reporting system's session expired mid-download: text
# (HTML) under a spreadsheet name. Plain text would be tried as CSV by the reader.
LOGIN_PAGE = (
    '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>登录超时</title></head>\n'
    "<body><p>您的登录已超时，请重新登录后下载台账。</p></body></html>\n"
)


def register_lookalike(
    world: World,
    t: TownshipInfo,
    style: Style,
    noise: NoiseRows,
    k: int,
    rng: random.Random,
    *,
    with_township: bool,
) -> FileSpec:
    """A small, valid-looking dispute register made of noise rows (not world data)."""
    period = world.periods[k]
    rows: list[DataRow] = []
    for _ in range(5):
        row = noise.row("dispute", "order", k, t, style, rng)
        row.cells["status"] = ("s", "化解中")
        row.cells.pop("resolved_date", None)
        if not with_township:
            row.cells.pop("township", None)
            row.cells["responsible_unit"] = ("s", "司法所")
        rows.append(row)
    cols = [c for c in style.columns if with_township or c.field != "township"]
    name = t.name if with_township else ""
    title = [f"{name}{period.year}年{period.month}月矛盾纠纷排查化解台账"]
    info = f"填报单位：{'综治中心' if not with_township else t.name + '综治中心'}"
    sheet = place("Sheet1", cols, title, info, rows, style, rng)
    return _xlsx(sheet, t, "dispute", period)


def duty_roster(t: TownshipInfo, period: date, rng: random.Random) -> FileSpec:
    """The township's cadre duty roster for the month: a workbook of no known template."""
    duty_rows = [
        DataRow(
            {
                "d": ("s", f"{period.year}-{period.month:02d}-{d:02d}"),
                "p": ("s", rng.choice(("罗明", "黄丽", "李强", "江华"))),
                "ph": ("s", "0597-8" + f"{rng.randrange(10**6):06d}"),
                "l": ("s", rng.choice(("镇长", "副镇长"))),
            }
        )
        for d in range(1, 11)
    ]
    cols = [
        Column("d", "值班日期"),
        Column("p", "值班人员"),
        Column("ph", "值班电话"),
        Column("l", "带班领导"),
    ]
    plain = Style(
        fmt="xlsx",
        named_files=True,
        quarterly=False,
        instructions_sheet=False,
        two_row_header=False,
        multi_party=False,
        township_column=False,
        seq_column=False,
        totals=None,
        notes=False,
        spacer=False,
        date_forms=("iso",),
        date_weights=(1,),
    )
    title = [f"{t.name}{period.year}年{period.month}月干部值班表"]
    sheet = place("Sheet1", cols, title, None, duty_rows, plain, rng)
    return _xlsx(sheet, t, "", period)


def _xlsx(sheet: SheetSpec, t: TownshipInfo, template: str, period: date) -> FileSpec:
    # No path: the broken file is named by its caller, and only its bytes are kept.
    return FileSpec(
        path="",
        fmt="xlsx",
        sheets=[sheet],
        report_date=month_end(period),
        township_code=t.code,
        template=template,
        period=period,
    )
