"""How township sheets write values: dates, IDs, phones and words, in all their forms.

Each function turns one world value into a cell as some township would have typed it.
Cells are `(kind, value)` tuples: "s" text, "n" number, "d" a real date cell, "g" an Excel
serial in a General cell, "e" an ID stored as a number (digits lost). The writers decide how
each kind looks in xlsx, xls or CSV, so the mess is decided once and rendered anywhere.
"""

from __future__ import annotations

import random
from datetime import date

from sample_world import idcards

Cell = tuple[str, object]
EMPTY: Cell = ("s", "")

_EXCEL_EPOCH = date(1899, 12, 30)
_ASCII = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-"
_FULLWIDTH = str.maketrans(_ASCII, "".join(chr(ord(ch) + 0xFEE0) for ch in _ASCII))

STATUS_WORDS = {
    "resolved": ("已化解", "已化解", "化解成功", "已办结"),
    "in_progress": ("化解中", "正在化解", "稳控中"),
    "unresolved": ("未化解",),
}
RISK_WORDS = {"high": ("红", "高"), "medium": ("黄", "中"), "low": ("绿", "蓝", "低")}
FORM_WORDS = {
    "online": ("网络", "网络", "网上信访"),
    "letter": ("书信", "来信"),
    "phone": ("电话", "来电"),
    "fax": ("传真",),
    "visit": ("走访", "来访"),
}
LEVEL_WORDS = {"county": "本县", "city": "赴市", "province": "赴省", "capital": "进京"}


def text(value: str) -> Cell:
    return ("s", value)


def fullwidth(value: str) -> str:
    return value.translate(_FULLWIDTH)


def blank(rng: random.Random, marks: float = 0.2) -> Cell:
    """An empty cell, sometimes written as "/" or "无" (which also mean empty)."""
    if rng.random() < marks:
        return ("s", rng.choice(("/", "无")))
    return EMPTY


def date_cell(
    d: date | None,
    period: date,
    forms: tuple[str, ...],
    weights: tuple[int, ...],
    rng: random.Random,
    *,
    empty_marks: float = 0.1,
) -> Cell:
    """A date as the township writes it. "M月D日" is used only where the register's period
    gives the year back unambiguously (the date lies in the 11 months up to the period)."""
    if d is None:
        return blank(rng, empty_marks)
    form = rng.choices(forms, weights=weights)[0]
    if form == "md":
        months_back = (period.year - d.year) * 12 + period.month - d.month
        if not 0 <= months_back <= 10:
            form = "cn"
    if form == "date":
        return ("d", d)
    if form == "serial":
        return ("g", (d - _EXCEL_EPOCH).days)
    if form == "iso":
        return ("s", d.isoformat())
    if form == "slash":
        return ("s", f"{d.year}/{d.month}/{d.day}")
    if form == "dot":
        return ("s", f"{d.year}.{d.month}.{d.day}")
    if form == "md":
        return ("s", f"{d.month}月{d.day}日")
    if form == "fw":
        return ("s", fullwidth(f"{d.year}-{d.month:02d}-{d.day:02d}"))
    return ("s", f"{d.year}年{d.month}月{d.day}日")


def id_text(rng: random.Random, id18: str, old_form: bool) -> str:
    """A valid ID as typed: lowercase x, inner spaces, a leading apostrophe, or the old
    15-digit form for persons who still use it."""
    if old_form and rng.random() < 0.6:
        return idcards.to_15(id18)
    r = rng.random()
    if r < 0.06:
        return f"{id18[:6]} {id18[6:14]} {id18[14:]}"
    if r < 0.12:
        return "'" + id18
    if r < 0.15:
        return fullwidth(id18)
    if id18.endswith("X") and r < 0.5:
        return id18[:-1] + "x"
    return id18


def lost_id_cell(id18: str) -> Cell:
    """An ID typed into a number cell: Excel kept 15 significant digits."""
    return ("e", idcards.excel_number(id18))


def phone_text(rng: random.Random, mobile: str, landline: str | None, plain: bool) -> str:
    """A phone as typed: spaces, dashes, +86, or the household landline."""
    if landline and not plain and rng.random() < 0.4:
        return landline
    r = rng.random()
    if r < 0.08:
        return f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}"
    if r < 0.14:
        return f"{mobile[:3]}-{mobile[3:7]}-{mobile[7:]}"
    if r < 0.18:
        return "+86 " + mobile
    if r < 0.2:
        return "+86" + mobile
    return mobile


def status_word(rng: random.Random, status: str, yes_no: bool) -> str:
    if yes_no and status != "in_progress":
        return "是" if status == "resolved" else "否"
    return rng.choice(STATUS_WORDS[status])


def risk_word(rng: random.Random, risk: str) -> str:
    return rng.choice(RISK_WORDS[risk])


def form_word(rng: random.Random, form: str) -> str:
    return rng.choice(FORM_WORDS[form])


def impossible_date_text(period: date) -> str:
    """A day that does not exist, close to the register's period (2月30日, 4月31日)."""
    if period.month == 2:
        return f"{period.year}年2月30日"
    if period.month in (4, 6, 9, 11):
        return f"{period.year}年{period.month}月31日"
    return f"{period.year}年2月30日"
