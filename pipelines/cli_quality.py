"""`disputes quality-report`: the data team's quality page (DISPUTES_HOME/reports/quality.html)
from the analyst snapshot, the same page the nightly run writes (publish/quality_page).
Read-only: it opens analytics.duckdb only, so it runs while a job holds the warehouse."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from pipelines.settings import paths

console = Console()
err = Console(stderr=True)


def quality_report(
    home: Annotated[
        Path | None,
        typer.Option("--home", help="Data directory (default: $DISPUTES_HOME or ./data)."),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="HTML path.")] = None,
) -> None:
    """Write the quality page (Chinese, one self-contained HTML file that opens offline):
    files by status and reason, findings by rule and township, their trend by register
    month, rows quarantined by rule, the latest run's figures."""
    from pipelines.report.quality_page import PAGE_NAME, write_quality_page
    from warehouse.snapshot import SnapshotMissingError

    p = paths(home)
    try:
        written = write_quality_page(p.analytics_db, out or p.reports / PAGE_NAME)
    except SnapshotMissingError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    console.print(f"wrote {written}")


def register(app: typer.Typer) -> None:
    app.command("quality-report")(quality_report)
