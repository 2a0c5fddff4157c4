"""One finding per mistake (DESIGN.md s.7, issue 12), on a register written by hand.

莲峰镇's March 2025 dispute register (tests/handmade.write_register): a title row (row 1),
the 填报单位/填报日期 line (row 2), the header (row 3), then 200 case rows, Excel rows 4 to
203. The clerk typed the category 宗族祠堂, a word outside the directory, on every row, and
left 联系电话 empty on three of them: data rows 10, 100 and 200, i.e. Excel rows 13, 103
and 203. Every other cell is valid (IDs with their check digit, mobiles, dates in March,
status 化解中). By hand: two mistakes, so two findings for that file, 200 rows in all:
  [警告] 第4、5、6行等共200行「纠纷类别」「宗族祠堂」不在分类目录中…  (column E)
  [警告] 第13、103、203行「联系电话」为空：请补填当事人联系电话。       (column H)
while quality.row_issues keeps 200 + 3 = 203 rows, one per cell, for analysts.

The nightly job runs for real (as_of 2025-04-03: before the 5th, so no register is owed
yet) and the digest goes to a real SMTP server on 127.0.0.1; a second run sends nothing.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
import yaml
from openpyxl import load_workbook

from pipelines.runner import run_nightly
from quality.feedback.summary_sheet import SUMMARY_COLUMNS, SUMMARY_SHEET
from quality.feedback.write import output_path
from tests.conftest import ReceivedMail, SmtpReceiver
from tests.handmade import DISPUTE_HEADER, id18, write_register
from tests.support import TEST_PII_KEY

pytestmark = pytest.mark.integration

AS_OF = date(2025, 4, 3)
LIANFENG = "350825100"
FILE = "莲峰镇2025年3月矛盾纠纷排查化解台账.xlsx"
NO_PHONE = {10, 100, 200}  # data rows (1-based) with 联系电话 left empty
SURNAMES = "赵钱孙李周吴郑王冯陈"


def _row(n: int) -> list[object]:
    """Data row ``n`` (1..200) in DISPUTE_HEADER order."""
    phone = None if n in NO_PHONE else f"139{n:08d}"
    return [
        n,
        f"LF-2025-03-{n:03d}",
        "莲峰镇",
        "河背村",
        "宗族祠堂",
        f"{SURNAMES[n % 10]}{'伟芳敏静丽强磊军洋勇'[n // 10 % 10]}{'一二三'[n // 100]}",
        id18(f"35082519{60 + n % 30:02d}0{1 + n % 9}1{n % 10}{n % 1000:03d}"),
        phone,
        1,
        date(2025, 3, 1 + n % 28),
        "河背村委会",
        "林某某",
        "化解中",
        None,
        "低",
    ]


@dataclass
class Runs:
    home: Path
    first: list[ReceivedMail]
    again: list[ReceivedMail]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, smtp_server: SmtpReceiver) -> Runs:
    root = tmp_path_factory.mktemp("findings")
    inbox, home = root / "inbox", root / "home"
    write_register(
        inbox / FILE,
        title="莲峰镇2025年3月矛盾纠纷排查化解台账",
        header=DISPUTE_HEADER,
        rows=[_row(n) for n in range(1, 201)],
        report_line="填报单位：莲峰镇综治办      填报日期：2025年4月1日",
        arrived=datetime(2025, 4, 1, 9, 0),
    )
    coordinators = root / "coordinators.yaml"
    coordinators.write_text(
        yaml.safe_dump(
            {
                "delivery": {"attempts": 2, "backoff_seconds": 0.05},
                "email": {"url_env": "DISPUTES_SMTP_URL"},
                "data_team": {"name": "数据组"},
                "townships": {
                    LIANFENG: {"name": "莲峰镇", "coordinator": "联络员", "email": "lf@t.test"}
                },
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DISPUTES_PII_KEY", TEST_PII_KEY)
        mp.setenv("DISPUTES_COORDINATORS_FILE", str(coordinators))
        mp.setenv("DISPUTES_SMTP_URL", smtp_server.url())
        before = len(smtp_server.messages)
        outcome = run_nightly(home=home, inbox=inbox, as_of=AS_OF)
        assert outcome.success, outcome.failure
        first = smtp_server.messages[before:]
        outcome = run_nightly(home=home, inbox=inbox, as_of=AS_OF)
        assert outcome.success, outcome.failure
        again = smtp_server.messages[before + len(first) :]
    return Runs(home, first, again)


def test_row_issues_keep_one_row_per_cell(runs: Runs) -> None:
    con = duckdb.connect(str(runs.home / "warehouse.duckdb"), read_only=True)
    try:
        by_rule = dict(
            con.execute("select rule, count(*) from quality.row_issues group by 1").fetchall()
        )
    finally:
        con.close()
    assert by_rule == {"category_unknown": 200, "phone_missing": 3}


def test_digest_has_two_findings_with_the_rows_shortened(runs: Runs) -> None:
    (mail,) = runs.first
    body = mail.body.splitlines()
    assert "数据质量问题 2 条（错误 0 条，警告 2 条），涉及 200 行。" in body
    start = body.index(f"《{FILE}》：2 条，涉及 200 行")
    assert body[start + 1 : start + 3] == [
        "  [警告] 第4、5、6行等共200行「纠纷类别」「宗族祠堂」不在分类目录中，"
        "已暂归为“其他”，请按目录填写。",
        "  [警告] 第13、103、203行「联系电话」为空：请补填当事人联系电话。",
    ]
    assert sum(1 for line in body if "[警告]" in line or "[错误]" in line) == 2
    assert mail.attachments == ["莲峰镇2025年3月矛盾纠纷排查化解台账_问题反馈_脱敏.xlsx"]


def test_feedback_summary_sheet_has_two_grouped_rows(runs: Runs) -> None:
    path = output_path(runs.home / "feedback", LIANFENG, FILE)
    ws = load_workbook(path, read_only=True)[SUMMARY_SHEET]
    header, *rows = list(ws.iter_rows(values_only=True))
    assert header == SUMMARY_COLUMNS
    # 行号 lists the first 100 rows (Excel rows 4..103) then the total
    category_rows = "第" + "、".join(str(r) for r in range(4, 104)) + "行等共200行"
    assert [r[1:] for r in rows] == [
        (
            "Sheet1",
            category_rows,
            200,
            "E",
            "纠纷类别",
            "宗族祠堂",
            "提示",
            "「纠纷类别」「宗族祠堂」不在分类目录中，已暂归为“其他”，请按目录填写。",
        ),
        (
            "Sheet1",
            "第13、103、203行",
            3,
            "H",
            "联系电话",
            None,
            "提示",
            "「联系电话」为空：请补填当事人联系电话。",
        ),
    ]
    assert {r[0] for r in rows} == {FILE}


def test_masked_twin_has_the_same_grouped_rows(runs: Runs) -> None:
    (mail,) = runs.first
    (data,) = mail.files.values()
    ws = load_workbook(io.BytesIO(data), read_only=True)[SUMMARY_SHEET]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [(r[2], r[3]) for r in rows] == [(rows[0][2], 200), ("第13、103、203行", 3)]
    assert not any(re.search(r"139\d{8}", str(c)) for r in rows for c in r)


def test_second_run_sends_nothing(runs: Runs) -> None:
    assert runs.again == []
