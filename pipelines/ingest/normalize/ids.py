"""Resident ID numbers (居民身份证号码, GB 11643) to a trusted 18-character form.

An ID is the strongest identity key the warehouse has, so only an ID that proves itself
(check digit and birth date) is used; anything else is reported and treated as missing,
never repaired by guessing. Old 15-digit IDs are upgraded, since the upgrade is defined
by the standard. IDs that went through an Excel number cell ("4.30521E+17", or 18 digits
whose tail a float rounded) have lost digits and are flagged as such, because the fix for
the coordinator is different: format the column as text and retype.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from pipelines.ingest.normalize.text import compact

VALID = "valid"
UPGRADED = "upgraded"
CHECKSUM = "checksum"
LOST_PRECISION = "lost_precision"
MALFORMED = "malformed"
MISSING = "missing"

_ISSUES = {
    CHECKSUM: "id_checksum",
    LOST_PRECISION: "id_lost_precision",
    MALFORMED: "id_malformed",
}

_SCIENTIFIC = re.compile(r"^\d+(?:\.\d+)?E[+-]?\d+$", re.ASCII)
_FLOAT_TEXT = re.compile(r"^(?P<digits>\d{15,18})\.0+$", re.ASCII)
_ID18 = re.compile(r"^\d{17}[\dX]$", re.ASCII)
_ID15 = re.compile(r"^\d{15}$", re.ASCII)
_EARLIEST_BIRTH = date(1900, 1, 1)


@dataclass(frozen=True)
class IdValue:
    """A normalized ID cell. `value` is set only when `status` is valid or upgraded."""

    value: str | None
    status: str
    issue: str | None = None

    @property
    def is_valid(self) -> bool:
        return self.value is not None


def _result(status: str, value: str | None = None) -> IdValue:
    return IdValue(value, status, _ISSUES.get(status))


def _birth_ok(id18: str) -> bool:
    """The birth date must exist and lie between 1900 and today."""
    try:
        born = ric.get_birth_date(id18)
    except (ValidationError, ValueError):
        return False
    return _EARLIEST_BIRTH <= born <= date.today()


def upgrade_15(id15: str) -> str:
    """GB 11643 upgrade of a 15-digit ID: insert the century "19", append the check digit."""
    body = id15[:6] + "19" + id15[6:]
    return body + ric.calc_check_digit(body + "0")


def _looks_like_float(digits: str) -> bool:
    """An 18-digit number a float64 reproduces exactly, or with Excel's zeroed tail."""
    return digits.endswith("000") or int(float(digits)) == int(digits)


def _classify(text: str) -> IdValue:
    from_float = False
    if _SCIENTIFIC.match(text):
        return _result(LOST_PRECISION)
    if m := _FLOAT_TEXT.match(text):
        text, from_float = m["digits"], True
    if _ID15.match(text):
        id18 = upgrade_15(text)
        return _result(UPGRADED, id18) if _birth_ok(id18) else _result(MALFORMED)
    if not _ID18.match(text):
        return _result(MALFORMED)
    if ric.calc_check_digit(text) != text[-1]:
        if text.isdigit() and (from_float or _looks_like_float(text)):
            return _result(LOST_PRECISION)
        return _result(CHECKSUM)
    return _result(VALID, text) if _birth_ok(text) else _result(MALFORMED)


def normalize_id(raw: str | None) -> IdValue:
    """Normalize an ID cell: spaces, apostrophes, full-width digits and a lowercase x are
    fixed; 15 digits are upgraded to 18. Never raises; a valid value normalizes to itself.
    """
    text = compact(raw)
    if text is None:
        return _result(MISSING)
    text = text.replace("'", "").replace("-", "").upper()
    if not text:
        return _result(MISSING)
    try:
        return _classify(text)
    except (ValueError, OverflowError, ValidationError):
        return _result(MALFORMED)
