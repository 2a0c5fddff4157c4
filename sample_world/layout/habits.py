"""Each township office's register habits, stable across months.

Habits are a function of the run seed, the township and the office's slot, so a township
sends the same template every month and a small test world still sees every kind of mess.
"""

from __future__ import annotations

import random

from sample_world.layout.headers import columns
from sample_world.layout.style import Style

# Register habits are assigned by "slot": 2 x (township's position in the run) + 0 for the
# dispute register, 1 for the petition register (two offices, two habits). The first six
# slots cover every kind of mess, so a 3-township test world sees all of them.
FORMATS = {
    1: "csv-gb18030-bom",
    3: "xls",
    5: "csv-utf8",
    13: "xls",
    20: "csv-gb18030",
    27: "csv-gb18030-bom",
}
QUARTERLY_SLOTS = frozenset({4, 22})
NO_NUMBER_SLOTS = frozenset({3, 4, 10, 11, 24, 29})
_TWO_ROW_SLOTS = frozenset({2, 9, 16, 25})
_INSTRUCTION_SLOTS = frozenset({0, 15})
_GENERIC_NAME_SLOTS = frozenset({2, 7, 19, 30})
_SEQ_SLOTS = frozenset({4, 9, 10, 24})
_DATE_MAIN_XL = ("date", "serial", "cn", "slash", "date", "iso", "dot")
_DATE_MAIN_CSV = ("iso", "slash", "cn", "dot")


def slot(position: int, template: str) -> int:
    """The office's slot (see above); habit tables repeat every 34 slots."""
    return 2 * position + (0 if template == "dispute" else 1)


def township_style(
    seed: int,
    position: int,
    code: str,
    template: str,
    has_no: bool,
    links: bool,
    petition_columns: bool | None = None,
) -> Style:
    """The register habits of one township office (stable across months).

    ``petition_columns``: for a dispute register, whether it carries petition columns and
    (the value) whether they include 信访编号; None: no petition columns."""
    rng = random.Random(f"{seed}:{code}:{template}:style")
    s = slot(position, template) % 34
    fmt = FORMATS.get(s, "xlsx")
    quarterly = s in QUARTERLY_SLOTS
    if quarterly:
        fmt = "xlsx"
    csv = fmt.startswith("csv")
    mains = _DATE_MAIN_CSV if csv else _DATE_MAIN_XL
    main = mains[s % len(mains)]
    forms = tuple(dict.fromkeys((main, "cn", "slash", "iso", "md", "fw")))
    weights = tuple(80 if f == main else (4 if f == "fw" else 6) for f in forms)
    style = Style(
        fmt=fmt,
        named_files=s not in _GENERIC_NAME_SLOTS,
        quarterly=quarterly,
        instructions_sheet=s in _INSTRUCTION_SLOTS and not csv,
        two_row_header=s in _TWO_ROW_SLOTS and not csv,
        multi_party=(s // 2) % 2 == 0,
        township_column=s % 3 != 0,
        seq_column=s in _SEQ_SLOTS,
        totals="合计" if s % 3 == 1 else ("小计" if s % 5 == 2 else None),
        notes=s % 4 in (1, 2),
        spacer=s % 4 == 3,
        date_forms=forms,
        date_weights=weights,
    )
    extra = (
        (random.Random(f"{seed}:{code}:{template}:petition-columns"), petition_columns)
        if petition_columns is not None
        else None
    )
    cols = columns(rng, template, style, has_no, extra)
    if not links:
        cols = [c for c in cols if c.field != "linked_case_no"]
    style.columns = cols
    return style
