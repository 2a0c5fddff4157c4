"""The progress sink a step's asset hands to the core: Dagster log lines at a bounded rate,
and the CLI's terminal bar when `disputes run` attached one (pipelines/progress.py)."""

from __future__ import annotations

import dagster as dg

from pipelines.progress import LogProgress, Progress, Tee, attached_sink


def step_progress(context: dg.AssetExecutionContext) -> Progress:
    """Info lines in the run's event log (every 10% or 5 s, never one per file), plus
    whatever sink the in-process run attached (nothing for a daemon-launched run)."""
    return Tee(LogProgress(context.log.info), attached_sink())
