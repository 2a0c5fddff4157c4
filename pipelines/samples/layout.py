"""Township register styles and the placement of rows on a sheet.

A township keeps the same template month after month, so the style (columns, header
words, date habits, file format, extra sheets) is a function of the township's position
in the reference list and the seed. Placement turns rendered rows into a grid with title,
info, header, spacer, total and note rows, and records the Excel row number of every data
row, which the truth files use as lineage.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from pipelines.reference import load
from pipelines.samples.mess import Cell

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


@dataclass(frozen=True)
class Column:
    field: str  # canonical field, or "seq" for 序号
    header: str
    parent: str | None = None  # two-row header: the merged cell above


@dataclass
class Style:
    fmt: str
    named_files: bool
    quarterly: bool
    instructions_sheet: bool
    two_row_header: bool
    multi_party: bool
    township_column: bool
    seq_column: bool
    totals: str | None
    notes: bool
    spacer: bool
    date_forms: tuple[str, ...]
    date_weights: tuple[int, ...]
    columns: list[Column] = field(default_factory=list)

    @property
    def is_csv(self) -> bool:
        return self.fmt.startswith("csv")


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


def _columns(
    rng: random.Random,
    template: str,
    style: Style,
    has_no: bool,
    petition_columns: tuple[random.Random, bool] | None = None,
) -> list[Column]:
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


def slot(position: int, template: str) -> int:
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
    cols = _columns(rng, template, style, has_no, extra)
    if not links:
        cols = [c for c in cols if c.field != "linked_case_no"]
    style.columns = cols
    return style


@dataclass
class DataRow:
    """One table row: its cells by field, whether the warehouse should stage it, and the
    issues (field, rule, severity) the validation must report for it."""

    cells: dict[str, Cell]
    expected: str = "staged"
    issues: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class SheetSpec:
    name: str
    ncols: int
    rows: list[list[Cell | None]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    styled: dict[int, str] = field(default_factory=dict)  # row -> "title"|"header"|"info"
    data: list[tuple[int, DataRow]] = field(default_factory=list)  # (excel_row, row)


def text_sheet(name: str, lines: list[str]) -> SheetSpec:
    """A sheet of plain text lines (instructions)."""
    sheet = SheetSpec(name=name, ncols=1)
    for line in lines:
        sheet.rows.append([("s", line)])
    return sheet


def _whole(value: object) -> int:
    """int() of a number cell's value (cells are typed `tuple[str, object]`)."""
    if not isinstance(value, int | float):
        raise TypeError(f"number cell holds {value!r}")
    return int(value)


def place(
    name: str,
    columns: list[Column],
    title: list[str],
    info: str | None,
    rows: list[DataRow],
    style: Style,
    rng: random.Random,
) -> SheetSpec:
    """Lay a register out on a grid: titles, info line, header(s), data, totals, notes."""
    n = len(columns)
    sheet = SheetSpec(name=name, ncols=n)
    grid = sheet.rows
    merge = not style.is_csv

    def add(row: list[Cell | None], kind: str | None = None) -> int:
        grid.append(row)
        r = len(grid) - 1
        if kind:
            sheet.styled[r] = kind
        return r

    for line in title:
        r = add([("s", line)] + [None] * (n - 1), "title")
        if merge:
            sheet.merges.append((r, 0, r, n - 1))
    if info:
        r = add([("s", info)] + [None] * (n - 1), "info")
        if merge:
            sheet.merges.append((r, 0, r, n - 1))
    if style.spacer:
        add([None] * n)
    if style.two_row_header:
        top: list[Cell | None] = []
        bottom: list[Cell | None] = []
        r = len(grid)
        c = 0
        while c < n:
            col = columns[c]
            if col.parent:
                span = 1
                while c + span < n and columns[c + span].parent == col.parent:
                    span += 1
                top.append(("s", col.parent))
                top.extend([None] * (span - 1))
                bottom.extend(("s", columns[c + k].header) for k in range(span))
                sheet.merges.append((r, c, r, c + span - 1))
                c += span
            else:
                top.append(("s", col.header))
                bottom.append(None)
                sheet.merges.append((r, c, r + 1, c))
                c += 1
        add(top, "header")
        add(bottom, "header")
    else:
        add([("s", c.header) for c in columns], "header")
    fields = [c.field for c in columns]
    for seq, row in enumerate(rows, 1):
        if style.spacer and seq > 1 and rng.random() < 0.02:
            add([None] * n)
        cells = row.cells
        out: list[Cell | None] = []
        for f in fields:
            out.append(("n", seq) if f == "seq" else cells.get(f))
        r = add(out)
        sheet.data.append((r + 1, row))
    if style.totals:
        tot: list[Cell | None] = [None] * n
        tot[0] = ("s", style.totals)
        tot[1] = ("s", f"共{len(rows)}件")
        if "people_count" in fields:
            total = sum(
                _whole(cell[1])
                for row in rows
                if (cell := row.cells.get("people_count")) and cell[0] == "n"
            )
            tot[fields.index("people_count")] = ("n", total)
        add(tot)
    if style.notes:
        add([None] * n)
        add(
            [
                (
                    "s",
                    "填表说明：1.本表每月5日前报送县综治中心；2.日期填写到日；"
                    "3.化解状态填写已化解、化解中或未化解。",
                )
            ]
            + [None] * (n - 1)
        )
        add(
            [
                (
                    "s",
                    "填表人："
                    + rng.choice(("张敏", "罗丽", "李强", "江华"))
                    + "    审核人："
                    + rng.choice(("黄伟", "林芳", "邱明")),
                )
            ]
            + [None] * (n - 1)
        )
    return sheet
