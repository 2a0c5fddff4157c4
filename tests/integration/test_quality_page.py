"""The data team's quality page on a real run: small_world plus two files made by hand for
a fourth township, 姑田镇 (350825102), which the generated world does not have, so its
column on the page holds only what is written below.

Hand-made, checked on paper:
  姑田镇2024年12月矛盾纠纷排查化解台账.xlsx  (arrived 2025-01-05; 6 data rows, Excel rows 3-8)
    row 3 GT-001 clean
    row 4 GT-002 排查时间 empty                -> key_date_missing      error   (quarantined)
    row 5 GT-003 排查时间 "待定"               -> key_date_unparseable  error   (quarantined)
    row 6 GT-004 身份证号 check digit wrong    -> id_checksum           warning
    row 7 GT-005 联系电话 empty                -> phone_missing         warning
    row 8 GT-006 已化解, 化解时间 empty        -> resolved_without_date warning
  So 姑田镇: 1 file loaded with 6 data rows; 5 rows with findings, 1 finding each, each
  rule "1 行 / 1 个文件"; 2 rows quarantined; all in register month 2024-12 (2 error rows,
  3 warning rows).
  姑田镇2025年1月信访事项登记台账.xlsx: one line of plain text saved as .xlsx. The reader
  takes text for a CSV (clerks do save CSV under .xlsx), finds no register header in it ->
  rejected, unknown_template; placed in 姑田镇 by its file name.

The generated part is checked against the world's truth (truth/files.csv, rows.csv,
issues.csv: what the generator injected, never what the pipeline found).
"""

from __future__ import annotations

import csv
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.runner import run_nightly
from tests.conftest import World
from tests.handmade import DISPUTE_HEADER, id18, write_register
from tests.screenshots import needs_chromium, png_pixels, screenshot

pytestmark = pytest.mark.integration

GUTIAN = "姑田镇"
BROKEN = "姑田镇2025年1月信访事项登记台账.xlsx"
GOOD_ID = id18("35082519800101123")
BAD_ID = GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1")  # check digit wrong
NAMES = ["刘一", "陈二", "张三丰", "李四海", "王五福", "赵六顺"]
PHONES = ["13811110001", "13811110002", "13811110003", "13811110004", "13811110006"]


def _row(n: int, name: str, id_number: str | None, phone: str | None, found, status, resolved):
    return [n, f"GT-00{n}", GUTIAN, "上堡村", "邻里纠纷", name, id_number, phone, 1, found,
            "司法所", "黄主任", status, resolved, "低"]  # fmt: skip


def _handmade(inbox: Path) -> None:
    dec = date(2024, 12, 2)
    write_register(
        inbox / "2024-12" / "姑田镇2024年12月矛盾纠纷排查化解台账.xlsx",
        title="姑田镇2024年12月矛盾纠纷排查化解台账",
        header=DISPUTE_HEADER,
        rows=[
            _row(1, NAMES[0], id18("35082519700101111"), PHONES[0], dec, "化解中", None),
            _row(2, NAMES[1], id18("35082519700101222"), PHONES[1], None, "化解中", None),
            _row(3, NAMES[2], id18("35082519700101333"), PHONES[2], "待定", "化解中", None),
            _row(4, NAMES[3], BAD_ID, PHONES[3], dec, "化解中", None),
            _row(5, NAMES[4], id18("35082519700101555"), None, dec, "化解中", None),
            _row(6, NAMES[5], id18("35082519700101666"), PHONES[4], dec, "已化解", None),
        ],
        arrived=datetime(2025, 1, 5, 9, 0),
    )
    (inbox / "2025-01").mkdir(parents=True, exist_ok=True)
    (inbox / "2025-01" / BROKEN).write_text("这不是表格，是复制粘贴的文字。\n", encoding="utf-8")


@dataclass(frozen=True)
class Run:
    world: World
    home: Path

    @property
    def page(self) -> Path:
        return self.home / "reports" / "quality.html"


