"""Assemble and save the feedback workbook of one file: the coordinator's .xlsx copied
and marked up in place (layout, titles and formats stay), any other file rebuilt
(quality/feedback/rebuild.py); each sheet with issues marked (quality/feedback/markup.py);
the 问题汇总 sheet first (quality/feedback/summary_sheet.py). The same workbook, masked
(quality/feedback/mask.py), is then saved as its twin: built once, so the twin has exactly
the full copy's highlights, comments and messages.

No cell of either is a formula (pipelines/formula_text.py): the coordinator's .xlsx is
opened with its cached values (what the ingest read and the coordinator saw, so a finding
matches the cell it marks; a formula never computed in the file is an empty cell, as the
ingest read it), and any text we write that openpyxl would take for a formula ("=1+1", a
masked "=HYPERLINK(...)") or an error code ("#N/A") is saved as a string cell."""

from __future__ import annotations

import io
from collections import defaultdict
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from pipelines.formula_text import text_cells
from pipelines.operations.permissions import private_file, public_dir, public_file
from quality.feedback.markup import mark_sheet
from quality.feedback.mask import mask_workbook
from quality.feedback.rebuild import rebuild_workbook
from quality.feedback.summary_sheet import summary_sheet


def build_workbook(
    source_name: str,
    source_data: bytes | None,
    target: Path,
    shown_path: str,
    issues: list[dict[str, Any]],
    layouts: dict[str, dict[str, Any]],
    raw_grid: Any,
    masked_target: Path,
    data_rows: dict[str, set[int]],
) -> None:
    """Write the marked-up workbook for one file to ``target`` and its masked twin to
    ``masked_target`` (see the module docstring); ``source_data``: the file's bytes as
    received, None when it is no longer in the inbox; ``data_rows``: sheet -> its rows in
    raw.*_rows, the rows whose person cells are masked."""
    wb = _coordinator_copy(source_name, source_data) or rebuild_workbook(
        source_name, source_data, layouts, raw_grid
    )
    note_columns: dict[str, int] = {}
    by_sheet: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for issue in issues:
        by_sheet[issue["sheet_name"]].append(issue)
    for sheet, sheet_issues in by_sheet.items():
        if sheet not in wb.sheetnames:
            continue
        header_rows = layouts.get(sheet, {}).get("header_rows") or []
        note_columns[wb[sheet].title] = mark_sheet(wb[sheet], sheet_issues, header_rows)
    summary_sheet(wb, shown_path, issues)
    _save(wb, target, public=False)
    mask_workbook(wb, layouts, data_rows, note_columns)
    _save(wb, masked_target, public=True)


def _coordinator_copy(name: str, data: bytes | None) -> Workbook | None:
    """The coordinator's .xlsx opened for marking up, or None: not an .xlsx, gone, or one
    openpyxl cannot open though calamine read it (a GB2312-declared workbook.xml, say) -
    that file's feedback is then rebuilt from the text grid, never lost."""
    if data is None or Path(name).suffix.lower() not in {".xlsx", ".xlsm"}:
        return None
    try:
        return load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # noqa: BLE001 - any failure of openpyxl on this file: rebuild it
        return None


def _save(wb: Workbook, target: Path, *, public: bool) -> None:
    """Write beside the target and rename: a reader never sees half a workbook. The full
    workbook (raw names, IDs, phones) is owner-only, the masked twin readable by others;
    the mode is set before the rename, so neither is ever seen with the other's."""
    public_dir(target.parent)
    tmp = target.with_suffix(".tmp.xlsx")
    text_cells(wb)
    wb.save(tmp)
    (public_file if public else private_file)(tmp)
    tmp.replace(target)
