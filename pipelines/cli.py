"""`disputes` command line: runs the Dagster job or read-only helpers, nothing else."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from pipelines import cli_alerts, cli_analyst, cli_operations, cli_quality, cli_samples

app = typer.Typer(
    help="矛盾纠纷排查 / 信访 data pipeline: ingest township registers, build the warehouse.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err = Console(stderr=True)

HomeOpt = Annotated[
    Path | None,
    typer.Option("--home", help="Data directory (default: $DISPUTES_HOME or ./data)."),
]


def _as_of(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"--as-of must be YYYY-MM-DD, got {value!r}") from exc


@app.command()
def run(
    inbox: Annotated[Path, typer.Option("--inbox", help="Folder of township files.")],
    home: HomeOpt = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Reference date YYYY-MM-DD (default today).")
    ] = None,
    workers: Annotated[int, typer.Option(help="Processes reading files in parallel.")] = 2,
    log_level: Annotated[
        str, typer.Option(help="Dagster console log level (the summary lists rejected files).")
    ] = "ERROR",
    wait: Annotated[
        float | None,
        typer.Option(
            "--wait",
            help="Seconds to wait while another run holds the warehouse "
            "(default: $DISPUTES_LOCK_WAIT or 0), then exit 3.",
        ),
    ] = None,
) -> None:
    """Run the nightly job in-process on INBOX and print a summary.

    Exit codes: 0 done; 1 the run failed; 2 bad usage or DISPUTES_PII_KEY unset; 3 another
    run holds the warehouse (nothing was touched). A township's bad sheet is not a failure.
    """
    from pipelines.cli_progress import terminal_progress
    from pipelines.operations.lock import WarehouseBusy
    from pipelines.privacy import MissingPiiKey
    from pipelines.run_summary import print_run_summary
    from pipelines.runner import run_nightly

    if not inbox.is_dir():
        console.print(f"[red]Inbox folder not found: {inbox}[/red]")
        raise typer.Exit(2)
    try:
        # On a terminal, stderr shows each step and its counts while the job runs; piped
        # or redirected, nothing but the summary is printed (pipelines/cli_progress.py).
        with terminal_progress(err) as bars:
            outcome = run_nightly(
                home=home,
                inbox=inbox,
                as_of=_as_of(as_of),
                workers=workers,
                log_level=log_level,
                wait=wait,
                progress=bars,
                on_step=bars.step if bars else None,
            )
    except MissingPiiKey as exc:
        err.print(f"[red]{exc}[/red]", soft_wrap=True)
        raise typer.Exit(2) from exc
    except WarehouseBusy as exc:
        err.print(f"[red]{exc}[/red]", soft_wrap=True)
        raise typer.Exit(3) from exc
    print_run_summary(console, outcome)
    if not outcome.success:
        raise typer.Exit(1)


cli_analyst.register(app)
cli_alerts.register(app)
cli_quality.register(app)
cli_samples.register(app)
cli_operations.register(app)


def main() -> None:  # pragma: no cover - console entry point
    sys.exit(app())
