"""Find the register table inside a sheet grid: header row(s), columns, data rows.

Township sheets put a title and a "填报单位：… 填报日期：…" line above the header, sometimes
split the header over two rows under a merged parent (当事人 over 姓名/身份证号/联系电话), and
end with a 合计 row or notes. Headers are matched on a normalized text against the synonym
lists in ``pipelines/reference/headers.yaml`` (data, not code), so a new wording is a
one-line change there.

Only the first rows are looked at cell by cell (the header is near the top); everything
below is handled with polars expressions so a long sheet costs little.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache

import polars as pl

from pipelines.ingest.read import SheetGrid, column_letter
from pipelines.reference.load import header_synonyms
from pipelines.vocabulary.fields import TEMPLATES

MIN_HEADER_MATCHES = 3
# The header sits under at most a few title lines; a generous bound keeps odd sheets working.
HEADER_SCAN_ROWS = 30
# A row sequence column: not a case number, not data (docs/contracts.md).
SEQUENCE_HEADERS = frozenset({"序号", "序", "No", "NO", "no", "No.", "编码序号"})
# A dispute register may carry petition columns (信访日期, 信访形式, ...) for disputes that
# were also petitioned, so a header holding every key of both templates is a dispute
# register; a petition register never has the dispute's 排查时间 and 化解状态.
DISPUTE_OVER_PETITION = "dispute"

_BRACKETS = str.maketrans(
    {
        "【": "(",
        "】": ")",
        "[": "(",
        "]": ")",
        "〔": "(",
        "〕": ")",
        "{": "(",
        "}": ")",
        "<": "(",
        ">": ")",
        "《": "(",
        "》": ")",
    }
)
_REQUIRED_MARK = re.compile(r"\((?:必填|必填项|必录|选填)\)|[*※★]")
_PARENTHETICAL = re.compile(r"\([^()]*\)")
_WHITESPACE = re.compile(r"\s+")

# Rows that end the table: a totals row, or notes / sign-off lines under it.
# Matched on the raw cell (spaces and a full-width colon allowed) so that a long sheet is
# not normalized row by row.
_TOTAL_ROW = r"^\s*(?:合|小|总|共)\s*计"
_NOTE_ROW = r"^\s*(?:填\s*表\s*说\s*明|说\s*明\s*[:：]|注\s*[:：\d]|备\s*注\s*[:：])"
_FOOTER_ROW = (
    r"^\s*(?:填表人|制表人|审核人|负责人|单位负责人|分管领导|填报人|填报单位|填报日期|报送日期)"
    r"\s*[:：]"
)
_REPORT_DATE = re.compile(
    r"(?:填报|报送|填表|制表)(?:日期|时间)\s*[:]?\s*"
    r"(\d{4}\s*[年./-]\s*\d{1,2}\s*[月./-]\s*\d{1,2}\s*日?)"
)

_REPORT_LABEL = re.compile(r"(?:填报|报送|填表|制表)(?:日期|时间)")


@dataclass(frozen=True)
class ColumnRef:
    """Where a field sits: 0-based column index, Excel letter, header text as shown."""

    index: int
    letter: str
    header: str


@dataclass
class TableLayout:
    """The table found in one sheet.

    ``data`` holds one Utf8 column per canonical field found plus ``excel_row``; columns
    whose header is not recognized are kept in ``extras`` / ``extra_data`` (keyed by Excel
    letter) so nothing the coordinator typed is lost, without widening the raw tables.
    """

    template: str | None
    header_rows: list[int]
    columns: dict[str, ColumnRef]
    data: pl.DataFrame
    title_lines: list[str] = field(default_factory=list)
    report_date_text: str | None = None
    # Excel row and column letter of the cell that holds the 填报日期, for pointing a
    # finding about it (report_date_stale) at the cell the coordinator must correct.
    report_date_cell: tuple[int, str] | None = None
    extras: dict[str, ColumnRef] = field(default_factory=dict)
    extra_data: pl.DataFrame = field(default_factory=pl.DataFrame)
    end_row: int | None = None  # Excel row of the 合计 / notes row that ended the table

    @property
    def header_texts(self) -> list[str]:
        return [ref.header for ref in self.columns.values()]


def normalize_header(text: str | None) -> str:
    """Header text as matched: NFKC, no whitespace, no "(必填)"/"*", brackets unified."""
    if not text:
        return ""
    out = unicodedata.normalize("NFKC", str(text)).translate(_BRACKETS)
    out = _WHITESPACE.sub("", out)
    out = _REQUIRED_MARK.sub("", out)
    return out.strip(":")


@cache
def synonym_index() -> dict[str, dict[str, str]]:
    """template -> normalized header -> canonical field (first listed field wins)."""
    spec = header_synonyms()
    index: dict[str, dict[str, str]] = {}
    for template in TEMPLATES:
        table: dict[str, str] = {}
        for field_name, words in spec[template].items():
            for word in words:
                table.setdefault(normalize_header(word), field_name)
        index[template] = table
    return index


def template_keys() -> dict[str, list[str]]:
    return dict(header_synonyms()["template_keys"])


def match_header(text: str | None, template: str) -> str | None:
    """Canonical field for one header cell, or None (cached: cells repeat a lot)."""
    return _match_header(text, template) if text else None


@lru_cache(maxsize=65536)
def _match_header(text: str, template: str) -> str | None:
    """Canonical field for one header cell, or None; tries the text without a trailing
    parenthetical too ("排查时间(年月日)")."""
    key = normalize_header(text)
    if not key:
        return None
    table = synonym_index()[template]
    found = table.get(key)
    if found is None:
        bare = _PARENTHETICAL.sub("", key)
        if bare and bare != key:
            found = table.get(bare)
    return found


# --- header search ----------------------------------------------------------------------


@dataclass
class _HeaderCandidate:
    template: str
    mapping: dict[int, str]  # column index -> field (first column per field)
    headers: dict[int, str]  # column index -> header text as shown (every non-empty one)
    rows: list[int]  # 0-based positions in the grid
    raw: dict[int, str] = field(default_factory=dict)  # lowest header cell, stripped

    @property
    def score(self) -> int:
        return len(set(self.mapping.values()))


def _shown(text: str | None) -> str:
    return _WHITESPACE.sub(" ", str(text)).strip() if text else ""


def _match_cells(texts: dict[int, list[str]], template: str) -> dict[int, str]:
    """Column -> field, trying each column's candidate texts in order; first column wins."""
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for col in sorted(texts):
        for text in texts[col]:
            found = match_header(text, template)
            if found:
                if found not in taken:
                    mapping[col] = found
                    taken.add(found)
                break
    return mapping


