"""The grids a file is made of, before the writers turn them into bytes: data rows with
the outcome the truth expects, sheets, and files with their report date and period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sample_world.mess import Cell


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


@dataclass
class FileSpec:
    path: str  # relative to inbox/, posix
    fmt: str
    sheets: list[SheetSpec]
    report_date: date
    township_code: str
    template: str
    period: date
    status: str = "loaded"
    reason_kind: str = ""
    mtime_shift_hours: int = 0
