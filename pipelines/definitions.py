"""The code location: collects definitions from pipelines/defs; defines nothing itself."""

from __future__ import annotations

import dagster as dg

from pipelines.defs import raw_assets, staging_assets
from pipelines.defs.jobs import nightly_job
from pipelines.defs.resources import RunSettingsResource, WarehouseResource

defs = dg.Definitions(
    assets=dg.load_assets_from_modules([raw_assets, staging_assets]),
    jobs=[nightly_job],
    resources={
        "warehouse": WarehouseResource(),
        "run_settings": RunSettingsResource(),
    },
)
