"""Jobs. The nightly job is the one the schedule, the sensor, the CLI and the tests run."""

from __future__ import annotations

import dagster as dg

from pipelines.defs.ops_instance import WAREHOUSE_TAG, WAREHOUSE_TAG_VALUE

nightly_job = dg.define_asset_job(
    name="nightly_job",
    selection=dg.AssetSelection.all(),
    description="Ingest the inbox, validate, build models and marts, publish, notify.",
    # One writer on warehouse.duckdb: steps in one process, runs queued by tag (ops_instance).
    executor_def=dg.in_process_executor,
    run_tags={WAREHOUSE_TAG: WAREHOUSE_TAG_VALUE},
)
