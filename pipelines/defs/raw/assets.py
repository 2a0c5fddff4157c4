"""Raw layer assets: the inbox's files registered and landed as text in DuckDB."""

import dagster as dg

from pipelines.defs.progress_log import step_progress
from pipelines.defs.resources import RunSettingsResource, WarehouseResource
from pipelines.ingest.land import ingest_inbox


@dg.asset(
    key=["raw", "registers"],
    group_name="raw",
    kinds={"duckdb", "polars"},
)
def raw_registers(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    run_settings: RunSettingsResource,
) -> dg.MaterializeResult:
    """Every file in the inbox registered in ``raw.files`` (one row per file, by sha256) and
    every data row landed as text in ``raw.dispute_rows`` / ``raw.petition_rows`` with its
    lineage (file, sheet, Excel row). Incremental: a file already registered is not read
    again; a newer file for the same township, template and period supersedes the older.
    Unreadable files are recorded with a Chinese reason and copied to quarantine/. A
    byte-identical copy under another name gets its own row (status duplicate,
    duplicate_of the first) and no rows; an Excel lock file (~$...) or hidden file, a FIFO
    or socket, a folder named like a spreadsheet is recorded as skipped; a symlink is
    rejected (not_regular_file) and never followed. One file's failure rejects that file
    only (internal_error); its traceback is logged here at error level for the data team.
    """
    inbox = run_settings.inbox_dir(warehouse)
    with warehouse.connect() as con:
        summary = ingest_inbox(
            con,
            inbox,
            quarantine_dir=warehouse.paths.quarantine,
            workers=run_settings.workers,
            progress=step_progress(context),
        )
    context.log.info(summary.describe())
    for path, kind, reason in summary.rejected:
        context.log.warning(f"rejected {path}: {kind}: {reason}")
    for incident in summary.incidents:  # tracebacks, dead reader processes: data team only
        context.log.error(incident)
    for path, first in summary.duplicates:
        context.log.info(f"duplicate {path}: same bytes as {first}, not loaded again")
    return dg.MaterializeResult(metadata=summary.metadata())
