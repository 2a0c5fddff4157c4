"""Notify layer: the coordinators' digests, composed and sent after the data is built."""

import dagster as dg
from pydantic import Field

from pipelines.alerts.run import coordinator_alerts
from pipelines.defs.ops_instance import WAREHOUSE_POOL
from pipelines.defs.resources import RunSettingsResource, WarehouseResource
from pipelines.defs.staging.assets import STAGING_DISPUTES, STAGING_PETITIONS
from warehouse.db import scalar

# What the digests read (issues, feedback workbooks, marts) and the publish step: alerts go
# out only after the snapshot was replaced, so a failed build or publish sends nothing
# (Dagster skips the steps downstream of a failure).
UPSTREAM = (
    STAGING_DISPUTES,
    STAGING_PETITIONS,
    dg.AssetKey(["quality", "feedback_workbooks"]),
    dg.AssetKey(["marts", "overdue_petitions"]),
    dg.AssetKey(["marts", "repeat_petitioners"]),
    dg.AssetKey(["publish", "analytics_snapshot"]),
)


class CoordinatorDigestsConfig(dg.Config):
    dry_run: bool = Field(
        default=False,
        description="Compose and report the digests without sending or recording them "
        "(for backfills of a past as_of).",
    )


@dg.asset(
    key=["alerts", "coordinator_digests"],
    group_name="alerts",
    kinds={"duckdb", "python"},
    deps=list(UPSTREAM),
    pool=WAREHOUSE_POOL,
)
def coordinator_digests(
    context: dg.AssetExecutionContext,
    config: CoordinatorDigestsConfig,
    warehouse: WarehouseResource,
    run_settings: RunSettingsResource,
) -> dg.MaterializeResult:
    """One Chinese digest per township per run (quality issues with the marked-up workbook,
    registers missing past the due day, petitions overdue or due within 7 days, new repeat
    or escalated petitioners, all masked), listing only what was not told before. Sent
    through apprise to the targets in coordinators.yaml; every delivery is logged in
    ``alerts.sent_alerts``. A target that stays down is logged as failed and never fails
    the run. Grain: one row per township x target per run."""
    failed = context.instance.all_logs(context.run_id, of_type=dg.DagsterEventType.STEP_FAILURE)
    if failed:
        context.log.warning("a step of this run failed: no alerts sent")
        return dg.MaterializeResult(metadata={"skipped": True, "failed_steps": len(failed)})
    with warehouse.connect() as con:
        result = coordinator_alerts(
            con,
            as_of=run_settings.as_of_date(),
            feedback_dir=warehouse.paths.feedback,
            run_id=context.run_id,
            dry_run=config.dry_run,
        )
        logged = scalar(con, "select count(*) from alerts.sent_alerts")
    for digest in result.digests:
        context.log.info(f"{digest.township_name}: {len(digest.items)} new item(s)")
    for code, missing in result.unconfigured.items():
        context.log.info(f"{code}: channels not configured: {', '.join(missing)}")
    for digest, target, outcome in result.deliveries:
        if outcome.status != "sent":
            context.log.warning(
                f"{digest.township_name} -> {target.label}: failed after "
                f"{outcome.attempts} attempt(s): {outcome.error}"
            )
    return dg.MaterializeResult(metadata={**result.metadata(), "dagster/row_count": logged})
