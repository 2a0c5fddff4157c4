"""The report's charts: altair specs rendered offline to SVG by vl-convert (no CDN, no
browser needed to build them). Text is Chinese; the font stack names CJK fonts found on
Windows, macOS and Linux desktops."""

from __future__ import annotations

import altair as alt
import polars as pl
import vl_convert as vlc

FONT = (
    '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", '
    '"Source Han Sans SC", sans-serif'
)
WIDTH = 1180


def to_svg(chart: alt.TopLevelMixin) -> str:
    """Inline SVG of an altair chart (rendered by vl-convert, offline)."""
    spec = chart.configure(font=FONT).configure_view(stroke=None).to_dict()
    return vlc.vegalite_to_svg(spec, format_locale="zh-CN", time_format_locale="zh-CN")


def township_heatmap(frame: pl.DataFrame) -> alt.Chart:
    """New cases per township (rows) and month (columns), labelled cells."""
    # labels turn white on the darkest cells
    dark_from = 0.6 * float(frame["new_cases"].max() or 0)  # type: ignore[arg-type]
    base = alt.Chart(frame).encode(
        x=alt.X("month_label:O", title="月份", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("township_name:N", title=None, sort=alt.SortField("township_code")),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "new_cases:Q", title="新增", scale=alt.Scale(scheme="oranges"), legend=None
        ),
        tooltip=["township_name", "month_label", "new_cases", "resolved_cases", "open_cases"],
    )
    labels = base.mark_text(fontSize=11).encode(
        text="new_cases:Q",
        color=alt.condition(alt.datum.new_cases > dark_from, alt.value("white"), alt.value("#333")),
    )
    rows = max(frame["township_name"].n_unique(), 1)
    return (cells + labels).properties(
        width=WIDTH - 120, height=24 * rows, title="各乡镇月度新增矛盾纠纷（件）"
    )


def county_caseload(frame: pl.DataFrame) -> alt.Chart:
    """County new, resolved and open cases per month (lines)."""
    county = (
        frame.group_by("month_label")
        .agg(
            pl.col("new_cases").sum().alias("新增"),
            pl.col("resolved_cases").sum().alias("化解"),
            pl.col("open_cases").sum().alias("存量"),
        )
        .unpivot(index="month_label", variable_name="指标", value_name="件数")
        .sort("month_label")
    )
    return (
        alt.Chart(county)
        .mark_line(point=True)
        .encode(
            x=alt.X("month_label:O", title="月份", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("件数:Q", title="件"),
            color=alt.Color("指标:N", sort=["新增", "化解", "存量"], title=None),
        )
        .properties(width=WIDTH - 120, height=220, title="全县新增、化解与存量（件）")
    )


def yoy_bars(frame: pl.DataFrame, year: int) -> alt.Chart:
    """Petition batches and persons per month, this year beside the previous year."""
    long = pl.concat(
        [
            frame.select(
                "month_number",
                pl.lit(measure).alias("measure"),
                pl.lit(f"{year}年").alias("year"),
                pl.col(this).alias("value"),
            ).vstack(
                frame.select(
                    "month_number",
                    pl.lit(measure).alias("measure"),
                    pl.lit(f"{year - 1}年").alias("year"),
                    pl.col(last).alias("value"),
                )
            )
            for measure, this, last in (
                ("信访批次", "petition_batches", "last_year_batches"),
                ("信访人次", "petition_persons", "last_year_persons"),
            )
        ]
    ).with_columns((pl.col("month_number").cast(pl.String) + "月").alias("month"))
    order = [f"{m}月" for m in range(1, 13)]
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("month:O", title=None, sort=order, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("year:N", sort=[f"{year - 1}年", f"{year}年"]),
            y=alt.Y("value:Q", title=None),
            color=alt.Color(
                "year:N",
                title=None,
                sort=[f"{year - 1}年", f"{year}年"],
                scale=alt.Scale(range=["#9ecae1", "#d94801"]),
            ),
            tooltip=["measure", "year", "month", "value"],
        )
        .properties(width=(WIDTH - 160) // 2, height=240)
        .facet(column=alt.Column("measure:N", title=None, sort=["信访批次", "信访人次"]))
        .properties(title=f"信访批次与人次同比（{year}年 vs {year - 1}年，按月）")
    )


def category_mix(frame: pl.DataFrame) -> alt.Chart:
    """Share of each category in the month's new cases (100% stacked bars)."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("month_label:O", title="月份", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("new_cases:Q", stack="normalize", title="占比", axis=alt.Axis(format="%")),
            color=alt.Color("category:N", title="纠纷类别", scale=alt.Scale(scheme="tableau20")),
            tooltip=["month_label", "category", "new_cases"],
        )
        .properties(width=WIDTH - 220, height=260, title="新增矛盾纠纷类别构成（按月）")
    )


def repeat_bars(frame: pl.DataFrame) -> alt.Chart:
    """Repeat and escalated petitioners per township."""
    long = frame.select("township_name", "repeat_petitioners", "escalated_petitioners").unpivot(
        index="township_name", variable_name="kind", value_name="persons"
    )
    long = long.with_columns(
        pl.col("kind").replace(
            {"repeat_petitioners": "重复信访人", "escalated_petitioners": "越级信访人"}
        )
    )
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("township_name:N", title=None, sort="-x"),
            x=alt.X("persons:Q", title="人数", axis=alt.Axis(tickMinStep=1, format="d")),
            yOffset="kind:N",
            color=alt.Color("kind:N", title=None, scale=alt.Scale(range=["#d94801", "#6a51a3"])),
            tooltip=["township_name", "kind", "persons"],
        )
        .properties(
            width=WIDTH - 300,
            height=max(22 * frame.height, 60),
            title="重复信访人与越级信访人（按乡镇）",
        )
    )
