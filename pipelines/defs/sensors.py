"""Sensors: new or changed files in the inbox start a run; a failed run tells the data team."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.alerts.run import notify_data_team
from pipelines.defs.jobs import nightly_job
from pipelines.defs.ops_instance import NIGHTLY_JOB_NAME
from pipelines.defs.resources import RunSettingsResource, WarehouseResource
from pipelines.defs.schedules import as_of_run_config
from pipelines.ingest.walk import walk_inbox
from pipelines.settings import today_shanghai
from warehouse.db import connect

# A file modified this recently may still be copying in; wait for the next tick.
SETTLE_SECONDS = 30.0
ACTIVE = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


@dataclass(frozen=True)
class InboxState:
    digest: str
    files: int
    newest_mtime: float


def inbox_state(inbox: Path) -> InboxState:
    """sha256 over (relative path, size, mtime_ns) of every entry under ``inbox``, skipping
    hidden files and Office lock files (~$...). Walked like the ingest walks it
    (pipelines/ingest/walk.py): symlinks are not followed, a GBK name is hashed readably."""
    entries = []
    newest = 0.0
    for entry in walk_inbox(inbox):
        if entry.name.startswith((".", "~$")):
            continue
        entries.append(f"{entry.rel_path}\t{entry.size}\t{entry.mtime_ns}")
        if entry.kind == "file":
            newest = max(newest, entry.mtime_ns / 1e9)
    digest = hashlib.sha256("\n".join(entries).encode("utf-8")).hexdigest()
    return InboxState(digest=digest, files=len(entries), newest_mtime=newest)


@dg.sensor(
    name="inbox_sensor",
    job=nightly_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts nightly_job when files in the inbox are added, changed or removed.",
)
def inbox_sensor(
    context: dg.SensorEvaluationContext,
    warehouse: WarehouseResource,
    run_settings: RunSettingsResource,
) -> dg.RunRequest | dg.SkipReason:
    """Cursor = digest of the inbox listing. One run request per distinct listing (the
    digest is the run_key, so the same change never runs twice); skip when nothing changed,
    while a file is still being written, or while a run of the job is queued or running
    (the cursor is not advanced then, so the change is picked up later)."""
    inbox = run_settings.inbox_dir(warehouse)
    if not inbox.is_dir():
        return dg.SkipReason(f"inbox {inbox} does not exist")
    state = inbox_state(inbox)
    if state.digest == context.cursor:
        return dg.SkipReason("inbox unchanged")
    if state.files == 0 and context.cursor is None:
        return dg.SkipReason("inbox empty")
    if time.time() - state.newest_mtime < SETTLE_SECONDS:
        return dg.SkipReason("a file is still arriving; waiting for it to settle")
    if context.instance.get_runs(
        filters=dg.RunsFilter(job_name=NIGHTLY_JOB_NAME, statuses=ACTIVE), limit=1
    ):
        return dg.SkipReason("a nightly_job run is queued or in progress")
    context.update_cursor(state.digest)
    as_of = today_shanghai()
    return dg.RunRequest(
        run_key=f"inbox-{state.digest}",
        run_config=as_of_run_config(as_of),
        tags={"disputes/as_of": as_of.isoformat(), "disputes/trigger": "inbox_sensor"},
    )


def _failure_text(context: dg.RunFailureSensorContext) -> tuple[str, str]:
    run = context.dagster_run
    steps = []
    for event in context.get_step_failure_events():
        error = event.step_failure_data.error if event.step_failure_data else None
        message = error.message.strip().splitlines()[0] if error and error.message else ""
        steps.append(f"  - {event.step_key}: {message[:300]}")
    as_of = run.tags.get("disputes/as_of", "（未指定，按当天）")
    title = f"【数据仓运行失败】{run.job_name} {run.run_id[:8]}"
    body = "\n".join(
        [
            f"作业 {run.job_name} 运行失败（run {run.run_id}，as_of {as_of}）。",
            "失败步骤：",
            *(steps or [f"  - {context.failure_event.message or 'run failed'}"]),
            "上一版分析库未被替换；未发送本次联络员提醒。请在 Dagster 界面查看日志后重跑。",
        ]
    )
    return title, body


@dg.run_failure_sensor(
    name="data_team_failure_sensor",
    monitored_jobs=[nightly_job],
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Tells the data team (coordinators.yaml data_team) when nightly_job fails.",
)
def data_team_failure_sensor(
    context: dg.RunFailureSensorContext, warehouse: WarehouseResource
) -> None:
    """Sends the failed steps' first error lines (scrubbed) through the same apprise path
    as the coordinator digests, and logs the delivery when the warehouse is free."""
    title, body = _failure_text(context)
    run_id = context.dagster_run.run_id
    try:
        con = connect(warehouse.paths.warehouse_db)
    except duckdb.Error as exc:  # another run holds the file: send, log in the run log only
        context.log.warning(f"alert log unavailable ({exc}); sending without recording")
        con = None
    try:
        for target, outcome in notify_data_team(title, body, con=con, run_id=run_id):
            context.log.info(f"{target.label}: {outcome.status} ({outcome.attempts} attempt(s))")
    finally:
        if con is not None:
            con.close()
