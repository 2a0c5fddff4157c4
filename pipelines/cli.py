"""`disputes` command line: runs the Dagster job or read-only helpers, nothing else."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from pipelines import cli_alerts, cli_analyst
from pipelines.settings import paths

app = typer.Typer(
    help="矛盾纠纷排查 / 信访 data pipeline: ingest township registers, build the warehouse.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()

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
) -> None:
    """Run the nightly job in-process on INBOX and print a summary.

    Exits non-zero only when the run itself fails, not when a township sent a bad sheet.
    """
    from pipelines.run_summary import print_run_summary
    from pipelines.runner import run_nightly

    if not inbox.is_dir():
        console.print(f"[red]Inbox folder not found: {inbox}[/red]")
        raise typer.Exit(2)
    outcome = run_nightly(
        home=home, inbox=inbox, as_of=_as_of(as_of), workers=workers, log_level=log_level
    )
    print_run_summary(console, outcome)
    if not outcome.success:
        raise typer.Exit(1)


@app.command("generate-samples")
def generate_samples_cmd(
    out: Annotated[Path, typer.Option("--out", help="Output folder (inbox/ and truth/).")],
    seed: int = 7,
    months: int = 24,
    start: str = "2024-01",
    townships: Annotated[
        list[str] | None, typer.Option("--townships", help="Names or codes; default all.")
    ] = None,
    clean: Annotated[bool, typer.Option(help="No mess, no broken files.")] = False,
) -> None:
    """Simulate a county and write its township registers plus the world's truth."""
    from pipelines.samples import generate_samples

    summary = generate_samples(
        out, seed=seed, months=months, start=start, townships=townships, mess=not clean
    )
    table = Table(title=f"Sample world in {out}")
    table.add_column("what")
    table.add_column("value", justify="right")
    for key, value in summary.items():
        table.add_row(str(key), str(value))
    console.print(table)


@app.command()
def demo(
    home: HomeOpt = None,
    months: int = 24,
    seed: int = 7,
) -> None:
    """Generate the bundled sample world, run the nightly job on it, say where results are."""
    from pipelines.run_summary import print_run_summary, print_where_to_look
    from pipelines.runner import run_nightly
    from pipelines.samples import generate_samples

    p = paths(home)
    samples = p.home / "samples"
    console.print(f"Generating the sample world ({months} months, seed {seed}) in {samples} ...")
    summary = generate_samples(samples, seed=seed, months=months)
    as_of = date.fromisoformat(str(summary["as_of"])) if "as_of" in summary else None
    outcome = run_nightly(home=p.home, inbox=samples / "inbox", as_of=as_of)
    print_run_summary(console, outcome)
    if not outcome.success:
        raise typer.Exit(1)
    print_where_to_look(console, p)


cli_analyst.register(app)
cli_alerts.register(app)


def main() -> None:  # pragma: no cover - console entry point
    sys.exit(app())
