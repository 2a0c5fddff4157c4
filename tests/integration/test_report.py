"""The monthly trend report: self-contained Chinese HTML whose charts render in a browser."""

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from tests.screenshots import needs_chromium, png_pixels, screenshot

pytestmark = pytest.mark.integration

def _report(published, tmp_path: Path) -> Path:
    month = published.world.as_of.replace(day=1)
    month = (
        month.replace(month=month.month - 1)
        if month.month > 1
        else month.replace(year=month.year - 1, month=12)
    )  # the last complete month before as_of
    label = month.strftime("%Y-%m")
    result = CliRunner().invoke(app, ["report", "--month", label, "--home", str(published.home)])
    assert result.exit_code == 0, result.output
    path = published.home / "reports" / f"report-{label}.html"
    assert path.is_file()
    return path


def test_report_is_self_contained_chinese_html_with_charts(published, tmp_path) -> None:
    html = _report(published, tmp_path).read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html and "月度报告" in html
    assert html.count("<svg") >= 5  # heatmap, caseload, 同比, category mix, repeat
    for needle in ("同比", "化解率", "重复信访人", "类别构成"):
        assert needle in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), "no external resources"
    assert "<script" not in html


@needs_chromium
def test_report_renders_in_headless_chromium(published, tmp_path) -> None:
    report = _report(published, tmp_path)
    shot = tmp_path / "report.png"
    screenshot(report, shot, width=1400, height=2400)
    assert shot.stat().st_size > 50_000
    width, height, colours = png_pixels(shot)
    assert (width, height) == (1400, 2400)
    # Charts in colour: many distinct colours, including the report's orange (#d94801 family).
    assert len(colours) > 100
    assert any(c[0] > 180 and 40 < c[1] < 120 and c[2] < 40 for c in colours)
