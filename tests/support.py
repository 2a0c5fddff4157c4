"""Plain helpers shared by tests (fixtures live in conftest.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

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
