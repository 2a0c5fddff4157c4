"""Date cells in every form township sheets use, to `datetime.date`.

Cells are read as text, so one column can hold Excel serials ("45356"), datetimes as the
reader prints them ("2025-03-05 00:00:00"), ISO and slash/dot forms, Chinese forms
("2025年3月5日", "3月5日") and compact "20250305". The issue tells the caller why a value
is missing; the caller decides whether that is a key-date error or a warning.

Issue codes: "missing" (empty cell), "unparseable" (not a date, or a month/day out of
range such as "2025-13-45", as docs/contracts.md defines it), "impossible" (numbers in
range that name no day, such as 2月30日, or a year outside 1900-2100).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from pipelines.ingest.normalize.text import clean_text

MISSING = "missing"
UNPARSEABLE = "unparseable"
IMPOSSIBLE = "impossible"

MIN_YEAR = 1900
MAX_YEAR = 2100
# Excel's day 0 is 1899-12-30 (it counts the non-existent 1900-02-29). Serials are only
# trusted for 1990-2100 so that a count or an ID fragment is not read as a date.
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL_MIN = (date(1990, 1, 1) - _EXCEL_EPOCH).days
_SERIAL_MAX = (date(2100, 12, 31) - _EXCEL_EPOCH).days

_TIME_TAIL = re.compile(r"^(?P<day>.+?)(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$", re.ASCII)
_SERIAL = re.compile(r"^(?P<n>\d{5})(?:\.(?P<frac>\d+))?$", re.ASCII)
_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$", re.ASCII)
_YMD = re.compile(r"^(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})[日号]?$", re.ASCII)
_MD = re.compile(r"^(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]?$", re.ASCII)


@dataclass(frozen=True)
class DateValue:
    """A parsed date cell: the date, or None with the reason in `issue`."""

    value: date | None
    issue: str | None = None


def _from_parts(year: int, month: int, day: int) -> DateValue:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return DateValue(None, UNPARSEABLE)
    if not MIN_YEAR <= year <= MAX_YEAR:
        return DateValue(None, IMPOSSIBLE)
    try:
        return DateValue(date(year, month, day))
    except ValueError:
        return DateValue(None, IMPOSSIBLE)


def _year_for(month: int, period: date) -> int:
    """The register period's year, or the year before when that would put the date after
    the period's month (a December case listed again in a January sheet)."""
    return period.year - 1 if month > period.month else period.year


def _parse(text: str, period: date | None) -> DateValue:
    if m := _SERIAL.match(text):
        serial = int(m["n"])
        if _SERIAL_MIN <= serial <= _SERIAL_MAX:
            return DateValue(_EXCEL_EPOCH + timedelta(days=serial))
        return DateValue(None, UNPARSEABLE)
    tail = _TIME_TAIL.match(text)
    day_text = "".join((tail["day"] if tail else text).split())
    if m := _COMPACT.match(day_text) or _YMD.match(day_text):
        return _from_parts(int(m["y"]), int(m["m"]), int(m["d"]))
    if m := _MD.match(day_text):
        if period is None:
            return DateValue(None, UNPARSEABLE)
        month, day = int(m["m"]), int(m["d"])
        return _from_parts(_year_for(month, period), month, day)
    return DateValue(None, UNPARSEABLE)


def parse_date(raw: str | None, *, period: date | None = None) -> DateValue:
    """Parse a date cell; `period` (the register month) supplies the year for "3月5日".

    Never raises. The ISO text of a returned date parses back to the same date.
    """
    text = clean_text(raw)
    if text is None:
        return DateValue(None, MISSING)
    try:
        return _parse(text, period)
    except (ValueError, OverflowError):
        return DateValue(None, UNPARSEABLE)
