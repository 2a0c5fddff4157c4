"""Which township and which month a sheet reports, from its content first.

A file's name is whatever the coordinator typed ("新建 Microsoft Excel 工作表 (3).xlsx"), so
the title line and the 乡镇 column are trusted first, then the sheet name, then the file
name (DESIGN.md section 3). Townships resolve by full name or an alias from
``townships.csv`` (宣和乡 and 隔川乡 were renamed 镇; "莲峰" is common shorthand).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache

import polars as pl

from pipelines.ingest.layout import TableLayout
from pipelines.ingest.normalize.numbers import CHINESE_NUMERALS
from pipelines.reference.load import Township, townships

_REPORT_SEGMENT = re.compile(
    r"(?:填报|报送|填表|制表)(?:日期|时间)\s*:?\s*[\d年月日./\-\s]*", re.UNICODE
)
_FULL_PERIOD = (
    re.compile(r"(20\d{2})\s*年\s*(\d{1,2})\s*月"),
    re.compile(r"(?<!\d)(20\d{2})\s*[-./_]\s*(\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(20\d{2})(0[1-9]|1[0-2])(?!\d)"),
)
# 三月, 十二月: month words are the counting numerals (两 is never a month) plus 十一/十二.
_CN_MONTHS = {w: n for w, n in CHINESE_NUMERALS.items() if w != "两"} | {"十一": 11, "十二": 12}
_MONTH_ONLY = (
    re.compile(r"(?<![\d年.\-/])(\d{1,2})\s*月"),
    re.compile(r"(十[一二]|[一二三四五六七八九十])\s*月"),
)
_YEAR_ONLY = (
    re.compile(r"(20\d{2})\s*年"),
    re.compile(r"(?<!\d)(20\d{2})(?!\d)"),
)
_DATE = re.compile(r"(20\d{2})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})")


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@cache
def _township_lookup() -> tuple[dict[str, Township], re.Pattern[str]]:
    names: dict[str, Township] = {}
    for t in townships():
        names.setdefault(t.name, t)
    for t in townships():
        for alias in t.aliases:
            names.setdefault(alias, t)
    # Longest first: at one position "宣和乡" must beat "宣和".
    pattern = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))
    return names, pattern


def resolve_township(text: str | None) -> Township | None:
    """The township named in ``text``: exact name or alias, else the first one inside it
    ("连城县莲峰镇2025年3月…")."""
    if not text:
        return None
    key = "".join(_nfkc(str(text)).split())
    if not key:
        return None
    names, pattern = _township_lookup()
    if key in names:
        return names[key]
    m = pattern.search(key)
    return names[m.group(0)] if m else None


def township_from_column(values: pl.Series) -> Township | None:
    """The most common township among a 乡镇 column's values (few distinct values)."""
    counts = values.drop_nulls().value_counts()
    if counts.height == 0:
        return None
    tally: dict[str, tuple[int, Township]] = {}
    name_col, count_col = counts.columns[0], counts.columns[1]
    for value, n in counts.select(name_col, count_col).iter_rows():
        found = resolve_township(value)
        if found is not None:
            seen = tally.get(found.code, (0, found))[0]
            tally[found.code] = (seen + int(n), found)
    if not tally:
        return None
    return max(tally.values(), key=lambda pair: (pair[0], -int(pair[1].code)))[1]


def parse_report_date(text: str | None) -> date | None:
    """ "2025年4月3日", "2025-04-03", "2025/4/3", "2025.4.3" -> date; anything else None."""
    if not text:
        return None
    m = _DATE.search(_nfkc(text))
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _without_report_date(text: str) -> str:
    """A 填报日期 is when the sheet was sent, not the month it reports."""
    return _REPORT_SEGMENT.sub(" ", _nfkc(text))


def find_year_month(text: str) -> tuple[int | None, int | None]:
    """(year, month) named in text; either may be None. Full forms win over month-only."""
    text = _without_report_date(text)
    for pat in _FULL_PERIOD:
        for full in pat.finditer(text):
            if 1 <= int(full.group(2)) <= 12:
                return int(full.group(1)), int(full.group(2))
    month: int | None = None
    digits = _MONTH_ONLY[0].search(text)
    words = _MONTH_ONLY[1].search(text)
    if digits and 1 <= int(digits.group(1)) <= 12:
        month = int(digits.group(1))
    elif words:
        month = _CN_MONTHS[words.group(1)]
    return find_year(text), month


def find_year(text: str) -> int | None:
    text = _without_report_date(text)
    for pat in _YEAR_ONLY:
        m = pat.search(text)
        if m:
            return int(m.group(1))
    return None


@dataclass(frozen=True)
class SheetPlace:
    """Township and period of a sheet, and where each was found (for the coordinator)."""

    township: Township | None
    township_source: str | None  # title | column | sheet_name | file_name
    period: date | None
    period_source: str | None
    report_date: date | None

    @property
    def township_code(self) -> str | None:
        return self.township.code if self.township else None


def resolve_period(
    sources: Iterable[tuple[str, str]], report_date: date | None
) -> tuple[date | None, str | None]:
    """First source naming a month gives the month; its year, else the first year any source
    names, else the 填报日期's year (a December sheet sent in January is last year's)."""
    sources = [(name, text) for name, text in sources if text]
    for name, text in sources:
        year, month = find_year_month(text)
        if month is None:
            continue
        if year is None:
            year = next((y for _, t in sources if (y := find_year(t)) is not None), None)
        if year is None and report_date is not None:
            year = report_date.year - (1 if month > report_date.month else 0)
        if year is None:
            return None, None
        return date(year, month, 1), name
    return None, None


def resolve_place(layout: TableLayout, sheet_name: str, file_name: str) -> SheetPlace:
    """Township and period of one sheet: title, then 乡镇 column, then sheet and file name."""
    title = " ".join(layout.title_lines)
    report_date = parse_report_date(layout.report_date_text)

    township: Township | None = None
    source: str | None = None
    candidates: list[tuple[str, Township | None]] = [("title", resolve_township(title))]
    for name, found in candidates:
        if found:
            township, source = found, name
            break
    if township is None and "township" in layout.data.columns:
        township = township_from_column(layout.data["township"])
        source = "column" if township else None
    if township is None:
        for name, text in (("sheet_name", sheet_name), ("file_name", file_name)):
            found = resolve_township(text)
            if found:
                township, source = found, name
                break

    period, period_source = resolve_period(
        [("title", title), ("sheet_name", sheet_name), ("file_name", file_name)], report_date
    )
    return SheetPlace(township, source, period, period_source, report_date)
