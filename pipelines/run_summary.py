"""What a person sees after a run: counts from the warehouse, where to look next."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from pipelines.runner import RunOutcome
from pipelines.settings import Paths, paths
from warehouse.db import connect, scalar

_COUNTS = {
    "files loaded (载入文件)": "select count(*) from raw.files where status = 'loaded'",
    "files superseded (已被替换)": "select count(*) from raw.files where status = 'superseded'",
    "files rejected (拒收文件)": "select count(*) from raw.files where status = 'rejected'",
    "files duplicate (重复报送)": "select count(*) from raw.files where status = 'duplicate'",
    "files skipped (跳过)": "select count(*) from raw.files where status = 'skipped'",
    "dispute rows staged (纠纷行)": "select count(*) from staging.disputes",
    "petition rows staged (信访行)": "select count(*) from staging.petitions",
    "rows quarantined (隔离行)": "select count(*) from quality.quarantined_rows",
    "row issues (问题)": "select count(*) from quality.row_issues",
}


def warehouse_counts(p: Paths) -> dict[str, int]:
    con = connect(p.warehouse_db, read_only=True)
    try:
        return {label: scalar(con, sql) for label, sql in _COUNTS.items()}
    finally:
        con.close()


def print_run_summary(console: Console, outcome: RunOutcome) -> None:
    status = "[green]succeeded[/green]" if outcome.success else "[red]FAILED[/red]"
    console.print(f"Run {outcome.run_id} {status}")
    if outcome.failure:
        console.print(f"[red]{outcome.failure}[/red]")
    this_run = dict(outcome.metadata.get("raw/registers", {}))
    rejected = str(this_run.pop("rejected_this_run", "") or "")
    duplicates = str(this_run.pop("duplicates_this_run", "") or "")
    skipped = str(this_run.pop("skipped_this_run", "") or "")
    # Tracebacks for the data team: they are in the run log at error level, not here.
    incidents = str(this_run.pop("incidents_this_run", "") or "")
    if this_run:
        console.print(
            "This run: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in this_run.items())
        )
    for line in rejected.splitlines():
        console.print(f"  [yellow]rejected[/yellow] {line}", soft_wrap=True)
    for line in duplicates.splitlines():
        console.print(f"  [cyan]duplicate[/cyan] {line}", soft_wrap=True)
    for line in skipped.splitlines():
        console.print(f"  skipped {line}", soft_wrap=True)
    if incidents:
        console.print("  [red]internal errors[/red]: tracebacks in the run's log (error level)")
    p = paths(outcome.home)
    if not p.warehouse_db.exists():
        return
    table = Table(title="Warehouse totals")
    table.add_column("what")
    table.add_column("count", justify="right")
    for label, value in warehouse_counts(p).items():
        table.add_row(label, f"{value:,}")
    console.print(table)


def print_where_to_look(console: Console, p: Paths) -> None:
    console.print(f"\nWarehouse (pipeline's own, with PII): {p.warehouse_db}")
    if p.analytics_db.exists():
        console.print(f"Analyst snapshot (no PII):          {p.analytics_db}")
    from pipelines.report.quality_page import PAGE_NAME  # deferred: it loads the chart stack

    if (p.reports / PAGE_NAME).exists():
        console.print(f"Quality page (data team, offline):  {p.reports / PAGE_NAME}")
    # Plain print: these lines are meant to be copied, so no wrapping.
    print("\nTry (after `source .venv/bin/activate`):")
    print(f'  DISPUTES_HOME={p.home} disputes sql "select * from marts.township_monthly limit 10"')
    print(
        f"  python -c \"import duckdb; print(duckdb.connect('{p.analytics_db}', read_only=True)"
        ".sql('select * from marts.county_summary'))\""
    )
