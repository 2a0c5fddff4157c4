"""Phone cells to a canonical mobile ("13812341234") or landline ("0597-1234567").

A mobile number is half of the fallback identity (name + mobile) when a party has no valid
ID, so it must compare equal however it was typed: spaces, dashes, "+86", "86-",
full-width digits. Validity comes from the `phonenumbers` metadata for China (region CN)
rather than a hand-written pattern, so new number ranges arrive with a library update.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import phonenumbers
from phonenumbers import PhoneNumberType

from pipelines.ingest.normalize.text import clean_text

PHONE_MISSING = "phone_missing"
PHONE_INVALID = "phone_invalid"

PhoneKind = Literal["mobile", "landline"]

# Several numbers for one person in a cell ("138..../0597-..."): the first usable one wins.
_ALTERNATIVES = re.compile(r"[、，,;；/\n]|或")
_SEPARATORS = re.compile(r"[\s\-()（）.]")
_FLOAT_TAIL = re.compile(r"(?<=\d)\.0+$")
_INTERNATIONAL = re.compile(r"^(?:\+|00)86(?P<rest>\d+)$", re.ASCII)
_BARE_86 = re.compile(r"^86(?=1[3-9]\d{9}$|0\d{9,11}$)", re.ASCII)
_MOBILE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
_LANDLINE = re.compile(r"^0\d{9,11}$", re.ASCII)
_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
_FIXED_TYPES = {PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


@dataclass(frozen=True)
class PhoneValue:
    """A normalized phone cell: value and kind, or None with the issue code."""

    value: str | None
    kind: PhoneKind | None = None
    issue: str | None = None


def _digits(token: str) -> str:
    """Drop a float tail ("13812341234.0": the cell was a number), separators, then a
    country prefix: "+86"/"0086" always ("+86 597 ..." gets its trunk 0 back), a bare "86"
    only before a complete number ("86-" is covered because the dash went first)."""
    token = _FLOAT_TAIL.sub("", token.strip())
    token = _SEPARATORS.sub("", token)
    if m := _INTERNATIONAL.match(token):
        rest = m["rest"]
        return rest if rest.startswith(("0", "1")) else "0" + rest
    return _BARE_86.sub("", token)


# What phonenumbers strips from the front of a number typed without country code in
# China (the trunk 0, carrier-select prefixes such as 17909), from its own metadata.
_CN_METADATA = phonenumbers.PhoneMetadata.metadata_for_region("CN")
# Without that pattern (never, in a release) every mobile goes through parse ("" and "."
# match every number).
_CN_NATIONAL_PREFIX = re.compile(
    (_CN_METADATA.national_prefix_for_parsing or "") if _CN_METADATA else "."
)


def _parse_mobile(digits: str) -> phonenumbers.PhoneNumber:
    """``phonenumbers.parse(digits, "CN")`` for 11 ASCII digits from 13-19.

    With nothing for the metadata's national prefix to strip, parsing such a string
    yields country code 86 and the digits as national number: built here directly, since
    parse's general machinery (extensions, country-code extraction, two passes of digit
    normalization) was half of staging's time per distinct phone on the sample world.
    Anything the prefix could apply to (17909...) is parsed by the library.
    """
    if _CN_NATIONAL_PREFIX.match(digits):
        return phonenumbers.parse(digits, "CN")
    return phonenumbers.PhoneNumber(country_code=86, national_number=int(digits))


def _one(token: str) -> PhoneValue | None:
    """The canonical number of one token, or None.

    A number parsed for region CN has country code 86, and for it ``is_valid_number`` is
    exactly ``number_type(...) != UNKNOWN`` (both run the same type matcher on the same
    national number), so the type alone decides: asking both ran the matcher twice, a
    third of staging's time on the sample world.
    """
    digits = _digits(token)
    if _MOBILE.match(digits):
        number = _parse_mobile(digits)
        if phonenumbers.number_type(number) in _MOBILE_TYPES:
            return PhoneValue(digits, "mobile")
        return None
    if _LANDLINE.match(digits):
        number = phonenumbers.parse(digits, "CN")
        if phonenumbers.number_type(number) not in _FIXED_TYPES:
            return None
        national = str(number.national_number)
        area = phonenumbers.length_of_geographical_area_code(number)
        if area <= 0:
            return None
        return PhoneValue(f"0{national[:area]}-{national[area:]}", "landline")
    return None


def normalize_phone(raw: str | None) -> PhoneValue:
    """Normalize a phone cell; issue phone_missing (empty) or phone_invalid. Never raises.

    A canonical value normalizes to itself.
    """
    text = clean_text(raw)
    if text is None:
        return PhoneValue(None, None, PHONE_MISSING)
    for token in _ALTERNATIVES.split(text):
        if not token.strip():
            continue
        try:
            found = _one(token)
        except phonenumbers.NumberParseException:
            found = None
        if found is not None:
            return found
    return PhoneValue(None, None, PHONE_INVALID)
