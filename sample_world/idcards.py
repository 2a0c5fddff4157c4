"""Resident ID numbers (GB 11643) for the sample world, and the ways sheets damage them.

Every world person gets a valid 18-digit ID, because the ID is the warehouse's strongest
identity key and the truth files rely on it. The damaged forms (wrong check digit, a number
cell that lost its tail) are produced here so the detection rules the ingest applies are
mirrored in one place: a corrupted ID must be recognisable as exactly the issue the truth
records, never as a different one.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from stdnum.cn import ric

# 连城县's division code changed in 1996 (352627 -> 350825); stdnum checks the code against
# the birth year, so a person born before 1996 carries the old code, as real IDs do.
OLD_AREA = "352627"
NEW_AREA = "350825"
AREA_SWITCH_YEAR = 1996


def check_digit(body17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    return ric.calc_check_digit(body17 + "0")


def liancheng_area(year: int) -> str:
    """连城县's division code for someone born in `year`."""
    return OLD_AREA if year < AREA_SWITCH_YEAR else NEW_AREA


def make_id(
    rng: random.Random, birth: date, female: bool, area_for: Callable[[int], str] | None = None
) -> str:
    """A valid 18-digit ID for someone born in the county on `birth`; `area_for` gives the
    division code for a birth year (default: 连城县's)."""
    area = (area_for or liancheng_area)(birth.year)
    seq = rng.randrange(0, 500) * 2 + (0 if female else 1)
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + check_digit(body)


def to_15(id18: str) -> str:
    """The pre-1999 15-digit form of an ID (two-digit year, no check digit)."""
    return id18[:6] + id18[8:17]


def upgrade_15(id15: str) -> str:
    """GB 11643 upgrade: insert "19", append the check digit."""
    body = id15[:6] + "19" + id15[6:]
    return body + check_digit(body)


def excel_number(id18: str) -> float:
    """What a number cell keeps of an ID typed into it: Excel stores 15 significant digits."""
    return float(id18[:15] + "000")


def float_exact(text: str) -> bool:
    """True when a float64 reproduces the 18 digits exactly (so a reader cannot tell a
    number cell from text)."""
    return int(float(text)) == int(text)


def loses_detectably(id18: str) -> bool:
    """True when every number-cell form of the ID fails the checksum, so the loss is
    reported as id_lost_precision instead of silently yielding a wrong valid ID."""
    if not id18.isdigit():
        return False
    excel = id18[:15] + "000"
    # Excel's 15 digits, and the exact binary value a reader prints for either float.
    forms = (excel, str(int(float(excel))), str(int(float(id18))))
    return all(check_digit(f[:17]) != f[17] for f in forms)


def corrupt_checksum(rng: random.Random, id18: str) -> str | None:
    """The ID with a wrong check digit that no float reproduces and that does not end in
    "000" (the ingest would call those lost precision), or None if none exists."""
    right = id18[17]
    choices = [d for d in "0123456789" if d != right]
    rng.shuffle(choices)
    for d in choices:
        cand = id18[:17] + d
        if not cand.endswith("000") and not float_exact(cand):
            return cand
    return None


def is_valid(id18: str) -> bool:
    return ric.is_valid(id18)
