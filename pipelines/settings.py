"""Where runtime data lives and what the run is about.

Everything the pipeline writes goes under one data directory, ``DISPUTES_HOME`` (default
``./data``), so a test can point a whole run at a temporary folder and an operator can back
up or wipe one place.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Paths:
    home: Path

    @property
    def warehouse_db(self) -> Path:
        """The pipeline's own database, with raw PII; one writer at a time."""
        return self.home / "warehouse.duckdb"

    @property
    def analytics_db(self) -> Path:
        """The analyst snapshot, PII-free, replaced atomically."""
        return self.home / "analytics.duckdb"

    @property
    def inbox(self) -> Path:
        return self.home / "inbox"

    @property
    def quarantine(self) -> Path:
        return self.home / "quarantine"

    @property
    def feedback(self) -> Path:
        return self.home / "feedback"

    @property
    def reports(self) -> Path:
        return self.home / "reports"

    @property
    def lock_file(self) -> Path:
        """Held (flock) by the one process writing warehouse.duckdb (pipelines.operations)."""
        return self.home / "warehouse.lock"

    @property
    def backups(self) -> Path:
        """Copies of warehouse.duckdb after successful runs; raw PII, owner only."""
        return self.home / "backups"

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"


def disputes_home() -> Path:
    return Path(os.environ.get("DISPUTES_HOME", "data")).resolve()


def paths(home: Path | str | None = None) -> Paths:
    return Paths(Path(home).resolve() if home is not None else disputes_home())


def today_shanghai() -> date:
    """as_of defaults to today where the county is, not where the server's clock is."""
    return datetime.now(TIMEZONE).date()


def parse_as_of(value: str | None) -> date:
    return date.fromisoformat(value) if value else today_shanghai()
