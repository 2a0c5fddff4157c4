"""The data team's quality page: one self-contained Chinese HTML file (inline CSS, charts as
inline SVG, no script, no network) built from the analyst snapshot's ``quality`` schema only.

It replaces the Great Expectations Data Docs, whose pages load their CSS and JS from CDNs and
render unstyled on the county's offline servers. Built the way the leadership report is (SQL
files in sql/, altair charts through ``charts.to_svg``, a ``string.Template`` page), it shows
what the data team acts on: files by status and reason, findings by rule and township, their
trend by register month, rows quarantined by rule and the latest ingest's figures. The
snapshot holds no raw name, ID or phone (its PII guard checked), and the page shows no cell
value at all: only counts, codes, file names and the reader's reasons.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from html import escape
from pathlib import Path
from string import Template
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import polars as pl

from pipelines.reference.load import townships
from pipelines.report import charts, quality_charts
from pipelines.report.build import fmt, frame_table, plain, read_sql, write_atomic
from pipelines.vocabulary.labels import (
    FILE_STATUS_ZH,
    REJECT_REASON_ZH,
    RULE_TITLE_ZH,
    SEVERITY_ZH,
    label,
)
from warehouse.snapshot import open_snapshot

HERE = Path(__file__).parent
PAGE_NAME = "quality.html"  # under DISPUTES_HOME/reports, beside the monthly reports
NO_TOWNSHIP = "未识别乡镇"
LOCAL = ZoneInfo("Asia/Shanghai")
STATUS_ORDER = list(FILE_STATUS_ZH)


@dataclass
class QualityData:
    snapshot: dict[str, Any]
    batch: dict[str, dict[str, Any]]  # scope "latest" | "all" -> figures
    files_by_status: pl.DataFrame
    files_by_township: pl.DataFrame
    rejected: pl.DataFrame
    findings: pl.DataFrame  # per rule and township
    findings_total: pl.DataFrame  # per rule, county-wide
    trend: pl.DataFrame
    quarantined: pl.DataFrame
    quarantined_total: pl.DataFrame


def _named(frame: pl.DataFrame) -> pl.DataFrame:
    """Township names beside codes (reference data), in code order; no code -> 未识别乡镇."""
    names = {t.code: t.name for t in townships()}
    return frame.with_columns(
        pl.col("township_code")
        .replace_strict(names, default=None, return_dtype=pl.String)
        .fill_null(pl.col("township_code"))
        .fill_null(NO_TOWNSHIP)
        .alias("乡镇")
    )


def _local(stamps: pl.Expr) -> pl.Expr:
    """raw.files.first_seen_at is naive UTC (the ingest stamps datetime.now(UTC)); the page
    shows Beijing time, like quality.snapshot.published_at."""
    return stamps.dt.replace_time_zone("UTC").dt.convert_time_zone(LOCAL.key)


def _rule(code: str) -> str:
    return label(RULE_TITLE_ZH, code)


def load_quality(con: duckdb.DuckDBPyConnection) -> QualityData:
    """Every figure of the page, read from the snapshot connection ``con``."""
    batch = {
        r["scope"]: r for r in con.sql(read_sql("quality_latest_batch")).pl().iter_rows(named=True)
    }
    findings = _named(plain(con.sql(read_sql("quality_findings_by_rule_township")).pl()))
    quarantined = _named(plain(con.sql(read_sql("quality_quarantined_by_rule")).pl()))
    return QualityData(
        snapshot=con.sql("select * from quality.snapshot").pl().row(0, named=True),
        batch=batch,
        files_by_status=plain(con.sql(read_sql("quality_files_by_status")).pl()),
        files_by_township=_named(plain(con.sql(read_sql("quality_files_by_township")).pl())),
        rejected=_named(con.sql(read_sql("quality_rejected_files")).pl()),
        findings=findings.filter(~pl.col("is_total")),
        findings_total=findings.filter(pl.col("is_total")),
        trend=plain(con.sql(read_sql("quality_findings_by_month")).pl()),
        quarantined=quarantined.filter(~pl.col("is_total")),
        quarantined_total=quarantined.filter(pl.col("is_total")),
    )


def _tiles(data: QualityData) -> str:
    latest = data.batch.get("latest", {})
    tiles = [
        ("最近一批收到文件", latest.get("files"), f"已载入 {fmt(latest.get('loaded_files'))} 个"),
        ("其中拒收", latest.get("rejected_files"), "需乡镇重新报送"),
        ("已载入数据行", latest.get("data_rows"), "最近一批已载入文件中"),
        ("隔离行", latest.get("rows_quarantined"), "有错误、未计入统计"),
        (
            "问题（单元格）",
            latest.get("findings"),
            f"涉及 {fmt(latest.get('rows_with_findings'))} 行",
        ),
    ]
    return "".join(
        f"<div class='tile'><div class='label'>{escape(name)}</div>"
        f"<div class='value'>{fmt(value)}</div><div class='note'>{escape(note)}</div></div>"
        for name, value, note in tiles
    )


def _batch_table(data: QualityData) -> str:
    rows = (
        ("files", "收到文件"),
        ("loaded_files", "已载入 loaded"),
        ("rejected_files", "拒收 rejected"),
        ("superseded_files", "已被新版替换 superseded"),
        ("other_files", "其他（重复报送、临时文件等）"),
        ("data_rows", "已载入文件数据行"),
        ("rows_quarantined", "隔离行 quarantined rows"),
        ("rows_with_findings", "有问题的行"),
        ("findings", "问题（单元格） row_issues"),
    )
    latest, total = data.batch.get("latest", {}), data.batch.get("all", {})
    body = "".join(
        f"<tr><td>{name}</td><td>{fmt(latest.get(key))}</td><td>{fmt(total.get(key))}</td></tr>"
        for key, name in rows
    )
    return f"<table class='list'><tr><th>项目</th><th>最近一批</th><th>累计</th></tr>{body}</table>"


def _status_table(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        pl.col("status")
        .map_elements(lambda s: f"{label(FILE_STATUS_ZH, s)}（{s}）", pl.String)
        .alias("状态"),
        pl.col("reason_kind")
        .map_elements(lambda k: f"{label(REJECT_REASON_ZH, k)}（{k}）", pl.String)
        .fill_null("—")
        .alias("拒收原因"),
        pl.col("files").alias("文件数"),
        pl.col("townships").alias("涉及乡镇"),
        pl.col("data_rows").alias("数据行"),
    )


def _township_columns(frame: pl.DataFrame) -> list[str]:
    order = frame.select("乡镇", "township_code").unique().sort("township_code", nulls_last=True)
    return order["乡镇"].to_list()


def _rule_table(frame: pl.DataFrame, totals: pl.DataFrame, *, with_severity: bool) -> str:
    """Rules (rows) by township (columns): 'rows 行 / files 个文件' per cell, and the rule's
    county total from ``totals``."""
    if frame.is_empty():
        return "<p class='empty'>无</p>"
    towns = _township_columns(frame)
    head = "<tr><th>规则 rule</th>" + ("<th>级别</th>" if with_severity else "")
    head += (
        "".join(f"<th>{escape(t)}</th>" for t in towns)
        + "<th>合计行数</th><th>合计文件数</th></tr>"
    )
    body = []
    keys = ["rule", "severity"] if with_severity else ["rule"]
    total = {r["rule"]: r for r in totals.iter_rows(named=True)}
    for key, group in frame.group_by(keys, maintain_order=True):
        cells = {r["乡镇"]: r for r in group.iter_rows(named=True)}
        row = f"<tr><td>{escape(_rule(str(key[0])))}<br><code>{escape(str(key[0]))}</code></td>"
        if with_severity:
            row += f"<td>{escape(label(SEVERITY_ZH, str(key[1])))}</td>"
        for town in towns:
            c = cells.get(town)
            row += f"<td>{c['rows']} 行 / {c['files']} 个文件</td>" if c else "<td></td>"
        t = total[key[0]]
        row += f"<td><b>{t['rows']}</b></td><td>{t['files']}</td></tr>"
        body.append(row)
    return f"<table class='list'>{head}{''.join(body)}</table>"


def _trend_frame(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        pl.col("period").dt.strftime("%Y-%m").fill_null("未识别月份").alias("月份"),
        pl.col("severity").map_elements(lambda s: label(SEVERITY_ZH, s), pl.String).alias("级别"),
        pl.col("rows").alias("行数"),
        pl.col("findings").alias("问题数"),
    )


def _charts(data: QualityData) -> dict[str, str]:
    files = data.files_by_township.with_columns(
        pl.col("status").map_elements(lambda s: label(FILE_STATUS_ZH, s), pl.String).alias("状态"),
        pl.col("status")
        .replace_strict(
            {s: i for i, s in enumerate(STATUS_ORDER)},
            default=len(STATUS_ORDER),
            return_dtype=pl.Int64,
        )
        .alias("order"),
        pl.col("files").alias("文件数"),
    )
    rules = data.findings.group_by("rule", "乡镇", "township_code", maintain_order=True).agg(
        pl.col("rows").sum().alias("行数"), pl.col("files").sum().alias("文件数")
    )
    rules = rules.with_columns(
        pl.col("rule").map_elements(_rule, pl.String).alias("规则"),
        pl.format("{}（{}）", pl.col("行数"), pl.col("文件数")).alias("label"),
    )
    quarantined = data.quarantined.with_columns(
        pl.col("rule").map_elements(_rule, pl.String).alias("规则"),
        pl.col("rows").alias("行数"),
        pl.col("files").alias("文件数"),
    )
    statuses = [label(FILE_STATUS_ZH, s) for s in STATUS_ORDER]
    out = {"files_chart": "", "findings_chart": "", "trend_chart": "", "quarantined_chart": ""}
    if files.height:
        towns = _township_columns(files)
        out["files_chart"] = charts.to_svg(quality_charts.files_by_township(files, statuses, towns))
    if rules.height:
        towns = _township_columns(rules)
        out["findings_chart"] = charts.to_svg(quality_charts.findings_heatmap(rules, towns))
    if data.trend.height:
        out["trend_chart"] = charts.to_svg(quality_charts.findings_trend(_trend_frame(data.trend)))
    if quarantined.height:
        towns = _township_columns(quarantined)
        out["quarantined_chart"] = charts.to_svg(
            quality_charts.quarantined_bars(quarantined, towns)
        )
    return out


def _trend_table(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows with findings: one row per severity, one column per register month."""
    if frame.is_empty():
        return frame
    long = _trend_frame(frame).sort("月份")
    return long.pivot(on="月份", index="级别", values="行数", sort_columns=True).fill_null(0)


