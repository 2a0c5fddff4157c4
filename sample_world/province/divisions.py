"""The counties of 福建省 and their division codes over time, from stdnum's table.

python-stdnum (already the project's ID checker) ships the national division-code table
with validity years (`[1983-]鼓楼区`, `[-1996]连城县`); province mode takes its counties
from there, so county codes and names are real and every simulated ID passes the same
check stdnum applies to real ones (the code must be valid in the birth year).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from stdnum import numdb

PROVINCE_CODE = "35"
PROVINCE_NAME = "福建省"
# Always valid (no years in the table): the birth place of people born before their own
# county's code existed and with no older code under the same name.
FALLBACK_AREA = "350121"  # 闽侯县
# Telephone area code by prefecture (first four digits of the division code).
LANDLINE = {
    "3501": "0591",
    "3502": "0592",
    "3503": "0594",
    "3504": "0598",
    "3505": "0595",
    "3506": "0596",
    "3507": "0599",
    "3508": "0597",
    "3509": "0593",
}
_ENTRY = re.compile(r"(?:\[(\d*)-(\d*)\])?(.+)")


@dataclass(frozen=True)
class Division:
    code: str  # six digits
    name: str
    first_year: int | None
    last_year: int | None  # None: still in use

    def valid_in(self, year: int) -> bool:
        return (self.first_year is None or year >= self.first_year) and (
            self.last_year is None or year <= self.last_year
        )


@dataclass(frozen=True)
class County:
    code: str
    name: str
    city: str
    landline_prefix: str


@cache
def divisions() -> tuple[Division, ...]:
    """Every (code, name, years) entry of the province, in code order."""
    province = next(p for p in numdb.get("cn/loc").prefixes if p[1] == PROVINCE_CODE)
    out: list[Division] = []
    for _length, low, _high, props, _children in province[4]:
        for entry in props.get("county", "").split(","):
            m = _ENTRY.fullmatch(entry)
            if m:
                first, last, name = m.groups()
                out.append(
                    Division(
                        PROVINCE_CODE + low,
                        name,
                        int(first) if first else None,
                        int(last) if last else None,
                    )
                )
    return tuple(out)


@cache
def counties() -> tuple[County, ...]:
    """The county-level divisions in use today (84 for 福建), in code order."""
    cities = {d.code[:4]: d.name for d in divisions() if d.code.endswith("00")}
    return tuple(
        County(d.code, d.name, cities.get(d.code[:4], ""), LANDLINE.get(d.code[:4], "0591"))
        for d in divisions()
        if d.last_year is None and not d.code.endswith(("00", "01"))
    )


def spread(n: int) -> tuple[County, ...]:
    """`n` counties spread evenly over the code list (so a tenth of the province covers
    every prefecture rather than the districts of 福州)."""
    every = counties()
    if not 1 <= n <= len(every):
        raise ValueError(f"counties must be 1..{len(every)}")
    return tuple(every[i * len(every) // n] for i in range(n))


@cache
def id_area(county: County, year: int) -> str:
    """The division code in an ID of someone from `county` born in `year`: the county's
    code then in use (same name), else the always-valid fallback."""
    valid = [d for d in divisions() if d.name == county.name and d.valid_in(year)]
    exact = [d for d in valid if d.code == county.code]
    return (exact or valid or [Division(FALLBACK_AREA, "", None, None)])[0].code
