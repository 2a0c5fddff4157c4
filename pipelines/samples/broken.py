"""Files the warehouse must reject, each with the reason kind the truth expects.

They are extra files, not world data: their rows never count. Encryption normally uses
random salts and keys; the RNG is swapped for a seeded one so the bytes stay reproducible.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from pipelines.samples.layout import DataRow, Style, place
from pipelines.samples.render import FileSpec, Renderer
from pipelines.samples.world import TownshipInfo, World, month_end
from pipelines.samples.writers import xlsx_bytes

# What a browser saves when the reporting system's session expired mid-download: text
# (HTML) under a spreadsheet name. Plain text would be tried as CSV by the reader.
_LOGIN_PAGE = (
    '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>登录超时</title></head>\n'
    "<body><p>您的登录已超时，请重新登录后下载台账。</p></body></html>\n"
)


@dataclass
class BrokenFile:
    path: str
    data: bytes
    report_date: date
    reason_kind: str
    township_code: str
    template: str
    period: date | None


@contextmanager
def _seeded_crypto(rng: random.Random, when: datetime) -> Iterator[None]:
    """msoffcrypto draws salts/keys from `secrets` and stamps the OLE container with
    datetime.now(); both are swapped for seeded/fixed values while encrypting."""
    import msoffcrypto.method.container.ecma376_encrypted as container
    import msoffcrypto.method.ecma376_agile as agile

    class _Fixed(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> _Fixed:
            return cls(when.year, when.month, when.day, when.hour, when.minute)

    original_random, original_dt = agile._random_buffer, container.datetime
    agile._random_buffer = lambda n: rng.randbytes(n)
    container.datetime = _Fixed
    try:
        yield
    finally:
        agile._random_buffer, container.datetime = original_random, original_dt


def _encrypt(data: bytes, password: str, rng: random.Random, when: datetime) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    with _seeded_crypto(rng, when):
        OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


def _register_spec(
    world: World,
    t: TownshipInfo,
    style: Style,
    renderer: Renderer,
    k: int,
    rng: random.Random,
    *,
    with_township: bool,
    path: str,
) -> FileSpec:
    """A small, valid-looking dispute register made of noise rows (not world data)."""
    period = world.periods[k]
    rows: list[DataRow] = []
    for _ in range(5):
        row = renderer.noise_row("dispute", "order", k, t, style, rng)
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
    report = month_end(period)
    return FileSpec(
        path=path,
        fmt="xlsx",
        sheets=[sheet],
        report_date=report,
        township_code=t.code,
        template="dispute",
        period=period,
    )


def broken_files(
    world: World, styles: dict[tuple[str, str], Style], renderer: Renderer
) -> list[BrokenFile]:
    rng = random.Random(f"{world.seed}:broken")
    ts = world.townships
    out: list[BrokenFile] = []

    def pick() -> tuple[TownshipInfo, int]:
        return ts[rng.randrange(len(ts))], rng.randrange(world.months)

    t, k = pick()
    period = world.periods[k]
    folder = f"{period:%Y-%m}"
    out.append(
        BrokenFile(
            f"{folder}/{t.name}矛盾纠纷台账(备份).xlsx",
            _LOGIN_PAGE.encode("utf-8"),
            month_end(period),
            "not_spreadsheet",
            t.code,
            "",
            period,
        )
    )
    t, k = pick()
    period = world.periods[k]
    folder = f"{period:%Y-%m}"
    style = styles[t.code, "dispute"]
    spec = _register_spec(world, t, style, renderer, k, rng, with_township=True, path="")
    data = xlsx_bytes(spec)
    out.append(
        BrokenFile(
            f"{folder}/{t.name}{period.month}月纠纷台账(未传完).xlsx",
            data[: len(data) * 3 // 5],
            month_end(period),
            "truncated",
            t.code,
            "dispute",
            period,
        )
    )
    t, k = pick()
    period = world.periods[k]
    folder = f"{period:%Y-%m}"
    spec = _register_spec(
        world, t, styles[t.code, "dispute"], renderer, k, rng, with_township=True, path=""
    )
    out.append(
        BrokenFile(
            f"{folder}/{t.name}{period.month}月纠纷台账(加密).xlsx",
            _encrypt(
                xlsx_bytes(spec),
                "123456",
                rng,
                datetime.combine(month_end(period), datetime.min.time()),
            ),
            month_end(period),
            "encrypted",
            t.code,
            "dispute",
            period,
        )
    )
    t, k = pick()
    period = world.periods[k]
    out.append(
        BrokenFile(
            f"{period:%Y-%m}/新建 Microsoft Excel 工作表.xlsx",
            b"",
            month_end(period),
            "empty",
            "",
            "",
            None,
        )
    )
    t, k = pick()
    period = world.periods[k]
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
    from pipelines.samples.layout import Column

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
    sheet = place(
        "Sheet1",
        cols,
        [f"{t.name}{period.year}年{period.month}月干部值班表"],
        None,
        duty_rows,
        plain,
        rng,
    )
    spec = FileSpec(
        path="",
        fmt="xlsx",
        sheets=[sheet],
        report_date=month_end(period),
        township_code=t.code,
        template="",
        period=period,
    )
    out.append(
        BrokenFile(
            f"{period:%Y-%m}/{t.name}值班表.xlsx",
            xlsx_bytes(spec),
            month_end(period),
            "unknown_template",
            t.code,
            "",
            period,
        )
    )
    t, k = pick()
    period = world.periods[k]
    spec = _register_spec(
        world, t, styles[t.code, "dispute"], renderer, k, rng, with_township=False, path=""
    )
    out.append(
        BrokenFile(
            f"{period:%Y-%m}/台账(新).xlsx",
            xlsx_bytes(spec),
            month_end(period),
            "no_township",
            "",
            "dispute",
            period,
        )
    )
    return out
