"""Resources injected into assets: where the data lives and what date the run is about."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import Field

from pipelines.operations.lock import hold_warehouse
from pipelines.operations.permissions import private_database, private_dir, private_umask
from pipelines.privacy import require_pii_key
from pipelines.settings import Paths, disputes_home, parse_as_of, paths
from warehouse.db import connect


class WarehouseResource(dg.ConfigurableResource):
    """The pipeline's own DuckDB file under DISPUTES_HOME (one writer at a time).

    For a run (not a sensor evaluation) the resource is set up once, before the first step
    (the job's executor is in-process), and that set-up is the run's gate: it refuses a
    run without DISPUTES_PII_KEY unless ``demo`` is set, and takes the writer lock
    (pipelines.operations.lock) for the whole run, so a run the daemon launches (schedule,
    sensor, UI) while `disputes run` holds the warehouse fails before any step writes.
    """

    home: str = ""
    lock_wait: float = Field(
        default=-1.0,
        description="Seconds to wait for the writer lock; negative: DISPUTES_LOCK_WAIT or 0.",
    )
    demo: bool = Field(
        default=False,
        description="The bundled demo: run with the public demo PII key when "
        "DISPUTES_PII_KEY is unset (never for real data).",
    )

    @property
    def paths(self) -> Paths:
        return paths(self.home or disputes_home())

    @contextmanager
    def yield_for_execution(
        self, context: dg.InitResourceContext
    ) -> Generator[WarehouseResource, None, None]:
        if context.dagster_run is None:  # a sensor or schedule tick reads, never writes
            yield self
            return
        require_pii_key(demo=self.demo)
        p = self.paths
        p.home.mkdir(parents=True, exist_ok=True)
        wait = None if self.lock_wait < 0 else self.lock_wait
        # The whole run under umask 077: DuckDB creates the .wal when a step first writes,
        # and it holds raw PII from its first byte (public outputs are chmod-ed by their
        # writers: pipelines.operations.permissions).
        with hold_warehouse(p.lock_file, wait=wait, run_id=context.run_id), private_umask():
            private_dir(p.quarantine)
            private_dir(p.backups)
            yield self

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection; the file (and its .wal) is made owner-only on open and
        again on close: it holds raw names, IDs and phones."""
        db = self.paths.warehouse_db
        with private_umask():
            con = connect(db)
        private_database(db)
        try:
            yield con
        finally:
            con.close()
            private_database(db)


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