def _best(
    texts: dict[int, list[str]], headers: dict[int, str], rows: list[int]
) -> _HeaderCandidate:
    keys = template_keys()
    raw = {j: t[0].strip() for j, t in texts.items()}
    cands = [_HeaderCandidate(t, _match_cells(texts, t), headers, rows, raw) for t in TEMPLATES]

    def rank(c: _HeaderCandidate) -> tuple[bool, bool, int]:
        have = set(c.mapping.values())
        complete = all(k in have for k in keys[c.template])
        return (complete, complete and c.template == DISPUTE_OVER_PETITION, c.score)

    return max(cands, key=rank)


def _single(row: Sequence[str | None], pos: int) -> _HeaderCandidate:
    texts = {j: [v] for j, v in enumerate(row) if v and v.strip()}
    headers = {j: _shown(v) for j, v in enumerate(row) if v and v.strip()}
    return _best(texts, headers, [pos])


def _double(
    parent: Sequence[str | None], child: Sequence[str | None], pos: int
) -> _HeaderCandidate:
    """Parent row over child row: a merged parent's text sits in its first column only, so
    it is carried right over the empty parent cells that have a child below them."""
    texts: dict[int, list[str]] = {}
    headers: dict[int, str] = {}
    carried: str | None = None
    for j in range(max(len(parent), len(child))):
        p = parent[j] if j < len(parent) else None
        c = child[j] if j < len(child) else None
        p = p if p and p.strip() else None
        c = c if c and c.strip() else None
        if p is not None:
            carried = p
        elif c is None:
            carried = None  # a gap in both rows ends the merged parent
        if c is not None:
            up = p or carried
            texts[j] = [c] + ([up + c] if up else [])
            headers[j] = f"{_shown(up)}/{_shown(c)}" if up else _shown(c)
        elif p is not None:
            texts[j] = [p]  # merged vertically: the parent is the header
            headers[j] = _shown(p)
    return _best(texts, headers, [pos, pos + 1])


