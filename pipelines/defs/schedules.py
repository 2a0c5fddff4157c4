"""The nightly schedule: nightly_job at 02:00 county time, for that day's as_of.

Why run config and not partitions: the warehouse is built incrementally from whole files
(a file is the unit, re-ingesting changes nothing) and every figure is computed "as of" a
date, so the one thing a backfill or re-run changes is ``as_of``. It travels in the run
config of ``run_settings`` (RunSettingsResource), exactly as ``disputes run --as-of`` passes
it, so the schedule, the sensor, the CLI and a re-run from the UI (Launchpad, or the
schedule's "test" for a past tick) all launch the same unpartitioned job. A run for a past
as_of sees the warehouse as it stood then (the models leave out registers of later
periods), and sends no coordinator alert once coordinators were told about a later date
(``alerts.alerted_items.as_of``); ``ops.alerts__coordinator_digests.config.dry_run: true``
silences any run explicitly.
"""

from __future__ import annotations

from datetime import date

import dagster as dg

from pipelines.defs.jobs import nightly_job
from pipelines.settings import TIMEZONE

NIGHTLY_CRON = "0 2 * * *"


def as_of_run_config(as_of: date) -> dict:
    """The run config that sets the run's reference date (same shape the CLI runner uses)."""
    return {"resources": {"run_settings": {"config": {"as_of": as_of.isoformat()}}}}


@dg.schedule(
    name="nightly_schedule",
    cron_schedule=NIGHTLY_CRON,
    execution_timezone=str(TIMEZONE),
    job=nightly_job,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every night at 02:00 Asia/Shanghai: ingest, validate, build, publish, notify.",
)
def nightly_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """as_of is the tick's date in Asia/Shanghai, so a late or replayed tick keeps its day."""
    as_of = context.scheduled_execution_time.astimezone(TIMEZONE).date()
    return dg.RunRequest(
        run_config=as_of_run_config(as_of),
        tags={"disputes/as_of": as_of.isoformat(), "disputes/trigger": "schedule"},
    )
