"""Plain helpers shared by tests (fixtures live in conftest.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from pipelines.ingest.read import SheetGrid

TEST_PII_KEY = "test-key-not-secret"


@dataclass(frozen=True)
class World:
    """A generated sample world: its inbox, its truth, and the as_of it was made for."""

    root: Path

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def truth(self) -> Path:
        return self.root / "truth"

    @property
    def meta(self) -> dict:
        return json.loads((self.truth / "meta.json").read_text(encoding="utf-8"))

    @property
    def as_of(self) -> date:
        return date.fromisoformat(self.meta["as_of"])


# A dispute register's header row as townships type it (序号 first: not a case number).
DISPUTE_HEADER: list[str | None] = [
    "序号",
    "编号",
    "乡镇",
    "当事人",
    "身份证号",
    "联系电话",
    "纠纷类别",
    "排查时间",
    "化解状态",
    "化解时间",
]


def grid(rows: list[list[str | None]], name: str = "Sheet1", first_row: int = 1) -> SheetGrid:
    """An in-memory sheet as the reader returns it: every cell text, true Excel rows."""
    width = max(len(r) for r in rows)
    data = {f"c{j}": [r[j] if j < len(r) else None for r in rows] for j in range(width)}
    frame = pl.DataFrame(data, schema={f"c{j}": pl.Utf8 for j in range(width)})
    frame = frame.with_columns(
        pl.Series("excel_row", range(first_row, first_row + len(rows)), dtype=pl.Int32)
    )
    return SheetGrid(name, True, frame)