def find_header(rows: Sequence[Sequence[str | None]]) -> _HeaderCandidate | None:
    """The first row (or row pair) matching >= 3 synonyms of one template."""
    singles: dict[int, _HeaderCandidate] = {}

    def single(i: int) -> _HeaderCandidate:
        if i not in singles:
            singles[i] = _single(rows[i], i)
        return singles[i]

    for i in range(len(rows)):
        one = single(i)
        if i + 1 < len(rows) and any(v and v.strip() for v in rows[i + 1]):
            two = _double(rows[i], rows[i + 1], i)
            # The pair must beat both rows alone: a title over a one-row header, or a
            # header over its first data row, is not a two-row header.
            if (
                two.score >= MIN_HEADER_MATCHES
                and two.score > one.score
                and two.score > single(i + 1).score
            ):
                return two
        if one.score >= MIN_HEADER_MATCHES:
            return one
    return None


# --- the table --------------------------------------------------------------------------


def _line_texts(rows: Sequence[Sequence[str | None]]) -> list[str]:
    """Each row's non-empty cells joined by a space (titles and footers: a few rows)."""
    lines = (" ".join(_shown(v) for v in r if v and v.strip()) for r in rows)
    return [line for line in lines if line]


def find_table(grid: SheetGrid) -> TableLayout | None:
    """The register table in ``grid``, or None when no row looks like a header."""
    cells = grid.cells
    cols = grid.cell_columns
    if not cols or cells.height == 0:
        return None
    head = cells.head(HEADER_SCAN_ROWS)
    rows = head.select(cols).rows()
    header = find_header(rows)
    if header is None:
        return None
    excel_rows = head["excel_row"].to_list()
    header_rows = [int(excel_rows[i]) for i in header.rows]

    letters = {j: column_letter(j) for j in header.headers}
    columns = {
        f: ColumnRef(j, letters[j], header.headers[j]) for j, f in sorted(header.mapping.items())
    }
    extras = {
        letters[j]: ColumnRef(j, letters[j], text)
        for j, text in sorted(header.headers.items())
        if j not in header.mapping
        and normalize_header(text) not in SEQUENCE_HEADERS
        and normalize_header(text.split("/")[-1]) not in SEQUENCE_HEADERS
    }

    # Rows are in sheet order, so positions slice the grid without a query.
    body = cells.slice(header.rows[-1] + 1)
    named_cols = [f"c{ref.index}" for ref in columns.values()] + [
        f"c{ref.index}" for ref in extras.values()
    ]
    unnamed_cols = [c for c in cols if int(c[1:]) not in header.headers]
    # One pass over the body: where the table ends, which rows hold a record, whether a row
    # repeats the header (pasted pages, print titles), and which unnamed columns hold data.
    nonblank = {c: pl.col(c).str.contains(r"\S").fill_null(False) for c in cols}
    first = pl.coalesce([pl.when(nonblank[c]).then(pl.col(c)) for c in cols])
    filled = pl.sum_horizontal([nonblank[c].cast(pl.Int32) for c in cols])
    stop = (
        first.str.contains(_TOTAL_ROW)
        | (first.str.contains(_NOTE_ROW) & (filled == 1))
        | first.str.contains(_FOOTER_ROW)
    ).fill_null(False)
    probes = [(f"c{j}", raw) for j, raw in sorted(header.raw.items())][:MIN_HEADER_MATCHES]
    repeat = (
        pl.all_horizontal(
            [(pl.col(c).str.strip_chars() == raw).fill_null(False) for c, raw in probes]
        )
        if probes
        else pl.lit(False)
    )
    # A pre-numbered 序号 on an otherwise empty template row is not a record.
    keep = pl.any_horizontal([nonblank[c] for c in named_cols]) if named_cols else pl.lit(False)
    flags = body.select(
        stop.alias("_stop"),
        (keep & ~repeat).alias("_keep"),
        repeat.alias("_repeat"),
        *(nonblank[c].alias(c) for c in unnamed_cols),
    )
    stop_at = flags["_stop"].arg_true()
    n_table = int(stop_at[0]) if stop_at.len() else body.height
    end_row = int(body["excel_row"][n_table]) if n_table < body.height else None
    flags = flags.head(n_table)

    # Unnamed columns with data under them are kept too (a header cell left blank).
    mask = flags["_keep"]
    for c in unnamed_cols:
        if flags[c].any():
            j = int(c[1:])
            extras[column_letter(j)] = ColumnRef(j, column_letter(j), "")
            mask = mask | (flags[c] & ~flags["_repeat"])
    table = body.head(n_table).filter(mask)
    data = table.select(
        [pl.col(f"c{ref.index}").alias(f) for f, ref in columns.items()] + ["excel_row"]
    )
    extra_data = table.select(
        [pl.col(f"c{ref.index}").alias(letter) for letter, ref in extras.items()] + ["excel_row"]
    )

    title_rows = list(zip(excel_rows[: header.rows[0]], rows[: header.rows[0]], strict=True))
    title_lines = _line_texts([r for _, r in title_rows])
    footer_lines: list[str] = []
    footer_rows: list[tuple[int, tuple[str | None, ...]]] = []
    if end_row is not None:
        footer_frame = body.slice(n_table, HEADER_SCAN_ROWS)
        footer = footer_frame.select(cols).rows()
        footer_rows = list(zip(footer_frame["excel_row"].to_list(), footer, strict=True))
        footer_lines = _line_texts(footer)
    report_date_text = find_report_date_text(title_lines + footer_lines)

    template = detect_template_from_fields(header.template, set(columns))
    return TableLayout(
        template=template,
        header_rows=header_rows,
        columns=columns,
        data=data,
        title_lines=title_lines,
        report_date_text=report_date_text,
        report_date_cell=find_report_date_cell(title_rows + footer_rows, cols),
        extras=extras,
        extra_data=extra_data,
        end_row=end_row,
    )


