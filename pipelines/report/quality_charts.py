"""The quality page's charts: altair specs, rendered to inline SVG by the report's own
helper (``charts.to_svg``: vl-convert, offline, the same CJK font stack). Frames come from
pipelines/report/quality_page.py with Chinese labels already in them."""

from __future__ import annotations

import altair as alt
import polars as pl

from pipelines.report.charts import WIDTH

SEVERITY_COLOURS = {"错误（隔离）": "#cb181d", "提醒": "#fd8d3c"}
STATUS_COLOURS = ["#31a354", "#9e9ac8", "#cb181d", "#6baed6", "#bdbdbd"]


def files_by_township(frame: pl.DataFrame, statuses: list[str], towns: list[str]) -> alt.Chart:
    """Files per township (in ``towns`` order), stacked by status (columns 乡镇, 状态, 文件数,
    order: the status's place in ``statuses``)."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("乡镇:N", title=None, sort=towns),
            x=alt.X("文件数:Q", title="文件数", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color(
                "状态:N", title=None, sort=statuses, scale=alt.Scale(range=STATUS_COLOURS)
            ),
            order=alt.Order("order:Q"),
            tooltip=["乡镇", "状态", "文件数"],
        )
        .properties(
            width=WIDTH - 320,
            height=max(26 * frame["乡镇"].n_unique(), 60),
            title="各乡镇报送文件及处理状态",
        )
    )


def findings_heatmap(frame: pl.DataFrame, towns: list[str]) -> alt.Chart:
    """Rows with findings per rule (rows) and township (columns, in ``towns`` order),
    labelled cells (columns 规则, 乡镇, 行数, 文件数, label)."""
    dark_from = 0.6 * float(frame["行数"].max() or 0)  # type: ignore[arg-type]
    base = alt.Chart(frame).encode(
        x=alt.X("乡镇:N", title=None, sort=towns, axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y("规则:N", title=None, sort=None, axis=alt.Axis(labelLimit=320)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("行数:Q", scale=alt.Scale(scheme="reds"), legend=None),
        tooltip=["规则", "乡镇", "行数", "文件数"],
    )
    labels = base.mark_text(fontSize=12).encode(
        text="label:N",
        color=alt.condition(alt.datum["行数"] > dark_from, alt.value("white"), alt.value("#333")),
    )
    return (cells + labels).properties(
        width=min(140 * len(towns), WIDTH - 360),
        height=26 * max(frame["规则"].n_unique(), 1),
        title="问题行数（文件数）：按规则与乡镇",
    )


def findings_trend(frame: pl.DataFrame) -> alt.Chart:
    """Rows with findings per register month, stacked by severity (columns 月份, 级别, 行数)."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("月份:O", title="台账月份", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("行数:Q", title="问题行数", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color(
                "级别:N",
                title=None,
                sort=list(SEVERITY_COLOURS),
                scale=alt.Scale(
                    domain=list(SEVERITY_COLOURS), range=list(SEVERITY_COLOURS.values())
                ),
            ),
            tooltip=["月份", "级别", "行数", "问题数"],
        )
        .properties(width=WIDTH - 200, height=240, title="问题行数趋势（按台账月份）")
    )


def quarantined_bars(frame: pl.DataFrame, towns: list[str]) -> alt.Chart:
    """Rows quarantined per error rule, stacked by township (columns 规则, 乡镇, 行数)."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("规则:N", title=None, sort="-x", axis=alt.Axis(labelLimit=320)),
            x=alt.X("行数:Q", title="隔离行数", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("乡镇:N", title=None, sort=towns, scale=alt.Scale(scheme="tableau10")),
            tooltip=["规则", "乡镇", "行数", "文件数"],
        )
        .properties(
            width=WIDTH - 420,
            height=max(30 * frame["规则"].n_unique(), 60),
            title="隔离行数：按错误规则",
        )
    )
