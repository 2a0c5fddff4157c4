"""Publish layer asset: the data team's quality page, built from the fresh snapshot."""

import dagster as dg

from pipelines.defs.publish.assets import ANALYTICS_SNAPSHOT
from pipelines.defs.resources import WarehouseResource
from pipelines.report.quality_page import PAGE_NAME, write_quality_page

QUALITY_PAGE = dg.AssetKey(["publish", "quality_page"])


@dg.asset(key=QUALITY_PAGE, deps=[ANALYTICS_SNAPSHOT], group_name="publish", kinds={"html"})
def quality_page(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """DISPUTES_HOME/reports/quality.html: the data team's quality page, in Chinese, one
    self-contained file (inline CSS and SVG charts; opens on a server without internet):
    files by status and reason, findings by rule and township, their trend by register
    month, rows quarantined by rule, the latest ingest's figures. Read from the analyst
    snapshot only (no raw PII; it needs no warehouse lock). Grain: one page per run,
    replaced atomically. `disputes quality-report` writes the same page."""
    target = write_quality_page(warehouse.paths.analytics_db, warehouse.paths.reports / PAGE_NAME)
    return dg.MaterializeResult(
        metadata={"path": dg.MetadataValue.path(str(target)), "bytes": target.stat().st_size}
    )
