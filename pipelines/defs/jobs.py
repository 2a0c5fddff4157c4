"""Jobs. The nightly job is the one the schedule, the sensor, the CLI and the tests run."""

from __future__ import annotations

import dagster as dg

nightly_job = dg.define_asset_job(
    name="nightly_job",
    selection=dg.AssetSelection.all(),
    description="Ingest the inbox, validate, build models and marts, publish, notify.",
)
