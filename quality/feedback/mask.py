"""Mask a marked-up feedback workbook in place, for the twin that may leave the county's
network (it is what the alerts attach; the full copy stays on the server for fixing).

By field, not by scanning every cell for every name (issue 14: that was 23 million
mask_name calls on a county's two years): the person columns (the fields
pipelines.privacy.FIELD_KINDS calls name, id_number or phone, as raw.sheets.columns_json
maps them) of the data rows (the sheet's rows in raw.*_rows) are masked by
pipelines.privacy.mask_field, each party of a multi-party cell ("张三、李四") on its own.
Every other text cell, comment and number of every sheet is scrubbed of IDs and mobiles,
and the data sheets' other cells (a remark "张三丰反映…", a title or a footer) of the names
found in this file's person columns: the names of this file only, in one pass of one
pattern per cell, each name masked once - so the cost grows with the file's cells, not
with cells x names. The 问题说明 column and the 问题汇总 sheet are our own text with masked
values: scrubbed only, so their messages stay word for word those of the full workbook.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from pipelines.ingest.normalize.parties import split_names, split_numbers
from pipelines.privacy import PERSON_KINDS, FieldKind, field_kind, mask_field, mask_name, scrub

# How a person cell is split into its parties; how each part is shown is privacy.mask_field's.
_SPLITTERS: dict[FieldKind, Callable[[str | None], list[str]]] = {
    "name": split_names,
    "official": split_names,
    "id_number": split_numbers,
    "phone": split_numbers,
}


def _person_field(field: str) -> bool:
    return field_kind(field) in PERSON_KINDS


def mask_workbook(
    wb: Workbook,
    layouts: dict[str, dict[str, Any]],
    data_rows: dict[str, set[int]],
    note_columns: dict[str, int],
) -> None:
    """Mask ``wb`` in place (see the module docstring). ``note_columns``: sheet title ->
    the 问题说明 column index mark_sheet added."""
    names: set[str] = set()
    for sheet, layout in layouts.items():
        ws = _sheet(wb, sheet)
        if ws is not None:
            rows = data_rows.get(sheet, set())
            names |= _mask_person_cells(ws, layout.get("columns") or {}, rows)
    replace = _NameMask(names)
    data_sheets = {ws.title for s in layouts if (ws := _sheet(wb, s)) is not None}
    for ws in wb.worksheets:
        note = note_columns.get(ws.title)
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell, MergedCell):
                    continue
                ours = ws.title not in data_sheets or cell.column == note
                cell.value = _scrub_value(cell.value, None if ours else replace)
                if cell.comment is not None:
                    cell.comment.text = scrub(cell.comment.text or "")
        ws._pivots = []  # a pivot cache holds a copy of the raw rows
    wb.properties.creator = wb.properties.lastModifiedBy = None


def mask_cell(text: str, field: str) -> tuple[str, list[str]]:
    """One person cell masked, and the parts found in it (the names, for a name cell).
    Each part is replaced where it stands, so separators and notes ("等3人") stay; a part
    the splitter cleaned out of shape ("张 三" -> "张三") makes the cell the masked parts
    joined by "、" instead."""
    parts = _SPLITTERS[field_kind(field)](text)
    if not parts:
        return scrub(text), []
    if not all(p in text for p in parts):
        return scrub("、".join(mask_field(field, p) for p in parts)), parts
    out = text
    for part in sorted(set(parts), key=len, reverse=True):
        out = out.replace(part, mask_field(field, part))
    return scrub(out), parts


def _sheet(wb: Workbook, name: str) -> Worksheet | None:
    for title in (name, name[:31]):
        if title in wb.sheetnames:
            ws = wb[title]
            return ws if isinstance(ws, Worksheet) else None
    return None


def _mask_person_cells(ws: Worksheet, columns: dict[str, Any], rows: Iterable[int]) -> set[str]:
    names: set[str] = set()
    letters = {f: c["letter"] for f, c in columns.items() if _person_field(f)}
    for row in rows:
        for field, letter in letters.items():
            cell = ws[f"{letter}{row}"]
            text = _text(cell.value)
            if isinstance(cell, MergedCell) or text is None:
                continue
            cell.value, parts = mask_cell(text, field)
            if field_kind(field) == "name":
                names.update(parts)
    return names


def _text(value: object) -> str | None:
    """A cell's value as text when it may hold a person's data (numbers typed as numbers
    included: an ID or phone is often stored as one)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str | int | float):
        return str(value)
    return None


class _NameMask:
    """The names of one file's parties, masked wherever they stand in a text: one regular
    expression of them all (longest first, so "张三丰" is masked whole before "张三"), and
    each name's mask computed once."""

    def __init__(self, names: Iterable[str]) -> None:
        masks = {n: mask_name(n) for n in names if len(n) >= 2}
        self._masks = masks
        ordered = sorted(masks, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def __call__(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self._masks[m.group(0)], text)


def _scrub_value(value: object, names: _NameMask | None) -> object:
    text = _text(value)
    if text is None:
        return value
    masked = scrub(names(text) if names is not None else text)
    return value if masked == text else masked
