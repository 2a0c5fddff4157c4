"""`disputes generate-samples` and `disputes demo`: the only product code that touches the
sample-world generator.

The generator (top-level package ``sample_world``) is a simulator and a test oracle, not
part of the pipeline: it is installed with the ``samples`` extra (``pip install -e
'.[samples]'``; command one does this) and imported here only inside the commands, so the
pipeline runs, and every other command works, without it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from pipelines.settings import paths

console = Console()

MISSING_EXTRA = (
    "The sample-world generator is not installed: it is an optional part of the project. "
    "Install it with `uv sync --extra samples` or `pip install -e '.[samples]'` (or run "
    "`bash scripts/demo.sh`, which does), then run this command again."
)


def _sample_world() -> ModuleType:
    """Import the generator, or exit with a message saying how to install it."""
    try:
        import sample_world
    except ImportError as exc:  # the package itself or its writers (xlwt) are absent
        # markup=False: the message's "[samples]" is not a rich style tag.
        console.print(f"{MISSING_EXTRA}\n({exc})", style="red", markup=False)
        raise typer.Exit(2) from exc
    return sample_world


def generate_samples_cmd(
    out: Annotated[
        Path,
        typer.Option(
            "--out", help="Output folder (inbox/ and truth/; with --province one per county)."
        ),
    ],
    seed: int = 7,
    months: int = 24,
    start: str = "2024-01",
    townships: Annotated[
        list[str] | None, typer.Option("--townships", help="Names or codes; default all.")
    ] = None,
    clean: Annotated[bool, typer.Option(help="No mess, no broken files.")] = False,
    province: Annotated[
        bool,
        typer.Option(
            "--province", help="Many counties of 福建, one folder each: DIR/<county_code>/."
        ),
    ] = False,
    counties: Annotated[
        int, typer.Option("--counties", help="With --province: how many counties (1-84).")
    ] = 84,
    total_townships: Annotated[
        int | None,
        typer.Option(
            "--total-townships",
            help="With --province: townships over all counties (default ~13 a county).",
        ),
    ] = None,
) -> None:
    """Simulate a county (or with --province many) and write the registers plus the truth."""
    samples = _sample_world()
    if province:
        if townships:
            raise typer.BadParameter(
                "--townships names a county's townships; with --province use --total-townships N"
            )
        _generate_province(out, seed, months, start, counties, total_townships, clean)
        return
    if counties != 84 or total_townships is not None:
        raise typer.BadParameter("--counties and --total-townships need --province")
    summary = samples.generate_samples(
        out, seed=seed, months=months, start=start, townships=townships, mess=not clean
    )
    table = Table(title=f"Sample world in {out}")
    table.add_column("what")
    table.add_column("value", justify="right")
    for key, value in summary.items():
        table.add_row(str(key), str(value))
    console.print(table)


def _generate_province(
    out: Path,
    seed: int,
    months: int,
    start: str,
    counties: int,
    total_townships: int | None,
    clean: bool,
) -> None:
    """Province mode: a line per county as it is written, then files, rows, seconds and
    the generator's peak memory (the figures issue 14 asks to quote)."""
    import resource
    import time

    from sample_world.province import generate_province

    began = time.perf_counter()

    def progress(row: dict) -> None:
        console.print(
            f"{row['county_code']} {row['county_name']}: {row['townships']} townships, "
            f"{row['files']} files, {row['data_rows']} rows "
            f"({time.perf_counter() - began:.0f} s)"
        )

    try:
        summary = generate_province(
            out,
            seed=seed,
            months=months,
            start=start,
            counties=counties,
            townships=total_townships,
            mess=not clean,
            progress=progress,
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    seconds = time.perf_counter() - began
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    table = Table(title=f"Province sample world in {out}")
    table.add_column("what")
    table.add_column("value", justify="right")
    for key, value in summary.items():
        table.add_row(str(key), str(value))
    table.add_row("seconds", f"{seconds:.1f}")
    table.add_row("rows per second", f"{summary['data_rows'] / seconds:,.0f}")
    table.add_row("peak RSS (MiB)", f"{peak_mib:,.0f}")
    console.print(table)


def demo(
    home: Annotated[
        Path | None,
        typer.Option("--home", help="Data directory (default: $DISPUTES_HOME or ./data)."),
    ] = None,
    months: int = 24,
    seed: int = 7,
) -> None:
    """Generate the bundled sample world, run the nightly job on it, say where results are."""
    from pipelines.run_summary import print_run_summary, print_where_to_look
    from pipelines.runner import run_nightly

    samples = _sample_world()
    p = paths(home)
    world = p.home / "samples"
    console.print(f"Generating the sample world ({months} months, seed {seed}) in {world} ...")
    summary = samples.generate_samples(world, seed=seed, months=months)
    as_of = date.fromisoformat(str(summary["as_of"])) if "as_of" in summary else None
    # demo=True: the public demo PII key is acceptable for the bundled samples only.
    outcome = run_nightly(home=p.home, inbox=world / "inbox", as_of=as_of, demo=True)
    print_run_summary(console, outcome)
    if not outcome.success:
        raise typer.Exit(1)
    print_where_to_look(console, p)


def register(app: typer.Typer) -> None:
    app.command("generate-samples")(generate_samples_cmd)
    app.command("demo")(demo)
