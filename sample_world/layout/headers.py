"""A register's columns: which fields a template has and the header words a township
writes for them (synonyms, full-width brackets, spaced or wrapped words, 必填 marks).

The words are drawn from the reference header synonyms (the words the warehouse matches)
and then decorated the way offices do.
"""

from __future__ import annotations

import random

from pipelines.reference import load
from sample_world.layout.style import Column, Style

DISPUTE_FIELDS = (
    "case_no",
    "township",
    "village",
    "category",
    "party_name",
    "id_number",
    "phone",
    "people_count",
    "summary",
    "found_date",
    "responsible_unit",
    "leader",
    "measures",
    "status",
    "resolved_date",
    "risk_level",
    "remarks",
)
PETITION_FIELDS = (
    "petition_no",
    "petition_date",
    "form",
    "party_name",
    "id_number",
    "phone",
    "people_count",
    "township",
    "village",
    "content",
    "category",
    "level",
    "accepted_date",
    "concluded_date",
    "is_extended",
    "linked_case_no",
    "meeting_date",
    "remarks",
)
_OPTIONAL = {
    "dispute": (
        "village",
        "people_count",
        "summary",
        "responsible_unit",
        "leader",
        "measures",
        "risk_level",
        "remarks",
    ),
    "petition": ("village", "content", "remarks"),
}
# Petition columns of a dispute register whose township records the disputes that were
# also petitioned (headers from the dispute template's synonyms: never 办结日期, which is
# the dispute's own 化解/办结 date). 信访编号 only where the petition register numbers too.
DISPUTE_PETITION_COLUMNS = (
    "petition_no",
    "petition_date",
    "form",
    "level",
    "accepted_date",
    "concluded_date",
    "is_extended",
    "meeting_date",
)
_KEY_FIELDS = ("party_name", "found_date", "petition_date", "status", "form")


def _decorate(rng: random.Random, fieldname: str, header: str, marks: dict[str, bool]) -> str:
    if "(" in header and marks["fullwidth"]:
        header = header.replace("(", "（").replace(")", "）")
    if fieldname == "phone" and marks["spaced"] and len(header) == 4:
        header = " ".join(header)
    elif fieldname in ("resolved_date", "accepted_date", "concluded_date") and marks["newline"]:
        header = header[:2] + "\n" + header[2:]
    if fieldname in _KEY_FIELDS and marks["required"]:
        header += "（必填）"
    elif fieldname in _KEY_FIELDS and marks["star"]:
        header = "*" + header
    return header


def _petition_columns(
    rng: random.Random, style: Style, petition_no: bool, marks: dict[str, bool]
) -> list[Column]:
    """The petition columns appended to a dispute register (under a 信访情况 parent when
    the register has two header rows)."""
    synonyms = load.header_synonyms()["dispute"]
    cols = []
    for f in DISPUTE_PETITION_COLUMNS:
        if f == "petition_no" and not petition_no:
            continue
        words = synonyms[f]
        header = words[0] if rng.random() < 0.5 else rng.choice(words)
        if style.two_row_header:
            cols.append(Column(f, header, parent="信访情况"))
        else:
            plain = marks | {"required": False, "star": False}
            cols.append(Column(f, _decorate(rng, f, header, plain)))
    return cols


def columns(
    rng: random.Random,
    template: str,
    style: Style,
    has_no: bool,
    petition_columns: tuple[random.Random, bool] | None = None,
) -> list[Column]:
    """One office's columns, in order: 序号 if kept, the template's fields (the number
    only if the township numbers, optional ones sometimes dropped), then any petition
    columns (their own RNG and whether 信访编号 is among them)."""
    synonyms = load.header_synonyms()[template]
    fields = DISPUTE_FIELDS if template == "dispute" else PETITION_FIELDS
    marks = {
        k: rng.random() < p
        for k, p in (
            ("fullwidth", 0.6),
            ("spaced", 0.3),
            ("newline", 0.3),
            ("required", 0.25),
            ("star", 0.2),
        )
    }
    cols: list[Column] = []
    if style.seq_column:
        cols.append(Column("seq", "序号"))
    key = "case_no" if template == "dispute" else "petition_no"
    party_word = "当事人" if template == "dispute" else "信访人"
    for f in fields:
        if f == key and not has_no:
            continue
        if f == "township" and not style.township_column:
            continue
        # 涉及人数 is the people_count of a petitioned dispute's event: always kept there.
        dropped = f in _OPTIONAL[template] and rng.random() < 0.2
        if dropped and not (petition_columns and f == "people_count"):
            continue
        words = [w for w in synonyms[f] if not (f == "township" and w == "乡镇(街道)")]
        if f == "party_name":
            words = [party_word, party_word + "姓名", "姓名"]
        header = words[0] if rng.random() < 0.5 else rng.choice(words)
        if style.two_row_header and f in ("party_name", "id_number", "phone"):
            child = {
                "party_name": "姓名",
                "id_number": rng.choice(("身份证号", "身份证号码")),
                "phone": "联系电话",
            }[f]
            cols.append(Column(f, child, parent=party_word))
            continue
        cols.append(Column(f, _decorate(rng, f, header, marks)))
    if petition_columns:
        extra_rng, petition_no = petition_columns
        cols.extend(_petition_columns(extra_rng, style, petition_no, marks))
    return cols
