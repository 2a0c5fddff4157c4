"""Asset checks on the staging tables: the GX suites, and the
systemic-failure gate in front of the marts."""

from collections.abc import Iterator

import dagster as dg

from pipelines.defs.ops_instance import WAREHOUSE_POOL
from pipelines.defs.resources import WarehouseResource
from pipelines.defs.staging.assets import STAGING_DISPUTES, STAGING_PETITIONS
from quality.systemic import (
    COUNTY_MIN_TOWNSHIPS,
    FILE_ERROR_SHARE,
    file_health,
    systemic_verdict,
)
from quality.validate import validate_pending

_TARGETS = {"disputes": (STAGING_DISPUTES, "dispute"), "petitions": (STAGING_PETITIONS, "petition")}


def _specs() -> list[dg.AssetCheckSpec]:
    specs = []
    for key, _ in _TARGETS.values():
        specs += [
            dg.AssetCheckSpec(
                "expectations",
                asset=key,
                description="GX suite on the staged rows (WARN: the rows "
                "are used; findings go to quality.row_issues for the coordinator).",
            ),
            dg.AssetCheckSpec(
                "files_usable",
                asset=key,
                description=f"No file of the latest batch unreadable or with more than "
                f"{FILE_ERROR_SHARE:.0%} of its rows in error (WARN: that township's rows "
                "stay quarantined, the others go on).",
            ),
            dg.AssetCheckSpec(
                "no_systemic_failure",
                asset=key,
                blocking=True,
                description="Blocks the marts when no file of the latest batch is usable and "
                f"the bad files come from {COUNTY_MIN_TOWNSHIPS}+ townships (ERROR).",
            ),
        ]
    return specs


@dg.multi_asset_check(specs=_specs(), name="staging_quality_checks", pool=WAREHOUSE_POOL)
def staging_quality_checks(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
) -> Iterator[dg.AssetCheckResult]:
    """Runs the Great Expectations suites (quality/suites.py) over the sheets staged since
    the last validation (the statutory row rules already ran where the rows were staged),
    writes new findings to ``quality.row_issues`` (source expectations) and quarantines
    rows they find in error. (The data team's page of the findings is publish/quality_page.)

    Severity. ``expectations`` and ``files_usable`` fail as WARN: a bad row, or one
    township's file full of errors (unreadable, or > 50% of its rows in error), is that
    township's problem: its error rows stay quarantined with Chinese reasons, its
    coordinator gets the feedback workbook, and every other township's rows flow on to the
    marts. ``no_systemic_failure`` is blocking and fails as ERROR only for a systemic
    failure of the county's batch: no file of the latest ingest usable, the bad ones from
    at least two townships (a reader/template regression, a broken export) - then the run
    fails and the data team is told. A batch with any usable file goes on: bad files never
    stop the run for the townships that sent good ones.
    """
    with warehouse.connect() as con:
        summary = validate_pending(con)
        health = file_health(con)
        counts = dict(
            con.execute(
                "select template, count(*) from quality.row_issues group by template"
            ).fetchall()
        )
    context.log.info(
        f"validation: {summary.metadata()} {summary.findings}; "
        f"{summary.checkpoint_runs} GX checkpoint runs, {summary.gx_seconds:.1f} s in GX"
        + ("" if summary.sheets else " (nothing new staged: GX skipped)")
    )
    for name, (key, template) in _TARGETS.items():
        failed = {
            k: v
            for k, v in summary.failed_expectations.items()
            if k.startswith((f"{name}:", "parties:"))
        }
        yield dg.AssetCheckResult(
            asset_key=key,
            check_name="expectations",
            passed=not failed,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                **summary.metadata(),
                "failed_expectations": failed,
                "row_issues_total": int(counts.get(template, 0)),
            },
        )
        verdict = systemic_verdict(health, template)
        yield dg.AssetCheckResult(
            asset_key=key,
            check_name="files_usable",
            passed=not verdict.systemic_files,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "batch_files": verdict.batch_files,
                "systemic_files": dg.MetadataValue.json(verdict.systemic_files),
            },
        )
        yield dg.AssetCheckResult(
            asset_key=key,
            check_name="no_systemic_failure",
            passed=not verdict.blocks_county,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "systemic_share": round(verdict.share, 3),
                "systemic_townships": verdict.townships,
                "batch_files": verdict.batch_files,
            },
        )
