"""Staging layer assets: typed, normalized register rows; errors quarantined, not dropped."""

from collections.abc import Iterator

import dagster as dg

from pipelines.defs.resources import WarehouseResource
from pipelines.ingest.staging_load import stage_pending

STAGING_DISPUTES = dg.AssetKey(["staging", "disputes"])
STAGING_PETITIONS = dg.AssetKey(["staging", "petitions"])
STAGING_PARTIES = dg.AssetKey(["staging", "parties"])


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            STAGING_DISPUTES,
            deps=[dg.AssetKey(["raw", "registers"])],
            group_name="staging",
            kinds={"duckdb", "polars"},
            description=(
                "One typed row per usable dispute register row (矛盾纠纷排查化解台账), "
                "grain: file x sheet x Excel row; parties in staging.parties."
            ),
        ),
        dg.AssetSpec(
            STAGING_PETITIONS,
            deps=[dg.AssetKey(["raw", "registers"])],
            group_name="staging",
            kinds={"duckdb", "polars"},
            description=(
                "One typed row per usable petition register row (信访事项登记台账), "
                "grain: file x sheet x Excel row; parties in staging.parties."
            ),
        ),
        dg.AssetSpec(
            STAGING_PARTIES,
            deps=[dg.AssetKey(["raw", "registers"])],
            group_name="staging",
            kinds={"duckdb", "polars"},
            description=(
                "One row per party (当事人 / 信访人) of a staged row, in the order the cell "
                "lists them (party_index 0 = the key party); raw PII, never published."
            ),
        ),
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
        summary = stage_pending(con)
        totals = {
            key: con.execute(sql).fetchone()[0]  # type: ignore[index]
            for key, sql in {
                "disputes": "select count(*) from staging.disputes",
                "petitions": "select count(*) from staging.petitions",
                "quarantined": "select count(*) from quality.quarantined_rows",
                "parties": "select count(*) from staging.parties",
            }.items()
        }
    context.log.info(f"staged this run: {summary.metadata()}")
    for key, name in (
        (STAGING_DISPUTES, "disputes"),
        (STAGING_PETITIONS, "petitions"),
        (STAGING_PARTIES, "parties"),
    ):
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={
                "dagster/row_count": totals[name],
                "rows_quarantined_total": totals["quarantined"],
                **{f"this_run_{k}": v for k, v in summary.metadata().items()},
            },
        )
