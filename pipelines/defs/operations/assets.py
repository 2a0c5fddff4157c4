"""Operations layer asset: a consistent backup of warehouse.duckdb after a successful run."""

import dagster as dg

from pipelines.defs.resources import WarehouseResource
from pipelines.operations.backups import take_backup

WAREHOUSE_BACKUP = dg.AssetKey(["operations", "warehouse_backup"])

# The last steps that write warehouse.duckdb: the backup runs after all of them, and
# Dagster skips it when any of them (or anything upstream) failed, so only a successful
# run is backed up.
UPSTREAM = (
    dg.AssetKey(["alerts", "coordinator_digests"]),
    dg.AssetKey(["publish", "quality_page"]),
    dg.AssetKey(["quality", "petition_deadlines"]),
    dg.AssetKey(["publish", "analytics_snapshot"]),
)


@dg.asset(key=WAREHOUSE_BACKUP, deps=list(UPSTREAM), group_name="operations", kinds={"duckdb"})
def warehouse_backup(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """DISPUTES_HOME/backups/warehouse-<UTC time>-<run id>.duckdb: a copy of the pipeline
    database taken after CHECKPOINT while the run holds the writer lock and no step has it
    open, fsynced and checked to open before it gets its name; owner-only (raw PII). Keeps
    the newest DISPUTES_BACKUP_KEEP (default 7). `disputes restore` puts one back."""
    p = warehouse.paths
    backup, removed = take_backup(p.warehouse_db, p.backups, context.run_id)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(backup.path)),
            "bytes": backup.size,
            "removed": len(removed),
        }
    )
