"""Great Expectations at run time: one ephemeral context per process, and one checkpoint
run of a frame against a list of `Check`s (quality/checks.py).

GX is imported lazily (~5 s), once, on the first validation; a lock serialises checkpoint
runs on the shared context. `result_format="COMPLETE"` returns every failing row's index, which
quality/suite_run.py maps back to rows.
"""

from __future__ import annotations

import logging
import threading
from functools import cache
from typing import Any

import pandas as pd

from quality.checks import Check

_GX_LOCK = threading.Lock()


@cache
def load_gx() -> Any:
    """Import GX once per process and give back (module, expectations, context)."""
    import great_expectations as gx
    import great_expectations.expectations as gxe
    import tqdm
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # No progress bars, and no tqdm monitor thread: the ingest forks worker processes in
    # this same process, and a fork while another thread holds a lock can hang the child.
    tqdm.tqdm.monitor_interval = 0
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return gx, gxe, context


def build_suite(name: str, checks: list[Check]) -> Any:
    """The GX ExpectationSuite object of one frame's checks (meta carries the check's
    unique name, its rule and the field its findings are attributed to)."""
    gx, gxe, _ = load_gx()
    suite = gx.ExpectationSuite(name=f"staging_{name}")
    for check in checks:
        cls = getattr(gxe, check.expectation)
        suite.add_expectation(
            cls(
                **check.kwargs, meta={"rule": check.rule, "check": check.name, "field": check.field}
            )
        )
    return suite


def run_checkpoint(name: str, checks: list[Check], frame: pd.DataFrame) -> Any:
    """Validate ``frame`` against ``checks``; the GX ExpectationSuiteValidationResult.

    No actions: GX Data Docs are not rendered (their pages load CSS and JS from CDNs and
    show unstyled offline); the data team reads DISPUTES_HOME/reports/quality.html
    (pipelines/report/quality_page.py) instead."""
    with _GX_LOCK:
        gx, _, context = load_gx()
        suite = context.suites.add_or_update(build_suite(name, checks))
        asset_name = f"staging_{name}"
        source = context.data_sources.add_or_update_pandas("staging")
        try:
            asset = source.get_asset(asset_name)
        except LookupError:
            asset = source.add_dataframe_asset(asset_name)
        batch_def = next(iter(asset.batch_definitions), None) or (
            asset.add_batch_definition_whole_dataframe("whole")
        )
        definition = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=f"validate_{name}", data=batch_def, suite=suite)
        )
        checkpoint = context.checkpoints.add_or_update(
            gx.Checkpoint(
                name=f"staging_{name}",
                validation_definitions=[definition],
                actions=[],
                result_format={"result_format": "COMPLETE"},
            )
        )
        outcome = checkpoint.run(batch_parameters={"dataframe": frame})
        return next(iter(outcome.run_results.values()))
