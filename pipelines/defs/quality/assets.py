"""Quality-layer assets: petition deadline states, the coordinators' feedback workbooks and
the data team's list of unmapped category words."""

import dagster as dg

from pipelines.defs.ops_instance import WAREHOUSE_POOL
from pipelines.defs.resources import RunSettingsResource, WarehouseResource
from pipelines.defs.staging.assets import STAGING_DISPUTES, STAGING_PETITIONS
from quality.deadlines import refresh_petition_deadlines
from quality.feedback.write import write_feedback
from quality.unmapped import refresh_unmapped_categories
from quality.validate import ensure_quality_schema
from warehouse.db import scalar


@dg.asset(
    key=["quality", "petition_deadlines"],
    group_name="quality",
    kinds={"duckdb"},
    deps=[dg.AssetKey(["intermediate", "petition_deadlines"])],
    pool=WAREHOUSE_POOL,
)
def petition_deadlines(
    warehouse: WarehouseResource, run_settings: RunSettingsResource
) -> dg.MaterializeResult:
    """Deadline state of every open petition event as of the run's as_of (信访工作条例
    Art. 22/23: accept within 15 days; Art. 34: conclude within 60 days of acceptance, 90
    with 延期). Grain: one row per open event (its latest register row) with stage,
    deadline, days_left and state on_time | due_soon (< 7 days) | overdue."""
    as_of = run_settings.as_of_date()
    with warehouse.connect() as con:
        ensure_quality_schema(con)
        counts = refresh_petition_deadlines(con, as_of)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": sum(counts.values()),
            "as_of": as_of.isoformat(),
            **{f"{state}_events": n for state, n in counts.items()},
        }
    )


@dg.asset(
    key=["quality", "feedback_workbooks"],
    group_name="quality",
    kinds={"excel", "duckdb"},
    deps=[STAGING_DISPUTES, STAGING_PETITIONS],
    pool=WAREHOUSE_POOL,
)
def feedback_workbooks(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    run_settings: RunSettingsResource,
) -> dg.MaterializeResult:
    """A marked-up copy of each submitted file with something to fix (an error, or
    warnings in the last three register months), for its coordinator:
    DISPUTES_HOME/feedback/<township>/<file>_问题反馈.xlsx (problem cells red/yellow with a
    comment, a 问题说明 column, a 问题汇总 sheet) to fix and send back, and its twin
    <file>_问题反馈_脱敏.xlsx with names, ID numbers and phones masked, the one emailed.
    Grain: one pair per current file with something to fix; rewritten only when that
    file's issues changed. Runs after the blocking staging checks, so the expectation
    findings are in."""
    with warehouse.connect() as con:
        ensure_quality_schema(con)
        summary = write_feedback(
            con,
            run_settings.inbox_dir(warehouse),
            warehouse.paths.feedback,
            run_settings.as_of_date(),
        )
        total = scalar(con, "select count(*) from quality.feedback_files")
    context.log.info(
        f"feedback workbooks: {summary.written} written, {summary.unchanged} unchanged, "
        f"{summary.removed} removed, {len(summary.failed)} failed"
    )
    for path, error in summary.failed:
        context.log.error(f"feedback workbook of {path} not written: {error}")
    return dg.MaterializeResult(metadata={"dagster/row_count": int(total), **summary.metadata()})


UNMAPPED_CATEGORIES = dg.AssetKey(["quality", "unmapped_categories"])


@dg.asset(
    key=UNMAPPED_CATEGORIES,
    group_name="quality",
    kinds={"duckdb"},
    deps=[STAGING_DISPUTES, STAGING_PETITIONS],
    pool=WAREHOUSE_POOL,
)
def unmapped_categories(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Category words the directory (pipelines/reference/vocab.yaml) did not map, for the
    data team to add as a synonym or a category: one row per word as written (cleaned),
    with its rows, files, townships and months. Those rows count under 其他 meanwhile.
    Grain: one row per unmapped word, over the current (not superseded) files."""
    with warehouse.connect() as con:
        rows = refresh_unmapped_categories(con)
    return dg.MaterializeResult(metadata={"dagster/row_count": rows})
