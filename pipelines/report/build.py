"""Assemble the monthly report from the snapshot: figures, charts, HTML."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import escape
from pathlib import Path
from string import Template
from typing import Any

import duckdb
import polars as pl

from pipelines.operations.permissions import public_dir, public_file
from pipelines.report import charts
from warehouse.snapshot import open_snapshot

HERE = Path(__file__).parent
SQL_DIR = HERE / "sql"

# (figure, label, kind): kind "count" sums over a period, "rate" is read from county_summary.
KPI_ROWS = (
    ("new_cases", "新增矛盾纠纷（件）", "count"),
    ("resolved_cases", "化解（件）", "count"),
    ("open_cases", "存量（件，期末）", "count"),
    ("petition_batches", "信访批次", "count"),
    ("petition_persons", "信访人次", "count"),
    ("group_petitions", "集体访（批）", "count"),
    ("escalated_petitions", "越级访（批）", "count"),
    ("resolution_rate", "化解率（%）", "rate"),
    ("timely_acceptance_rate", "及时受理率（%）", "rate"),
    ("on_time_conclusion_rate", "按期办结率（%）", "rate"),
    ("one_time_resolution_rate", "一次性化解率（%）", "rate"),
    ("first_visit_meeting_rate", "初访7日见面率（%）", "rate"),
)


@dataclass
class ReportData:
    month: date
    snapshot: dict[str, Any]
    trend: pl.DataFrame
    yoy: pl.DataFrame
    categories: pl.DataFrame
    periods: dict[str, dict[str, Any]]
    years: dict[int, dict[str, Any]]
    repeat: pl.DataFrame
    repeat_total: dict[str, int]
    overdue: pl.DataFrame


def read_sql(name: str) -> str:
    """The text of sql/NAME.sql (the report's and the quality page's queries)."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def plain(frame: pl.DataFrame) -> pl.DataFrame:
    """Decimals (rates, DuckDB sums) as floats and 128-bit sums as int64: chart specs are
    JSON and vl-convert takes no Decimal."""
    return frame.with_columns(
        [pl.col(n).cast(pl.Float64) for n, t in frame.schema.items() if t == pl.Decimal]
        + [pl.col(n).cast(pl.Int64) for n, t in frame.schema.items() if t == pl.Int128]
    )


def load_data(con: duckdb.DuckDBPyConnection, month: date) -> ReportData:
    params = {"month": month}
    snap = con.sql("select * from quality.snapshot").pl().row(0, named=True)
    periods = {
        r["period"]: r
        for r in con.sql(read_sql("kpi_period"), params=params).pl().iter_rows(named=True)
    }
    years = {
        r["year"]: r
        for r in con.sql(
            "select * from marts.county_summary where year in (?, ?)",
            params=[month.year, month.year - 1],
        )
        .pl()
        .iter_rows(named=True)
    }
    repeat_total = con.execute(
        "select count(*) filter (where is_repeat), count(*) filter (where is_escalated) "
        "from marts.repeat_petitioners where first_petition_date <= last_day(?::date)",
        [month],
    ).fetchall()[0]
    overdue = con.sql(
        "select township_name as 乡镇, "
        "count(*) filter (where stage = 'acceptance' and days_overdue > 0) as 超期未受理, "
        "count(*) filter (where stage = 'conclusion' and days_overdue > 0) as 超期未办结, "
        "count(*) filter (where days_overdue <= 0) as 七日内到期, "
        "max(days_overdue) as 最长超期天数 "
        "from marts.overdue_petitions group by 1 order by 2 + 3 desc, 1"
    ).pl()
    return ReportData(
        month=month,
        snapshot=snap,
        trend=plain(con.sql(read_sql("township_trend"), params=params).pl()),
        yoy=plain(con.sql(read_sql("yoy_monthly"), params=params).pl()),
        categories=plain(con.sql(read_sql("category_mix"), params=params).pl()),
        periods=periods,
        years=years,
        repeat=plain(con.sql(read_sql("repeat_by_township"), params=params).pl()),
        repeat_total={"repeat": repeat_total[0], "escalated": repeat_total[1]},  # type: ignore[index]
        overdue=overdue,
    )


def fmt(value: Any) -> str:
    """A cell as the pages show it: thousands separators, one decimal, — for none."""
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return escape(str(value))
    return f"{value:,}" if isinstance(value, int) else f"{float(value):.1f}"


def _change(now: Any, before: Any, kind: str) -> str:
    if now is None or before is None:
        return "—"
    if kind == "rate":
        diff = float(now) - float(before)
        return f"{diff:+.1f} 个百分点"
    if not before:
        return "—"
    return f"{(now - before) / before * 100:+.1f}%"


