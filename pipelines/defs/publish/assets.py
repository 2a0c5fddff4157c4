"""Publish layer asset: the PII-free analyst snapshot, swapped in atomically."""

import dagster as dg

from pipelines.defs.resources import RunSettingsResource, WarehouseResource
from warehouse.publish import PUBLISHED_MARTS, publish_snapshot

ANALYTICS_SNAPSHOT = dg.AssetKey(["publish", "analytics_snapshot"])


@dg.asset(
    key=ANALYTICS_SNAPSHOT,
    deps=[dg.AssetKey(["marts", m]) for m in PUBLISHED_MARTS]
    + [dg.AssetKey(["staging", "disputes"]), dg.AssetKey(["staging", "petitions"])]
    + [dg.AssetKey(["quality", "unmapped_categories"])],
    group_name="publish",
    kinds={"duckdb"},
)
def analytics_snapshot(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    run_settings: RunSettingsResource,
) -> dg.MaterializeResult:
    """DISPUTES_HOME/analytics.duckdb: schemas ``marts`` (the five marts) and ``quality``
    (files, row issues with masked values, unmapped category words, snapshot info), no raw
    name, ID or phone, every table and column commented from warehouse/dictionary.yaml.
    Built in a temporary file, scanned by the PII guard, then swapped in with os.replace; a
    failure keeps the previous snapshot. Grain: one file per successful run."""
    with warehouse.connect() as con:
        result = publish_snapshot(
            con,
            warehouse.paths.analytics_db,
            as_of=run_settings.as_of_date(),
            run_id=context.run_id,
        )
    if result.undocumented:
        context.log.warning(
            "published columns missing from warehouse/dictionary.yaml: "
            + ", ".join(result.undocumented)
        )
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": sum(result.row_counts.values()),
            "path": dg.MetadataValue.path(str(result.path)),
            "publish_id": result.publish_id,
            "names_checked": result.names_checked,
            "undocumented_columns": len(result.undocumented),
            "seconds": result.seconds,
            **{f"rows_{t}": n for t, n in result.row_counts.items()},
        }
    )