def detect_template_from_fields(template: str, fields: set[str]) -> str | None:
    """``template`` when all its key fields were found, else None (unknown template)."""
    return template if all(k in fields for k in template_keys()[template]) else None


def find_report_date_text(lines: Iterable[str]) -> str | None:
    """The date after 填报日期 (or 报送日期…) in the lines around the table, as written."""
    for line in lines:
        m = _REPORT_DATE.search(unicodedata.normalize("NFKC", line))
        if m:
            return _WHITESPACE.sub("", m.group(1))
    return None


def find_report_date_cell(
    rows: Sequence[tuple[int, Sequence[str | None]]], cols: Sequence[str]
) -> tuple[int, str] | None:
    """(Excel row, column letter) of the cell holding the 填报日期 that
    ``find_report_date_text`` reads from the same lines: the cell whose own text has the
    date, else the one with the 填报日期 label (label and date in two cells)."""
    for excel_row, cells in rows:
        line = " ".join(_shown(v) for v in cells if v and v.strip())
        if not _REPORT_DATE.search(unicodedata.normalize("NFKC", line)):
            continue
        texts = [
            (c, unicodedata.normalize("NFKC", v or "")) for c, v in zip(cols, cells, strict=True)
        ]
        own = [c for c, t in texts if _REPORT_DATE.search(t)]
        label = [c for c, t in texts if _REPORT_LABEL.search(t)]
        found = (own or label or [c for c, t in texts if t.strip()])[0]
        return int(excel_row), column_letter(int(found[1:]))
    return None
