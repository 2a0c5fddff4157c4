"""Run the nightly job in-process: the one entry point the CLI and the tests share.

The schedule and sensor launch the same job through the Dagster daemon; this module is
for one-off runs (a coordinator's resubmission, a backfill with --as-of, the demo).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg

from pipelines.operations.lock import hold_warehouse
from pipelines.privacy import require_pii_key
from pipelines.progress import Progress, attached
from pipelines.settings import paths


@dataclass
class RunOutcome:
    success: bool
    run_id: str
    home: Path
    metadata: dict[str, dict[str, Any]] = field(default_factory=dict)
    failure: str | None = None


def _metadata_by_asset(result: dg.ExecuteInProcessResult) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for event in result.get_asset_materialization_events():
        mat = event.step_materialization_data.materialization
        out[mat.asset_key.to_user_string()] = {k: v.value for k, v in mat.metadata.items()}
    return out


@contextmanager
def _steps_told(
    instance: dg.DagsterInstance, run_id: str, on_step: Callable[[str], None] | None
) -> Iterator[None]:
    """Call ``on_step`` with each step's name (``raw/registers``) when it starts, for as
    long as the block runs. Read from the instance's event stream (the public watch API):
    in the calling thread for an ephemeral instance, from a watcher thread for a
    persistent one."""
    if on_step is None:
        yield
        return
    told = on_step

    def watch(event: dg.EventLogEntry, _cursor: str | None) -> None:
        if event.is_dagster_event and event.dagster_event_type == dg.DagsterEventType.STEP_START:
            told((event.step_key or "").replace("__", "/"))

    instance.watch_event_logs(run_id, None, watch)
    try:
        yield
    finally:
        instance.end_watch_event_logs(run_id, watch)


def run_nightly(
    *,
    home: Path | str | None = None,
    inbox: Path | str | None = None,
    as_of: date | None = None,
    workers: int = 2,
    instance: dg.DagsterInstance | None = None,
    log_level: str = "ERROR",
    wait: float | None = None,
    demo: bool = False,
    progress: Progress | None = None,
    on_step: Callable[[str], None] | None = None,
) -> RunOutcome:
    """Execute ``nightly_job`` with the given home/inbox/as_of; never raises on run failure.

    Before any run exists it refuses a run without DISPUTES_PII_KEY unless ``demo``
    (privacy.MissingPiiKey) and takes the writer lock, waiting up to ``wait`` seconds
    (default DISPUTES_LOCK_WAIT or 0; operations.lock.WarehouseBusy): a refused run leaves
    no trace in the warehouse or the run history. Uses the persistent instance when
    DAGSTER_HOME is set (run history in the UI), an ephemeral one otherwise.

    ``progress`` (the CLI's terminal bar) is given the steps' counts while the job runs in
    this process (pipelines.progress.attached); ``on_step`` is told each step's name as it
    starts, from the run's own event stream, so every step (checks too) is named without
    each asset saying so.
    """
    require_pii_key(demo=demo)
    p = paths(home)
    p.home.mkdir(parents=True, exist_ok=True)
    run_id = str(uuid.uuid4())
    with hold_warehouse(p.lock_file, wait=wait, run_id=run_id), attached(progress):
        return _execute(p.home, inbox, as_of, workers, instance, log_level, run_id, demo, on_step)


def _execute(
    home: Path,
    inbox: Path | str | None,
    as_of: date | None,
    workers: int,
    instance: dg.DagsterInstance | None,
    log_level: str,
    run_id: str,
    demo: bool,
    on_step: Callable[[str], None] | None,
) -> RunOutcome:
    from pipelines.definitions import defs

    resources = {
        "warehouse": {"config": {"home": str(home), "demo": demo}},
        "run_settings": {
            "config": {
                "inbox": str(Path(inbox).resolve()) if inbox else "",
                "as_of": as_of.isoformat() if as_of else "",
                "workers": workers,
            }
        },
    }
    if instance is None and os.environ.get("DAGSTER_HOME"):
        instance = dg.DagsterInstance.get()
    instance = instance or dg.DagsterInstance.ephemeral()
    job = defs.resolve_job_def("nightly_job")
    with _steps_told(instance, run_id, on_step):
        result = job.execute_in_process(
            run_config={
                "resources": resources,
                "loggers": {"console": {"config": {"log_level": log_level}}},
            },
            instance=instance,
            raise_on_error=False,
            run_id=run_id,
        )
    failure = None
    if not result.success:
        failures = [e for e in result.all_events if e.is_step_failure]
        failure = (
            "; ".join(
                f"{e.step_key}: {e.step_failure_data.error.message.strip()}"  # type: ignore[union-attr]
                for e in failures
                if e.step_failure_data and e.step_failure_data.error
            )
            or "run failed"
        )
    return RunOutcome(
        success=result.success,
        run_id=result.run_id,
        home=home,
        metadata=_metadata_by_asset(result),
        failure=failure,
    )
