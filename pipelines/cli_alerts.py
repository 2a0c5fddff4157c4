"""`disputes alerts` and `disputes dagster-home`: preview or send coordinator digests, and
prepare the Dagster instance folder with its one-writer limits."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from pipelines.settings import parse_as_of, paths

console = Console()


def alerts(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would be sent; send and record nothing.")
    ] = False,
    home: Annotated[Path | None, typer.Option("--home", help="Data directory.")] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Reference date YYYY-MM-DD (default today).")
    ] = None,
    coordinators: Annotated[
        Path | None, typer.Option("--coordinators", help="Coordinators file (default: versioned).")
    ] = None,
) -> None:
    """Coordinator digests of what is new since the last alert (masked).

    With --dry-run: read the warehouse read-only and print each township's digest and its
    targets. Without: run only the alert step of nightly_job (sends and logs).
    """
    import duckdb

    from pipelines.alerts.config import load_alert_config
    from pipelines.alerts.run import coordinator_alerts
    from warehouse.db import connect

    p = paths(home)
    try:
        reference = parse_as_of(as_of)
    except ValueError as exc:
        raise typer.BadParameter(f"--as-of must be YYYY-MM-DD, got {as_of!r}") from exc
    if not dry_run:
        _send(p.home, reference)
        return
    if not p.warehouse_db.exists():
        console.print(f"[red]No warehouse at {p.warehouse_db}: run `disputes run` first.[/red]")
        raise typer.Exit(2)
    config = load_alert_config(coordinators)
    try:
        con = connect(p.warehouse_db, read_only=True)
    except duckdb.Error as exc:
        console.print(f"[red]Warehouse busy or unreadable: {exc}[/red]")
        raise typer.Exit(2) from exc
    try:
        result = coordinator_alerts(
            con, as_of=reference, feedback_dir=p.feedback, config=config, dry_run=True
        )
    finally:
        con.close()
    if not result.digests:
        console.print("Nothing new to tell any coordinator (dry run).")
    for digest in result.digests:
        recipient = config.coordinators[digest.township_code]
        targets = ", ".join(t.label for t in recipient.targets) or "（无已配置渠道）"
        console.rule(f"{digest.township_name} -> {targets}")
        console.print(f"标题：{digest.title}", markup=False, highlight=False)
        if digest.attachments:
            names = ", ".join(a.name for a in digest.attachments)
            console.print(f"附件（仅邮件）：{names}", markup=False, highlight=False, soft_wrap=True)
        # soft_wrap: the body's own lines, as a phone gets them (the terminal may wrap them)
        console.print(digest.body, markup=False, highlight=False, soft_wrap=True)
        if recipient.unconfigured:
            console.print(f"[dim]not configured: {', '.join(recipient.unconfigured)}[/dim]")
    console.print(f"[bold]dry run[/bold]: {len(result.digests)} digest(s), nothing sent.")


def _send(home: Path, as_of: date) -> None:
    import dagster as dg

    from pipelines.definitions import defs

    job = defs.resolve_job_def("nightly_job")
    result = job.execute_in_process(
        run_config={
            "resources": {
                "warehouse": {"config": {"home": str(home)}},
                "run_settings": {"config": {"as_of": as_of.isoformat()}},
            }
        },
        asset_selection=[dg.AssetKey(["alerts", "coordinator_digests"])],
        raise_on_error=False,
    )
    for event in result.get_asset_materialization_events():
        mat = event.step_materialization_data.materialization
        console.print({k: v.value for k, v in mat.metadata.items()})
    if not result.success:
        raise typer.Exit(1)


def dagster_home(home: Annotated[Path | None, typer.Option("--home")] = None) -> None:
    """Write DISPUTES_HOME/dagster/dagster.yaml (one run writing the warehouse at a time)
    and print the DAGSTER_HOME to export before `dagster dev`."""
    from pipelines.defs.ops_instance import write_instance_config

    target = write_instance_config(paths(home).dagster_home)
    console.print(f"wrote {target}")
    console.print(f"export DAGSTER_HOME={target.parent}", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.command("alerts")(alerts)
    app.command("dagster-home")(dagster_home)
