"""Run the nightly job in-process: the one entry point the CLI and the tests share.

The schedule and sensor launch the same job through the Dagster daemon; this module is
for one-off runs (a coordinator's resubmission, a backfill with --as-of, the demo).
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg

from pipelines.operations.lock import hold_warehouse
from pipelines.privacy import require_pii_key
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
) -> RunOutcome:
    """Execute ``nightly_job`` with the given home/inbox/as_of; never raises on run failure.

    Before any run exists it refuses a run without DISPUTES_PII_KEY unless ``demo``
    (privacy.MissingPiiKey) and takes the writer lock, waiting up to ``wait`` seconds
    (default DISPUTES_LOCK_WAIT or 0; operations.lock.WarehouseBusy): a refused run leaves
    no trace in the warehouse or the run history. Uses the persistent instance when
    DAGSTER_HOME is set (run history in the UI), an ephemeral one otherwise.
    """
    require_pii_key(demo=demo)
    p = paths(home)
    p.home.mkdir(parents=True, exist_ok=True)
    run_id = str(uuid.uuid4())
    with hold_warehouse(p.lock_file, wait=wait, run_id=run_id):
        return _execute(p.home, inbox, as_of, workers, instance, log_level, run_id, demo)


def _execute(
    home: Path,
    inbox: Path | str | None,
    as_of: date | None,
    workers: int,
    instance: dg.DagsterInstance | None,
    log_level: str,
    run_id: str,
    demo: bool,
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
    job = defs.resolve_job_def("nightly_job")
    result = job.execute_in_process(
        run_config={
            "resources": resources,
            "loggers": {"console": {"config": {"log_level": log_level}}},
        },
        instance=instance or dg.DagsterInstance.ephemeral(),
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
