"""People counts (涉及人数/来访人数) to a positive integer.

A blank count means one person (DESIGN.md section 4). Anything else that is not a
positive whole number is reported and also counted as one, so a typo never inflates
人次 or turns an individual petition into a group one (>= 5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.ingest.normalize.text import compact

PEOPLE_COUNT_INVALID = "people_count_invalid"
# Larger "counts" are IDs or phone numbers typed into the wrong column.
MAX_COUNT = 9999

_NUMBER = re.compile(r"^(?P<n>\d{1,9})(?:\.0*)?(?:人次|人|名|位)?$", re.ASCII)
CHINESE_NUMERALS = {  # 一..十 as people write them in counts and months
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
_CHINESE_COUNT = re.compile(r"^(?P<n>[一二两三四五六七八九十])(?:人次|人|名|位)?$")


@dataclass(frozen=True)
class CountValue:
    """A people count: always usable (>= 1); `issue` says when it was substituted."""

    value: int
    issue: str | None = None


def parse_count(raw: str | None) -> CountValue:
    """Parse a count cell: "5", "5.0", "5人", "５", "五人" -> 5; blank -> 1. Never raises."""
    text = compact(raw)
    if text is None:
        return CountValue(1)
    if m := _NUMBER.match(text):
        n = int(m["n"])
    elif m := _CHINESE_COUNT.match(text):
        n = CHINESE_NUMERALS[m["n"]]
    else:
        return CountValue(1, PEOPLE_COUNT_INVALID)
    if not 1 <= n <= MAX_COUNT:
        return CountValue(1, PEOPLE_COUNT_INVALID)
    return CountValue(n)
