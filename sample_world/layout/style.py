"""What a register style is: its columns and the habits a township's office keeps.

Records only; `habits.township_style` decides them, `headers` picks the column words.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
