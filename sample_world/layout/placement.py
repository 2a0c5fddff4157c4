"""Lay rendered rows out on a sheet: titles, info line, header(s), data, totals, notes.

Placement records the Excel row number of every data row (`SheetSpec.data`), which the
truth files use as lineage.
"""

from __future__ import annotations

import random

from sample_world.layout.specs import DataRow, SheetSpec
from sample_world.layout.style import Column, Style
from sample_world.mess import Cell


def text_sheet(name: str, lines: list[str]) -> SheetSpec:
    """A sheet of plain text lines (instructions)."""
    sheet = SheetSpec(name=name, ncols=1)
    for line in lines:
        sheet.rows.append([("s", line)])
    return sheet


def _whole(value: object) -> int:
    """int() of a number cell's value (cells are typed `tuple[str, object]`)."""
    if not isinstance(value, int | float):
        raise TypeError(f"number cell holds {value!r}")
    return int(value)


def place(
    name: str,
    columns: list[Column],
    title: list[str],
    info: str | None,
    rows: list[DataRow],
    style: Style,
    rng: random.Random,
) -> SheetSpec:
    """Lay a register out on a grid: titles, info line, header(s), data, totals, notes."""
    n = len(columns)
    sheet = SheetSpec(name=name, ncols=n)
    grid = sheet.rows
    merge = not style.is_csv

    def add(row: list[Cell | None], kind: str | None = None) -> int:
        grid.append(row)
        r = len(grid) - 1
        if kind:
            sheet.styled[r] = kind
        return r

    for line in title:
        r = add([("s", line)] + [None] * (n - 1), "title")
        if merge:
            sheet.merges.append((r, 0, r, n - 1))
    if info:
        r = add([("s", info)] + [None] * (n - 1), "info")
        if merge:
            sheet.merges.append((r, 0, r, n - 1))
    if style.spacer:
        add([None] * n)
    if style.two_row_header:
        top: list[Cell | None] = []
        bottom: list[Cell | None] = []
        r = len(grid)
        c = 0
        while c < n:
            col = columns[c]
            if col.parent:
                span = 1
                while c + span < n and columns[c + span].parent == col.parent:
                    span += 1
                top.append(("s", col.parent))
                top.extend([None] * (span - 1))
                bottom.extend(("s", columns[c + k].header) for k in range(span))
                sheet.merges.append((r, c, r, c + span - 1))
                c += span
            else:
                top.append(("s", col.header))
                bottom.append(None)
                sheet.merges.append((r, c, r + 1, c))
                c += 1
        add(top, "header")
        add(bottom, "header")
    else:
        add([("s", c.header) for c in columns], "header")
    fields = [c.field for c in columns]
    for seq, row in enumerate(rows, 1):
        if style.spacer and seq > 1 and rng.random() < 0.02:
            add([None] * n)
        cells = row.cells
        out: list[Cell | None] = []
        for f in fields:
            out.append(("n", seq) if f == "seq" else cells.get(f))
        r = add(out)
        sheet.data.append((r + 1, row))
    if style.totals:
        tot: list[Cell | None] = [None] * n
        tot[0] = ("s", style.totals)
        tot[1] = ("s", f"共{len(rows)}件")
        if "people_count" in fields:
            total = sum(
                _whole(cell[1])
                for row in rows
                if (cell := row.cells.get("people_count")) and cell[0] == "n"
            )
            tot[fields.index("people_count")] = ("n", total)
        add(tot)
    if style.notes:
        add([None] * n)
        add(
            [
                (
                    "s",
                    "填表说明：1.本表每月5日前报送县综治中心；2.日期填写到日；"
                    "3.化解状态填写已化解、化解中或未化解。",
                )
            ]
            + [None] * (n - 1)
        )
        add(
            [
                (
                    "s",
                    "填表人："
                    + rng.choice(("张敏", "罗丽", "李强", "江华"))
                    + "    审核人："
                    + rng.choice(("黄伟", "林芳", "邱明")),
                )
            ]
            + [None] * (n - 1)
        )
    return sheet