def build_quality_page(data: QualityData) -> str:
    """The page's HTML text (Chinese), from figures already loaded."""
    template = Template((HERE / "quality_template.html").read_text(encoding="utf-8"))
    rejected = data.rejected.select(
        pl.col("file_name").alias("文件名"),
        pl.col("乡镇"),
        pl.col("reason_kind")
        .map_elements(lambda k: label(REJECT_REASON_ZH, k), pl.String)
        .alias("原因"),
        pl.col("reason_zh").alias("说明（已告知乡镇）"),
        _local(pl.col("first_seen_at")).dt.strftime("%Y-%m-%d %H:%M").alias("收到时间"),
    )
    latest_at = data.batch.get("latest", {}).get("latest_seen_at")
    if latest_at is not None:
        latest_at = latest_at.replace(tzinfo=UTC).astimezone(LOCAL)
    return template.substitute(
        title="数据质量情况（矛盾纠纷排查 / 信访台账）",
        style=(HERE / "style.css").read_text(encoding="utf-8"),
        as_of=escape(str(data.snapshot["as_of"])),
        published_at=escape(str(data.snapshot["published_at"])[:19]),
        publish_id=escape(str(data.snapshot["publish_id"])),
        run_id=escape(str(data.snapshot["run_id"] or "—")),
        latest_at=escape(str(latest_at)[:19] if latest_at else "—"),
        tiles=_tiles(data),
        batch_table=_batch_table(data),
        status_table=frame_table(_status_table(data.files_by_status)),
        rejected_table=frame_table(rejected),
        findings_table=_rule_table(data.findings, data.findings_total, with_severity=True),
        trend_table=frame_table(_trend_table(data.trend)),
        quarantined_table=_rule_table(
            data.quarantined, data.quarantined_total, with_severity=False
        ),
        **_charts(data),
    )


def write_quality_page(snapshot_path: Path, target: Path) -> Path:
    """Build the page from the snapshot at ``snapshot_path`` and write it to ``target``
    (temporary file + os.replace: a reader never opens a half-written page)."""
    con = open_snapshot(snapshot_path)
    try:
        html = build_quality_page(load_quality(con))
    finally:
        con.close()
    return write_atomic(target, html)
