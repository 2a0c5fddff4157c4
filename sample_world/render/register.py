"""One file a township sends: the register sheet(s) for its month(s), with the listed
rows, the duplicates and noise rows it carries, its titles and its report date."""

from __future__ import annotations

import random
from datetime import timedelta

from sample_world.layout.placement import place, text_sheet
from sample_world.layout.specs import DataRow, FileSpec, SheetSpec
from sample_world.layout.style import Style
from sample_world.render.listings import Listings
from sample_world.render.naming import REGISTER_TITLE, file_name
from sample_world.render.noise import NOISE_KINDS
from sample_world.render.rows import Renderer
from sample_world.world.model import TownshipInfo, World
from sample_world.world.months import month_end

# The office that fills the register in (填报单位).
_UNIT = {"dispute": "综治中心", "petition": "信访办"}


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
            row = renderer.noise.row(template, kind, k, t, style, rng)
            rows.insert(rng.randint(0, len(rows)), row)
        report = month_end(period) + timedelta(days=rng.randint(1, 4) + report_shift)
        title = [f"{t.name}{period.year}年{period.month}月{REGISTER_TITLE[template]}"]
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
    path = file_name(t, style, template, periods, suffix, world.start)
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
