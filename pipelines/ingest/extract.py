"""One inbox file -> its register sheets, each with template, township, period and rows.

This is the unit of work of the ingest's process pool: a plain function of a path returning
a picklable value, so a broken file can only ever produce a failure record with a Chinese
reason, never stop the run for the other townships (DESIGN.md section 7).

Per-file isolation: whatever goes wrong inside one file - a bug of ours in layout or
placing, an exception fastexcel or openpyxl raise on an input nobody foresaw - ends as that
file rejected with kind ``internal_error`` (the traceback travels back in
``ExtractedFile.traceback`` for the data team's log; the coordinator reads that nothing is
needed from them). A pool worker that dies (segfault in a native reader, OOM kill) breaks
the whole ``ProcessPoolExecutor``; ``iter_extract`` then reads each file that was in
flight once more, alone in a fresh process (so an innocent neighbour still loads and the
culprit only kills its own process), rejects a file whose reader dies again, and starts a
new pool for the rest.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
import traceback
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import NamedTuple

from pipelines.ingest.context import resolve_place
from pipelines.ingest.layout import TableLayout, find_table, normalize_header
from pipelines.ingest.read import SheetGrid, UnreadableFile, check_file_size, read_bytes
from pipelines.ingest.walk import NotRegularFile, open_in_inbox
from pipelines.privacy import scrub

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
    # internal_error: the (scrubbed) traceback, for the data team's log only
    traceback: str | None = None
    # what happened on the way that the data team should know (a reader process died)
    notes: list[str] = field(default_factory=list)

    @property
    def loaded_sheets(self) -> list[ExtractedSheet]:
        return [s for s in self.sheets if s.error is None] if self.error is None else []

    @property
    def data_rows(self) -> int:
        return sum(s.data_rows for s in self.loaded_sheets)


NOT_REGULAR_FILE_ZH = (
    "这是快捷方式/链接，不是文件本身，系统不会打开链接指向的内容。"
    "请把台账文件本身（而不是快捷方式）放入报送文件夹后重新报送。"
)


def internal_error(detail: str) -> ExtractError:
    """Something of ours or of a library failed on this file: not the coordinator's fault,
    nothing for them to do unless the data team asks (the English reason says what)."""
    return ExtractError(
        "internal_error",
        "系统处理该文件时出现内部错误，已自动通知数据组处理。您暂时无需任何操作，"
        "如需重新报送，数据组会另行联系。",
        f"internal error: {detail}",
    )


def not_regular_file() -> ExtractError:
    """Between the inbox walk and the read the file became a symlink (or folder, FIFO)."""
    return ExtractError(
        "not_regular_file",
        NOT_REGULAR_FILE_ZH,
        "not a regular file when read (symlink?): never followed or read",
    )


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


@dataclass(frozen=True)
class ExtractJob:
    """One file for ``extract_job``: picklable, so it crosses into a pool worker.

    ``name`` is the readable file name (a GBK name decoded, pipelines/ingest/walk.py): the
    township and month are found in it. With ``inbox`` set the file is opened beneath it
    along ``parts`` without following any symlink. ``sha256`` is what the inbox walk
    hashed: the file's id if it cannot be read at all any more.
    """

    path: Path
    name: str
    inbox: Path | None = None
    parts: tuple[str, ...] = ()
    sha256: str = ""


def extract_file(
    path: Path, *, name: str | None = None, inbox: Path | None = None
) -> ExtractedFile:
    """Read, lay out and place every sheet of one file; never raises for a bad file (an
    unforeseen exception rejects the file as ``internal_error``)."""
    path = Path(path)
    parts = Path(path).relative_to(inbox).parts if inbox is not None else ()
    return extract_job(ExtractJob(path, name or path.name, inbox, parts))


def extract_job(job: ExtractJob) -> ExtractedFile:
    """``extract_file`` for one job: the pool's unit of work."""
    try:
        if job.inbox is not None:
            fd = open_in_inbox(job.inbox, job.parts)
        else:
            fd = open_in_inbox(job.path.parent, (job.path.name,))
        with os.fdopen(fd, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            try:  # before the bytes are in memory (pipelines/ingest/limits.py)
                check_file_size(size)
            except UnreadableFile as exc:
                digest = hashlib.file_digest(fh, "sha256").hexdigest()
                error = ExtractError(exc.kind, exc.message_zh, exc.message_en)
                return ExtractedFile(str(job.path), digest, size, error=error)
            data = fh.read()
    except NotRegularFile:
        return ExtractedFile(str(job.path), job.sha256, 0, error=not_regular_file())
    except OSError as exc:
        detail = f"{type(exc).__name__}: {exc.strerror or 'cannot open'} (while reading)"
        return ExtractedFile(str(job.path), job.sha256, 0, error=internal_error(detail))
    result = ExtractedFile(str(job.path), hashlib.sha256(data).hexdigest(), len(data))
    try:
        _extract_sheets(result, data, job.name)
    except Exception as exc:  # noqa: BLE001 - per-file isolation: any failure rejects one file
        result.sheets.clear()
        result.skipped.clear()
        result.error = internal_error(scrub(f"{type(exc).__name__}: {exc}")[:500])
        result.traceback = scrub(traceback.format_exc())
    return result


def _extract_sheets(result: ExtractedFile, data: bytes, name: str) -> None:
    try:
        grids = read_bytes(data, name=name)
    except UnreadableFile as exc:
        result.error = ExtractError(exc.kind, exc.message_zh, exc.message_en)
        return
    headers_seen: list[str] = []
    for grid in grids:
        outcome = extract_sheet(grid, name)
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


def _header_guess(grid: SheetGrid) -> list[str]:
    """The widest of the first rows, as a hint of what the sheet's header says."""
    head = grid.cells.head(15).select(grid.cell_columns).rows()
    if not head:
        return []
    row = max(head, key=lambda r: sum(1 for v in r if v and v.strip()))
    return [normalize_header(v) for v in row if v and v.strip()]


def _as_job(item: Path | ExtractJob) -> ExtractJob:
    return item if isinstance(item, ExtractJob) else ExtractJob(Path(item), Path(item).name)


def iter_extract(paths: Sequence[Path | ExtractJob], workers: int = 2) -> Iterator[ExtractedFile]:
    """extract_file over many files in a process pool, yielded in the order of ``paths``
    as they finish, so the caller can land one file while the workers read the next.

    The pool uses "spawn": a forked child inherits polars' thread pool locks from a parent
    that already ran polars and was seen to hang forever (measured here, Linux, fork).
    A worker that dies is survived (module docstring); serially (one worker, or fewer than
    4 files: a pool's start-up would cost more than it saves) there is no process to lose.
    """
    jobs = [_as_job(p) for p in paths]
    if workers <= 1 or len(jobs) < 4:
        yield from (extract_job(j) for j in jobs)
        return
    yield from _pooled(jobs, workers, multiprocessing.get_context("spawn"))


def _pooled(jobs: list[ExtractJob], workers: int, context: BaseContext) -> Iterator[ExtractedFile]:
    """Results in job order. At most ``2 * workers`` files are in flight (those are what a
    dying worker takes down with it, read again alone by ``_alone``)."""
    done: dict[int, ExtractedFile] = {}
    waiting = deque(range(len(jobs)))
    emitted = 0
    while emitted < len(jobs):
        broken: list[int] = []
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            running: dict[Future[ExtractedFile], int] = {}
            while (waiting or running) and not broken:
                while waiting and len(running) < 2 * workers:
                    index = waiting.popleft()
                    running[pool.submit(extract_job, jobs[index])] = index
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    index = running.pop(future)
                    try:
                        done[index] = future.result()
                    except BrokenProcessPool:
                        broken.append(index)
                while emitted in done:
                    yield done.pop(emitted)
                    emitted += 1
            # Once broken, every future still running fails too (or finished just before).
            for future, index in running.items():
                try:
                    done[index] = future.result()
                except BrokenProcessPool:
                    broken.append(index)
        for index in sorted(broken):
            done[index] = _alone(jobs[index], context)
        while emitted in done:
            yield done.pop(emitted)
            emitted += 1


def _alone(job: ExtractJob, context: BaseContext) -> ExtractedFile:
    """Read a file that was in flight when a worker died once more, alone in a new process:
    if it was a neighbour's fault it loads now; if its reader dies again it is rejected."""
    note = f"a reader process died while {job.name!r} was in flight; read again alone"
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        try:
            result = pool.submit(extract_job, job).result()
        except BrokenProcessPool:
            detail = "the reader process died twice on this file (native crash or memory kill)"
            result = ExtractedFile(str(job.path), job.sha256, 0, error=internal_error(detail))
    result.notes.append(note)
    return result


def extract_many(paths: Sequence[Path | ExtractJob], workers: int = 2) -> list[ExtractedFile]:
    """All of ``iter_extract`` at once, in the order of ``paths``."""
    return list(iter_extract(paths, workers))
