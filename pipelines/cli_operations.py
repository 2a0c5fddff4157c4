"""`disputes backup list` and `disputes restore`: the backups the nightly run keeps of
warehouse.duckdb (pipelines/operations/backups.py), and putting one back.

Restore takes the writer lock without waiting: while a run holds the warehouse it refuses
(exit 3) rather than swap the file under a writer. Exit 2: no such backup, or it does not
open as a DuckDB database (then nothing was changed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from pipelines.operations.backups import (
    BackupError,
    find_backup,
    list_backups,
    restore_backup,
)
from pipelines.operations.lock import WarehouseBusy, hold_warehouse
from pipelines.settings import TIMEZONE, paths

console = Console()
err = Console(stderr=True)
backup_app = typer.Typer(help="Backups of warehouse.duckdb kept after each successful run.")

HomeOpt = Annotated[
    Path | None,
    typer.Option("--home", help="Data directory (default: $DISPUTES_HOME or ./data)."),
]


@backup_app.command("list")
def backup_list(home: HomeOpt = None) -> None:
    """The kept backups, oldest first: name, time (Asia/Shanghai), size, run id."""
    p = paths(home)
    backups = list_backups(p.backups)
    if not backups:
        console.print(f"no backups in {p.backups}")
        return
    table = Table(title=f"backups in {p.backups}")
    for column in ("name", "time", "size (MB)", "run id"):
        table.add_column(column, justify="right" if column == "size (MB)" else "left")
    for b in backups:
        taken = b.taken.astimezone(TIMEZONE).strftime("%Y-%m-%d %H:%M:%S")
        table.add_row(b.name, taken, f"{b.size / 1e6:.1f}", b.run_id)
    console.print(table)


def restore(
    name: Annotated[
        str | None, typer.Argument(help="Backup name (or run id prefix) from `backup list`.")
    ] = None,
    latest: Annotated[bool, typer.Option("--latest", help="Restore the newest backup.")] = False,
    home: HomeOpt = None,
) -> None:
    """Replace warehouse.duckdb by a backup; the replaced file is kept beside it as
    warehouse.duckdb.replaced-<time>. Refuses (exit 3) while a run holds the warehouse."""
    if (name is None) == (not latest):
        err.print("[red]give a backup NAME or --latest (not both)[/red]")
        raise typer.Exit(2)
    p = paths(home)
    try:
        backup = find_backup(p.backups, None if latest else name)
        with hold_warehouse(p.lock_file, wait=0, run_id="restore"):
            replaced = restore_backup(p.warehouse_db, backup)
    except WarehouseBusy as exc:
        err.print(f"[red]restore refused: {exc}[/red]", soft_wrap=True)
        raise typer.Exit(3) from exc
    except BackupError as exc:
        err.print(f"[red]{exc}[/red]", soft_wrap=True)
        raise typer.Exit(2) from exc
    console.print(f"restored {backup.name} to {p.warehouse_db}")
    if replaced is not None:
        console.print(f"the replaced file is kept as {replaced}")


def register(app: typer.Typer) -> None:
    app.add_typer(backup_app, name="backup")
    app.command("restore")(restore)