@pytest.fixture(scope="module")
def run(small_world: World, tmp_path_factory: pytest.TempPathFactory) -> Run:
    root = tmp_path_factory.mktemp("quality_page")
    inbox = root / "inbox"
    shutil.copytree(small_world.inbox, inbox)
    _handmade(inbox)
    outcome = run_nightly(home=root / "home", inbox=inbox, as_of=small_world.as_of)
    assert outcome.success, outcome.failure
    return Run(small_world, root / "home")


class _Tables(HTMLParser):
    """Every <table> of the page as rows of cell texts, grouped under the <h2> before it."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, list[list[list[str]]]] = {}
        self._h2: str | None = None
        self._in_h2 = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "h2":
            self._in_h2, self._h2 = True, ""
        elif tag == "table" and self._h2 is not None:
            self.sections.setdefault(self._h2, []).append([])
        elif tag == "tr" and self._h2 in self.sections:
            self.sections[self._h2][-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_h2 = False
        elif tag in ("td", "th") and self._cell is not None and self._h2 in self.sections:
            self.sections[self._h2][-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._in_h2:
            self._h2 = (self._h2 or "") + data
        elif self._cell is not None:
            self._cell.append(data)


def _tables(html: str, section_starts: str) -> list[list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return next(t for h2, t in parser.sections.items() if h2.startswith(section_starts))


def _by_first_cell(table: list[list[str]]) -> dict[str, dict[str, str]]:
    head = table[0]
    return {row[0]: dict(zip(head, row, strict=True)) for row in table[1:]}


def _truth(world: World, name: str) -> list[dict[str, str]]:
    with (world.truth / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _tile(html: str, name: str) -> int:
    found = re.search(rf"<div class='label'>{name}</div><div class='value'>([\d,]+)</div>", html)
    assert found, name
    return int(found.group(1).replace(",", ""))


def test_nightly_run_writes_the_page_and_the_cli_the_same(run: Run, tmp_path: Path) -> None:
    assert run.page.is_file()
    out = tmp_path / "q.html"
    result = CliRunner().invoke(app, ["quality-report", "--home", str(run.home), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == run.page.read_text(encoding="utf-8")


def test_files_by_status_and_reason(run: Run) -> None:
    html = run.page.read_text(encoding="utf-8")
    truth = Counter(
        (f["expected_status"], f["reason_kind"] or None) for f in _truth(run.world, "files.csv")
    )
    status, rejected = _tables(html, "二、")
    rows = {(r[0], r[1]): int(r[2]) for r in status[1:]}
    # the generated files as the truth has them, plus 姑田镇's good file and its text file
    assert rows[("已载入（loaded）", "—")] == truth[("loaded", None)] + 1
    assert rows[("拒收（rejected）", "无法识别台账模板（unknown_template）")] == (
        truth[("rejected", "unknown_template")] + 1
    )
    for kind in ("not_spreadsheet", "truncated", "encrypted", "empty", "no_township"):
        cell = [n for (_, reason), n in rows.items() if reason.endswith(f"（{kind}）")]
        assert cell == ([truth[("rejected", kind)]] if truth[("rejected", kind)] else []), kind
    assert sum(rows.values()) == sum(truth.values()) + 2
    listed = {r[0]: r for r in rejected[1:]}
    assert listed[BROKEN][1:3] == [GUTIAN, "无法识别台账模板"]
    assert listed[BROKEN][3].startswith("未能识别表格模板")  # the reader's reason, in Chinese


def test_findings_by_rule_and_township(run: Run) -> None:
    html = run.page.read_text(encoding="utf-8")
    (table,) = _tables(html, "三、")
    assert GUTIAN in table[0]
    by_rule = {re.sub(r"^.*?([a-z_0-9]+)$", r"\1", k): v for k, v in _by_first_cell(table).items()}
    handmade = {
        "key_date_missing",
        "key_date_unparseable",
        "id_checksum",
        "phone_missing",
        "resolved_without_date",
    }
    for rule, row in by_rule.items():
        assert row[GUTIAN] == ("1 行 / 1 个文件" if rule in handmade else ""), rule
    truth_rows = Counter(
        t["rule"]
        for t in {
            (t["file"], t["sheet"], t["excel_row"], t["rule"]): t
            for t in _truth(run.world, "issues.csv")
        }.values()
    )
    truth_files = Counter(
        rule for rule, _ in {(t["rule"], t["file"]) for t in _truth(run.world, "issues.csv")}
    )
    for rule in handmade | set(truth_rows):
        extra = 1 if rule in handmade else 0  # 姑田镇's one row in its one file
        assert int(by_rule[rule]["合计行数"]) == truth_rows[rule] + extra, rule
        assert int(by_rule[rule]["合计文件数"]) == truth_files[rule] + extra, rule
    assert by_rule["key_date_missing"]["级别"] == "错误（隔离）"
    assert by_rule["phone_missing"]["级别"] == "提醒"


def test_trend_by_register_month(run: Run) -> None:
    html = run.page.read_text(encoding="utf-8")
    (table,) = _tables(html, "四、")
    months = table[0]
    rows = {r[0]: dict(zip(months, r, strict=True)) for r in table[1:]}
    period = {f["file"]: f["period"][:7] for f in _truth(run.world, "files.csv")}
    truth = {
        (period[t["file"]], t["severity"], t["file"], t["sheet"], t["excel_row"])
        for t in _truth(run.world, "issues.csv")
    }
    dec = Counter(sev for month, sev, *_ in truth if month == "2024-12")
    # 姑田镇's December sheet adds 2 error rows and 3 warning rows
    assert int(rows["错误（隔离）"]["2024-12"]) == dec["error"] + 2
    assert int(rows["提醒"]["2024-12"]) == dec["warning"] + 3


def test_quarantined_rows_by_rule_and_latest_run(run: Run) -> None:
    html = run.page.read_text(encoding="utf-8")
    (table,) = _tables(html, "五、")
    by_rule = {re.sub(r"^.*?([a-z_0-9]+)$", r"\1", k): v for k, v in _by_first_cell(table).items()}
    assert by_rule["key_date_missing"][GUTIAN] == "1 行 / 1 个文件"
    assert by_rule["key_date_unparseable"][GUTIAN] == "1 行 / 1 个文件"
    assert {r for r, row in by_rule.items() if row[GUTIAN]} == {
        "key_date_missing",
        "key_date_unparseable",
    }
    quarantined = sum(1 for r in _truth(run.world, "rows.csv") if r["expected"] == "quarantined")
    files = _truth(run.world, "files.csv")
    # one run read every file: the latest batch is everything
    assert _tile(html, "隔离行") == quarantined + 2
    assert _tile(html, "最近一批收到文件") == len(files) + 2
    assert _tile(html, "其中拒收") == sum(f["expected_status"] == "rejected" for f in files) + 1
    assert f"数据截至 {run.world.as_of.isoformat()}" in html


def test_page_is_self_contained_and_has_no_personal_data(run: Run) -> None:
    html = run.page.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html and "数据质量情况" in html
    assert html.count("<svg") == 4  # files, findings heatmap, trend, quarantined
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert not re.search(r"""url\(\s*["']?(https?:)?//""", html)
    for secret in [*NAMES, *PHONES, GOOD_ID, BAD_ID, "黄主任"]:
        assert secret not in html, secret


@needs_chromium
def test_page_renders_in_headless_chromium(run: Run, tmp_path: Path) -> None:
    shot = tmp_path / "quality.png"
    screenshot(run.page, shot, width=1400, height=3000)
    assert shot.stat().st_size > 50_000
    width, height, colours = png_pixels(shot)
    assert (width, height) == (1400, 3000)
    assert len(colours) > 100
    # the page's blue headings (#08306b / #2171b5 family) and the error red (#cb181d)
    assert any(c[2] > 90 and c[0] < 60 and c[1] < 130 for c in colours)
    assert any(c[0] > 180 and c[1] < 60 and c[2] < 60 for c in colours)
