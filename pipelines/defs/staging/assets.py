"""Staging layer assets: typed, normalized register rows; errors quarantined, not dropped."""

from collections.abc import Iterator

import dagster as dg

from pipelines.defs.progress_log import step_progress
from pipelines.defs.resources import WarehouseResource
from pipelines.ingest.staging_load import stage_pending
from warehouse.db import scalar

# table name -> description (grain and source) of the staging tables one pass writes.
STAGING_TABLES = {
    "disputes": (
        "One typed row per usable dispute register row (矛盾纠纷排查化解台账), "
        "grain: file x sheet x Excel row; parties in staging.parties."
    ),
    "petitions": (
        "One typed row per usable petition register row (信访事项登记台账), "
        "grain: file x sheet x Excel row; parties in staging.parties."
    ),
    "parties": (
        "One row per party (当事人 / 信访人) of a staged row, in the order the cell "
        "lists them (party_index 0 = the key party); raw PII, never published."
    ),
}
STAGING_DISPUTES = dg.AssetKey(["staging", "disputes"])
STAGING_PETITIONS = dg.AssetKey(["staging", "petitions"])


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            ["staging", table],
            deps=[dg.AssetKey(["raw", "registers"])],
            group_name="staging",
            kinds={"duckdb", "polars"},
            description=description,
        )
        for table, description in STAGING_TABLES.items()
    ],
)
def staging_registers(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> Iterator[dg.MaterializeResult]:
    """Normalize the raw text rows of every newly loaded sheet (dates, IDs, phones, word
    maps, several parties per cell), apply the row rules, and write staging rows, party
    rows, ``quality.row_issues`` and ``quality.quarantined_rows``. Rows of superseded
    sheets leave staging; a change of rules restages everything."""
    with warehouse.connect() as con:
        summary = stage_pending(con, step_progress(context))
        quarantined = scalar(con, "select count(*) from quality.quarantined_rows")
        totals = {
            table: scalar(con, f"select count(*) from staging.{table}") for table in STAGING_TABLES
        }
    context.log.info(f"staged this run: {summary.metadata()}")
    for table, count in totals.items():
        yield dg.MaterializeResult(
            asset_key=["staging", table],
            metadata={
                "dagster/row_count": count,
                "rows_quarantined_total": quarantined,
                **{f"this_run_{k}": v for k, v in summary.metadata().items()},
            },
        )