def kpi_table(data: ReportData) -> str:
    y, m = data.month.year, data.month.month
    head = (
        f"<tr><th>指标</th><th>{y}年{m}月</th><th>{y - 1}年{m}月</th><th>同比</th>"
        f"<th>{y}年1-{m}月</th><th>{y - 1}年1-{m}月</th><th>同比</th></tr>"
    )
    rows = []
    for figure, label, kind in KPI_ROWS:
        if kind == "count":
            cells = [data.periods.get(p, {}).get(figure) for p in ("month", "month_ly")]
            ytd = [data.periods.get(p, {}).get(figure) for p in ("ytd", "ytd_ly")]
        else:  # rates: per month not published county-wide; the year's value per year
            cells = [None, None]
            ytd = [data.years.get(y, {}).get(figure), data.years.get(y - 1, {}).get(figure)]
        rows.append(
            f"<tr><td>{label}</td><td>{fmt(cells[0])}</td><td>{fmt(cells[1])}</td>"
            f"<td>{_change(cells[0], cells[1], kind)}</td><td>{fmt(ytd[0])}</td>"
            f"<td>{fmt(ytd[1])}</td><td>{_change(ytd[0], ytd[1], kind)}</td></tr>"
        )
    return f"<table class='kpi'>{head}{''.join(rows)}</table>"


def _tiles(data: ReportData) -> str:
    month = data.periods.get("month", {})
    ly = data.periods.get("month_ly", {})
    tiles = [
        ("本月新增矛盾纠纷", month.get("new_cases"), None),
        ("本月化解", month.get("resolved_cases"), None),
        ("月末存量", month.get("open_cases"), None),
        (
            "本月信访批次",
            month.get("petition_batches"),
            _change(month.get("petition_batches"), ly.get("petition_batches"), "count"),
        ),
        (
            "本月信访人次",
            month.get("petition_persons"),
            _change(month.get("petition_persons"), ly.get("petition_persons"), "count"),
        ),
        (
            "重复信访人",
            data.repeat_total["repeat"],
            f"其中越级 {data.repeat_total['escalated']} 人",
        ),
    ]
    out = []
    for label, value, note in tiles:
        note_html = f"<div class='note'>同比 {escape(note)}</div>" if note and "%" in note else ""
        if note and "%" not in note:
            note_html = f"<div class='note'>{escape(note)}</div>"
        out.append(
            f"<div class='tile'><div class='label'>{label}</div>"
            f"<div class='value'>{fmt(value)}</div>{note_html}</div>"
        )
    return "".join(out)


def frame_table(frame: pl.DataFrame) -> str:
    """A frame as an HTML table (headers are its column names), 无 when empty."""
    if frame.is_empty():
        return "<p class='empty'>无</p>"
    head = "".join(f"<th>{escape(c)}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{fmt(v)}</td>" for v in row) + "</tr>" for row in frame.iter_rows()
    )
    return f"<table class='list'><tr>{head}</tr>{body}</table>"


def build_report(data: ReportData) -> str:
    y, m = data.month.year, data.month.month
    template = Template((HERE / "template.html").read_text(encoding="utf-8"))
    return template.substitute(
        title=f"矛盾纠纷排查化解与信访工作月度报告（{y}年{m}月）",
        style=(HERE / "style.css").read_text(encoding="utf-8"),
        as_of=escape(str(data.snapshot["as_of"])),
        publish_id=escape(str(data.snapshot["publish_id"])),
        tiles=_tiles(data),
        kpi_table=kpi_table(data),
        heatmap=charts.to_svg(charts.township_heatmap(data.trend)),
        caseload=charts.to_svg(charts.county_caseload(data.trend)),
        yoy=charts.to_svg(charts.yoy_bars(data.yoy, y)),
        categories=charts.to_svg(charts.category_mix(data.categories)),
        repeat=charts.to_svg(charts.repeat_bars(data.repeat)) if data.repeat.height else "",
        repeat_count=data.repeat_total["repeat"],
        escalated_count=data.repeat_total["escalated"],
        overdue=frame_table(data.overdue),
    )


def write_report(snapshot_path: Path, month: date, target: Path) -> Path:
    """Build the report for ``month`` from the snapshot and write it to ``target``
    (temporary file + os.replace, so a half-written report is never left behind)."""
    con = open_snapshot(snapshot_path)
    try:
        html = build_report(load_data(con, month))
    finally:
        con.close()
    return write_atomic(target, html)


def write_atomic(target: Path, html: str) -> Path:
    """Write ``html`` to ``target`` through a temporary file and os.replace, so a reader
    never opens a half-written page (shared by the report and the quality page). The
    temporary file is hidden and named by process; one left by a writer that was killed
    is removed by the next write, so no stray page sits beside the real one."""
    public_dir(target.parent)  # pages are for leadership: readable by others
    for stale in target.parent.glob(f".{target.name}.*.tmp"):
        stale.unlink(missing_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(html, encoding="utf-8")
        public_file(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target
