"""Resources injected into assets: where the data lives and what date the run is about."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.settings import Paths, disputes_home, parse_as_of, paths
from warehouse.db import connect


class WarehouseResource(dg.ConfigurableResource):
    """The pipeline's own DuckDB file under DISPUTES_HOME (one writer at a time)."""

    home: str = ""

    @property
    def paths(self) -> Paths:
        return paths(self.home or disputes_home())

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = connect(self.paths.warehouse_db)
        try:
            yield con
        finally:
            con.close()


class RunSettingsResource(dg.ConfigurableResource):
    """Per-run choices: which inbox to read and the reference date of the figures.

    ``as_of`` empty means today in Asia/Shanghai; backfills and tests set it.
    """

    inbox: str = ""
    as_of: str = ""
    workers: int = 2

    def inbox_dir(self, warehouse: WarehouseResource) -> Path:
        return Path(self.inbox).resolve() if self.inbox else warehouse.paths.inbox

    def as_of_date(self) -> date:
        return parse_as_of(self.as_of or None)


@dg.definitions
def resources() -> dg.Definitions:
    """The resources every asset, check and sensor of the code location is given; tests and
    the CLI override their settings through run config or their own instances."""
    return dg.Definitions(
        resources={"warehouse": WarehouseResource(), "run_settings": RunSettingsResource()}
    )
