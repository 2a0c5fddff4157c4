"""One inbox file -> its register sheets, each with template, township, period and rows.

This is the unit of work of the ingest's process pool: a plain function of a path returning
a picklable value, so a broken file can only ever produce a failure record with a Chinese
reason, never stop the run for the other townships (DESIGN.md section 7).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import re
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

from pipelines.ingest.context import resolve_place
from pipelines.ingest.layout import TableLayout, find_table, normalize_header
from pipelines.ingest.read import SheetGrid, UnreadableFile, check_file_size, read_bytes

# Sheets that explain how to fill the register, or hold dropdown lists: not data.
_INSTRUCTION_SHEET = re.compile(
    r"说明|填报要求|填表须知|instruction|readme|字典|下拉|选项|代码表", re.IGNORECASE
)


@dataclass(frozen=True)
class ExtractError:
    """Why a file or sheet cannot be used; ``kind`` is raw.files.reason_kind."""

    kind: str
    reason_zh: str
    reason_en: str


class SkippedSheet(NamedTuple):
    """A sheet that holds no register (instructions, empty, hidden): not an error."""

    sheet_name: str
    reason_zh: str


@dataclass
class ExtractedSheet:
    """A sheet with a register table. ``error`` is set when it cannot be placed (no
    township / no period): it is then rejected, with its layout kept for the report."""

    sheet_name: str
    template: str
    township_code: str | None
    period: date | None  # first day of the register month
    report_date: date | None  # 填报日期
    layout: TableLayout
    error: ExtractError | None = None
    township_source: str | None = None  # title | column | sheet_name | file_name
    period_source: str | None = None

    @property
    def data_rows(self) -> int:
        return self.layout.data.height


@dataclass
class ExtractedFile:
    path: str
    sha256: str
    size: int
    error: ExtractError | None = None
    sheets: list[ExtractedSheet] = field(default_factory=list)
    skipped: list[SkippedSheet] = field(default_factory=list)

    @property
    def loaded_sheets(self) -> list[ExtractedSheet]:
        return [s for s in self.sheets if s.error is None] if self.error is None else []

    @property
    def data_rows(self) -> int:
        return sum(s.data_rows for s in self.loaded_sheets)


def _no_township(sheet: str) -> ExtractError:
    return ExtractError(
        "no_township",
        f"工作表「{sheet}」无法确定所属乡镇：标题、「乡镇」列、工作表名和文件名中都没有找到乡镇名称。"
        "请在标题中写明乡镇（如“莲峰镇2025年3月矛盾纠纷排查化解台账”）后重新报送。",
        f"sheet {sheet!r}: no township in title, 乡镇 column, sheet name or file name",
    )


def _no_period(sheet: str) -> ExtractError:
    return ExtractError(
        "no_period",
        f"工作表「{sheet}」无法确定台账所属月份：标题、工作表名和文件名中都没有年月。"
        "请在标题中写明年月（如“2025年3月”）后重新报送。",
        f"sheet {sheet!r}: no year/month in title, sheet name or file name",
    )


def _unknown_template(headers: list[str]) -> ExtractError:
    seen = "、".join(f"「{h}」" for h in headers[:8]) if headers else "（无）"
    return ExtractError(
        "unknown_template",
        "未能识别表格模板：找不到「信访日期」「当事人」等表头（矛盾纠纷排查台账需有"
        "「当事人」「排查时间」「化解状态」，信访台账需有「信访人」「信访日期」「信访形式」）。"
        f"识别到的表头：{seen}。请使用县里下发的台账模板重新报送。",
        "unknown template: no sheet has the key headers of the dispute or petition register",
    )


def _skip_reason(grid: SheetGrid) -> str | None:
    if not grid.visible:
        return "隐藏的工作表，未读取"
    if _INSTRUCTION_SHEET.search(grid.name):
        return "填表说明等非台账工作表，未读取"
    return None


def extract_sheet(grid: SheetGrid, file_name: str) -> ExtractedSheet | SkippedSheet:
    """Table, template, township and period of one sheet."""
    reason = _skip_reason(grid)
    if reason:
        return SkippedSheet(grid.name, reason)
    layout = find_table(grid)
    if layout is None:
        return SkippedSheet(grid.name, "未找到台账表头（空表或非台账工作表），未读取")
    if layout.template is None:
        return SkippedSheet(grid.name, "表头不完整，无法识别台账模板，未读取")
    place = resolve_place(layout, grid.name, file_name)
    error = None
    if place.township is None:
        error = _no_township(grid.name)
    elif place.period is None:
        error = _no_period(grid.name)
    return ExtractedSheet(
        sheet_name=grid.name,
        template=layout.template,
        township_code=place.township_code,
        period=place.period,
        report_date=place.report_date,
        layout=layout,
        error=error,
        township_source=place.township_source,
        period_source=place.period_source,
    )


def extract_file(path: Path) -> ExtractedFile:
    """Read, lay out and place every sheet of one file; never raises for a bad file."""
    path = Path(path)
    try:  # before the bytes are in memory (pipelines/ingest/limits.py)
        check_file_size(path.stat().st_size)
    except UnreadableFile as exc:
        with path.open("rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
        result = ExtractedFile(str(path), digest, path.stat().st_size)
        result.error = ExtractError(exc.kind, exc.message_zh, exc.message_en)
        return result
    data = path.read_bytes()
    result = ExtractedFile(str(path), hashlib.sha256(data).hexdigest(), len(data))
    try:
        grids = read_bytes(data, name=path.name)
    except UnreadableFile as exc:
        result.error = ExtractError(exc.kind, exc.message_zh, exc.message_en)
        return result
    headers_seen: list[str] = []
    for grid in grids:
        outcome = extract_sheet(grid, path.name)
        if isinstance(outcome, SkippedSheet):
            result.skipped.append(outcome)
            if grid.visible:
                headers_seen.extend(_header_guess(grid))
        else:
            result.sheets.append(outcome)
    if not result.sheets:
        result.error = _unknown_template(list(dict.fromkeys(h for h in headers_seen if h)))
    elif all(s.error is not None for s in result.sheets):
        result.error = result.sheets[0].error
    return result


def _header_guess(grid: SheetGrid) -> list[str]:
    """The widest of the first rows, as a hint of what the sheet's header says."""
    head = grid.cells.head(15).select(grid.cell_columns).rows()
    if not head:
        return []
    row = max(head, key=lambda r: sum(1 for v in r if v and v.strip()))
    return [normalize_header(v) for v in row if v and v.strip()]


def iter_extract(paths: Sequence[Path], workers: int = 2) -> Iterator[ExtractedFile]:
    """extract_file over many files in a process pool, yielded in the order of ``paths``
    as they finish, so the caller can land one file while the workers read the next.

    The pool uses "spawn": a forked child inherits polars' thread pool locks from a parent
    that already ran polars and was seen to hang forever (measured here, Linux, fork).
    """
    if workers <= 1 or len(paths) < 4:
        yield from (extract_file(p) for p in paths)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from pool.map(extract_file, paths, chunksize=4)


def extract_many(paths: Sequence[Path], workers: int = 2) -> list[ExtractedFile]:
    """All of ``iter_extract`` at once, in the order of ``paths``."""
    return list(iter_extract(paths, workers))
