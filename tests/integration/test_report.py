"""The monthly trend report: self-contained Chinese HTML whose charts render in a browser."""

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines.cli import app

pytestmark = pytest.mark.integration

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


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


def _png_pixels(path: Path) -> tuple[int, int, set[bytes]]:
    """Width, height and a sample of distinct pixel colours of an 8-bit RGB(A) PNG, read with
    the standard library only (Pillow is not a dependency)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    assert header is not None
    width, height, depth, colour = header[:4]
    assert depth == 8 and colour in (2, 6)
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    colours: set[bytes] = set()
    previous = bytearray(stride)
    for y in range(height):  # undo PNG filters row by row
        ftype = raw[y * (stride + 1)]
        row = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = row[i - channels] if i >= channels else 0
            up = previous[i]
            upleft = previous[i - channels] if i >= channels else 0
            if ftype == 1:
                row[i] = (row[i] + left) & 0xFF
            elif ftype == 2:
                row[i] = (row[i] + up) & 0xFF
            elif ftype == 3:
                row[i] = (row[i] + (left + up) // 2) & 0xFF
            elif ftype == 4:
                p = left + up - upleft
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - upleft)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else upleft
                row[i] = (row[i] + pred) & 0xFF
        if y % 8 == 0:
            colours.update(bytes(row[i : i + 3]) for i in range(0, stride, channels * 4))
        previous = row
    return width, height, colours


@pytest.mark.skipif(
    shutil.which(CHROMIUM) is None,
    reason="Debian chromium not installed (/usr/bin/chromium); CI installs it in scripts/test.sh",
)
def test_report_renders_in_headless_chromium(published, tmp_path) -> None:
    report = _report(published, tmp_path)
    shot = tmp_path / "report.png"
    subprocess.run(
        [
            CHROMIUM,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=1400,2400",
            report.resolve().as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert shot.stat().st_size > 50_000
    width, height, colours = _png_pixels(shot)
    assert (width, height) == (1400, 2400)
    # Charts in colour: many distinct colours, including the report's orange (#d94801 family).
    assert len(colours) > 100
    assert any(c[0] > 180 and 40 < c[1] < 120 and c[2] < 40 for c in colours)
