"""The code location: collects definitions from pipelines/defs; defines nothing itself."""

from __future__ import annotations

import dagster as dg

from pipelines.defs import (
    alert_assets,
    feedback_assets,
    mart_checks,
    model_assets,
    publish_assets,
    quality_checks,
    raw_assets,
    schedules,
    sensors,
    staging_assets,
)
from pipelines.defs.jobs import nightly_job
from pipelines.defs.resources import RunSettingsResource, WarehouseResource

defs = dg.Definitions(
    assets=dg.load_assets_from_modules([raw_assets, staging_assets, model_assets, publish_assets,
                                      alert_assets, feedback_assets]),
    asset_checks=dg.load_asset_checks_from_modules([mart_checks, quality_checks]),
    jobs=[nightly_job],
    schedules=[schedules.nightly_schedule],
    sensors=[sensors.inbox_sensor, sensors.data_team_failure_sensor],
    resources={
        "warehouse": WarehouseResource(),
        "run_settings": RunSettingsResource(),
    },
)
