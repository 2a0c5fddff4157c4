"""Analyst commands of `disputes`: query the snapshot, the data dictionary, the trend report,
republishing. All read the PII-free snapshot only (`publish` reads the warehouse to build
it). Registered on the main app by ``register(app)``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from pipelines.settings import paths

console = Console()
if not console.is_terminal:  # piped or captured: wide enough that columns are not cut
    console = Console(width=240)
err = Console(stderr=True)

HomeOpt = Annotated[
    Path | None,
    typer.Option("--home", help="Data directory (default: $DISPUTES_HOME or ./data)."),
]


def sql(
    query: Annotated[str, typer.Argument(help="SQL text, a .sql file, or a saved query name.")],
    home: HomeOpt = None,
    csv: Annotated[Path | None, typer.Option("--csv", help="Also write CSV here.")] = None,
    parquet: Annotated[Path | None, typer.Option("--parquet", help="Also write Parquet.")] = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Also write an Excel file.")] = None,
    var: Annotated[
        list[str] | None,
        typer.Option("--var", help="NAME=VALUE for getvariable() in saved queries."),
    ] = None,
    limit: Annotated[int, typer.Option(help="Rows shown in the terminal (exports: all).")] = 50,
) -> None:
    """Run a query read-only against the analyst snapshot (analytics.duckdb).

    QUERY is a saved query's name (see `disputes queries`), a path to a .sql file, or SQL.
    In --csv, a text starting with = + - @ (or a tab/CR) is written with a leading ' so a
    spreadsheet shows it and does not evaluate it; --xlsx writes it as a text cell.
    """
    import duckdb

    from pipelines.formula_text import csv_frame
    from warehouse.snapshot import (
        SnapshotMissingError,
        open_snapshot,
        parse_variable,
        resolve_query,
        set_variables,
    )

    text, label = resolve_query(query)
    try:
        con = open_snapshot(paths(home).analytics_db)
    except SnapshotMissingError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    try:
        set_variables(con, dict(parse_variable(v) for v in var or []))
        frame = con.sql(text).pl()
    except (duckdb.Error, ValueError) as exc:
        err.print(f"[red]{label} failed:[/red] {exc}")
        raise typer.Exit(1) from exc
    finally:
        con.close()
    _print_frame(frame, label, limit)
    if csv:  # text that starts like a formula gets an apostrophe (pipelines/formula_text.py)
        csv_frame(frame).write_csv(csv)
    if parquet:
        frame.write_parquet(parquet)
    if xlsx:  # polars writes every text as a string cell, never a formula
        frame.write_excel(xlsx, worksheet="result", autofit=True)
    for target in (csv, parquet, xlsx):
        if target:
            err.print(f"wrote {frame.height} rows to {target}")


def _print_frame(frame, label: str, limit: int) -> None:  # type: ignore[no-untyped-def]
    shown = frame.head(limit)
    title = f"{label}: {frame.height} rows" + (f" (first {limit})" if frame.height > limit else "")
    table = Table(title=title, show_lines=False)
    for name, dtype in zip(shown.columns, shown.dtypes, strict=True):
        table.add_column(name, justify="right" if dtype.is_numeric() else "left")
    for row in shown.iter_rows():
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)


def queries() -> None:
    """List the saved queries (warehouse/queries/*.sql) with what each answers."""
    from warehouse.snapshot import saved_queries

    table = Table(title="Saved queries: disputes sql NAME [--var name=value]")
    table.add_column("name")
    table.add_column("what it answers")
    for q in saved_queries().values():
        table.add_row(q.name, q.description)
    console.print(table)


def dictionary(
    write: Annotated[bool, typer.Option("--write", help="Rewrite warehouse/README.md.")] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 if warehouse/README.md is stale.")
    ] = False,
) -> None:
    """The snapshot's data dictionary (warehouse/dictionary.yaml) rendered as Markdown."""
    from warehouse.dictionary import README_PATH, load_dictionary, render_readme

    text = render_readme(load_dictionary())
    if write:
        README_PATH.write_text(text, encoding="utf-8")
        err.print(f"wrote {README_PATH}")
    elif check:
        current = README_PATH.read_text(encoding="utf-8") if README_PATH.exists() else ""
        if current != text:
            err.print(f"[red]{README_PATH} is stale: run `disputes dictionary --write`[/red]")
            raise typer.Exit(1)
        err.print(f"{README_PATH} is current")
    else:
        console.print(text, markup=False)


def report(
    month: Annotated[str, typer.Option("--month", help="Report month YYYY-MM.")],
    home: HomeOpt = None,
    out: Annotated[Path | None, typer.Option("--out", help="HTML path.")] = None,
) -> None:
    """Write the monthly trend report (Chinese, self-contained HTML with charts) to
    DISPUTES_HOME/reports/report-YYYY-MM.html."""
    from pipelines.report import write_report
    from warehouse.snapshot import SnapshotMissingError

    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError as exc:
        raise typer.BadParameter(f"--month must be YYYY-MM, got {month!r}") from exc
    p = paths(home)
    target = out or p.reports / f"report-{month}.html"
    try:
        written = write_report(p.analytics_db, first, target)
    except SnapshotMissingError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    console.print(f"wrote {written}")


def publish(
    home: HomeOpt = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD.")] = None,
) -> None:
    """Republish analytics.duckdb from the warehouse's current marts.

    No ingest, no models: e.g. after a dictionary change. Needs the warehouse not held by
    a run."""
    from pipelines.settings import parse_as_of
    from warehouse.db import connect
    from warehouse.publish import PublishError, publish_snapshot

    p = paths(home)
    con = connect(p.warehouse_db)
    try:
        result = publish_snapshot(con, p.analytics_db, as_of=parse_as_of(as_of))
    except PublishError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    finally:
        con.close()
    console.print(f"published {result.path} ({result.publish_id}, {result.seconds}s)")
    for table, rows in result.row_counts.items():
        console.print(f"  {table}: {rows} rows")


def register(app: typer.Typer) -> None:
    app.command()(sql)
    app.command()(queries)
    app.command()(dictionary)
    app.command()(report)
    app.command()(publish)
