"""Issue 12: row dates against the file's arrival, a stale 填报日期, and findings shown on
the right column with the value as typed, on registers written by hand (tests/handmade.py).

Every register below is 莲峰镇's for March 2025. Its title line says 填报日期 2025年3月28日
(Excel row 2, column A: the title is row 1, the header row 3, data from row 4), and the
file arrived on 2025-04-02 09:00 Beijing time (its modification time; the inbox sees it
later, so the arrival is the modification time). By DESIGN.md s.7 a row date after
2025-04-02 is impossible, a date after 03-28 but not after 04-02 is fine and makes the
填报日期 stale: one warning on the 填报日期 line, the rows are used.

Dates are real Excel date cells (openpyxl writes a ``date`` as a date cell), so the reader
sees "2025-03-30 00:00:00"; what the coordinator reads back must be 2025-03-30.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
from openpyxl import load_workbook

from pipelines.alerts.config import load_alert_config
from pipelines.alerts.run import compose
from pipelines.runner import run_nightly
from tests.conftest import Published
from tests.handmade import DISPUTE_HEADER, PETITION_HEADER, id18, write_register

pytestmark = pytest.mark.integration

LIANFENG = "350825100"
AS_OF = date(2025, 4, 10)
ARRIVED = datetime(2025, 4, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
REPORT_LINE = "填报单位：莲峰镇综治中心        填报日期：2025年3月28日"
DISPUTE_TITLE = "莲峰镇2025年3月矛盾纠纷排查化解台账"
PETITION_TITLE = "莲峰镇2025年3月信访事项登记台账"
STALE_MESSAGE = "第2行填报日期2025-03-28早于表中最晚日期2025-03-30，请更新填报日期。"


def _dispute(n: int, name: str, found: date, status: str, resolved: date | None) -> list:
    """One clean dispute row (valid ID, mobile, directory category): only its dates speak."""
    return [
        n,
        f"LF-2025-{n:03d}",
        "莲峰镇",
        "莲峰村",
        "邻里纠纷",
        name,
        id18(f"350825198001010{n:02d}"),
        f"1380000000{n}",
        2,
        found,
        "莲峰镇司法所",
        "李明",
        status,
        resolved,
        "低",
    ]


# Rows 4-6 run to 03-30, two days after the typed 填报日期 (03-28), before the arrival.
ROWS = [
    _dispute(1, "张三", date(2025, 3, 5), "已化解", date(2025, 3, 20)),
    _dispute(2, "李四", date(2025, 3, 29), "化解中", None),
    _dispute(3, "王五", date(2025, 3, 12), "已化解", date(2025, 3, 30)),
]


def _run(home: Path, inbox: Path) -> duckdb.DuckDBPyConnection:
    """Run the nightly job; every finding of the run must sit on its sheet's column."""
    outcome = run_nightly(home=home, inbox=inbox, as_of=AS_OF)
    assert outcome.success, outcome.failure
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    assert misattributed(con) == []
    return con


def _issues(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "select excel_row, field, column_header, column_letter, value_masked, rule, severity,"
        " message_zh from quality.row_issues order by excel_row, rule"
    ).fetchall()


def test_rows_after_a_stale_report_date_are_used_with_one_warning(
    home: Path, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    write_register(
        inbox / "莲峰镇2025年3月矛盾纠纷排查化解台账.xlsx",
        title=DISPUTE_TITLE,
        report_line=REPORT_LINE,
        header=DISPUTE_HEADER,
        rows=ROWS,
        arrived=ARRIVED,
    )
    con = _run(home, inbox)
    # All three rows staged, none quarantined.
    assert con.execute("select count(*) from staging.disputes").fetchone() == (3,)
    assert con.execute("select count(*) from quality.quarantined_rows").fetchone() == (0,)
    # Exactly one finding: the stale 填报日期, on its cell A2, naming 03-28 and 03-30.
    assert _issues(con) == [
        (
            2,
            "report_date",
            "填报日期",
            "A",
            "2025-03-28",
            "report_date_stale",
            "warning",
            STALE_MESSAGE,
        )
    ]
    # Staging keeps the typed 填报日期 and the arrival day (Beijing time).
    assert con.execute(
        "select distinct report_date, arrival_date from staging.disputes"
    ).fetchall() == [(date(2025, 3, 28), date(2025, 4, 2))]
    # The coordinator's digest carries it, and the feedback workbook marks cell A2.
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as fresh:
        digests = compose(fresh, AS_OF, home / "feedback", load_alert_config())
    lines = [i.line for d in digests if d.township_code == LIANFENG for i in d.items]
    # One sheet, one row: the grouped finding reads as the message itself.
    assert [line for line in lines if "填报日期" in line] == [f"[警告] {STALE_MESSAGE}"]
    book = load_workbook(home / "feedback" / "莲峰镇" / f"{DISPUTE_TITLE}_问题反馈.xlsx")
    summary = [r for r in book["问题汇总"].iter_rows(min_row=2, values_only=True)]
    # 问题汇总: 文件, 工作表, 行号, 行数, 列, 栏目, 填写内容, 类别, 问题说明 (one line per finding).
    assert [(r[2], r[3], r[4], r[5], r[6], r[8]) for r in summary] == [
        ("第2行", 1, "A", "填报日期", "2025-03-28", STALE_MESSAGE.removeprefix("第2行"))
    ]
    assert STALE_MESSAGE in book["Sheet1"]["A2"].comment.text


def test_only_a_row_after_the_arrival_is_impossible(home: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    # Row 7: 排查时间 04-05, three days after the file arrived (04-02).
    late = _dispute(4, "赵六", date(2025, 4, 5), "化解中", None)
    write_register(
        inbox / "莲峰镇2025年3月矛盾纠纷排查化解台账.xlsx",
        title=DISPUTE_TITLE,
        report_line=REPORT_LINE,
        header=DISPUTE_HEADER,
        rows=[*ROWS, late],
        arrived=ARRIVED,
    )
    con = _run(home, inbox)
    assert con.execute("select excel_row from staging.disputes order by 1").fetchall() == [
        (4,),
        (5,),
        (6,),
    ]
    assert con.execute("select excel_row from quality.quarantined_rows").fetchall() == [(7,)]
    # Row 7's error, shown as typed (a date cell, not "2025-04-05 00:00:00"), and still one
    # stale warning: the latest date not after the arrival is 03-30.
    assert _issues(con) == [
        (
            2,
            "report_date",
            "填报日期",
            "A",
            "2025-03-28",
            "report_date_stale",
            "warning",
            STALE_MESSAGE,
        ),
        (
            7,
            "found_date",
            "排查时间",
            "J",
            "2025-04-05",
            "key_date_impossible",
            "error",
            "第7行「排查时间」「2025-04-05」不是真实存在的日期或晚于本表报送（收到）日期，请核对。",
        ),
    ]


def test_petition_accepted_after_the_stale_report_date_is_no_warning(
    home: Path, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    # 信访 03-27, 受理 03-30: after the typed 03-28, before the arrival 04-02.
    row = [
        1,
        "XF2025001",
        date(2025, 3, 27),
        "走访",
        "钱七",
        id18("35082519750505123"),
        "13900000001",
        1,
        "莲峰镇",
        "莲峰村",
        "邻里纠纷",
        "本县",
        date(2025, 3, 30),
        None,
        "否",
        None,
        date(2025, 3, 29),
    ]
    write_register(
        inbox / "莲峰镇2025年3月信访事项登记台账.xlsx",
        title=PETITION_TITLE,
        report_line=REPORT_LINE,
        header=PETITION_HEADER,
        rows=[row],
        arrived=ARRIVED,
    )
    con = _run(home, inbox)
    assert con.execute(
        "select excel_row, accepted_date, meeting_date from staging.petitions"
    ).fetchall() == [(4, date(2025, 3, 30), date(2025, 3, 29))]
    assert [(r[0], r[5]) for r in _issues(con)] == [(2, "report_date_stale")]
    assert _issues(con)[0][7] == STALE_MESSAGE


def test_findings_name_the_checked_column_and_its_value_as_typed(
    home: Path, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    rows = [
        # Row 4: 化解时间 03-03 before 排查时间 03-10 -> date_order on 化解时间 (column N).
        _dispute(1, "张三", date(2025, 3, 10), "已化解", date(2025, 3, 3)),
        # Row 5: 化解时间 04-05 after the arrival -> date_after_receipt on 化解时间, row kept;
        # the expectation suite sees the same cell and must name the same column (before
        # issue 12 its finding came out as 「meeting_date」 with an empty value).
        _dispute(2, "李四", date(2025, 3, 11), "已化解", date(2025, 4, 5)),
    ]
    write_register(
        inbox / "莲峰镇2025年3月矛盾纠纷排查化解台账.xlsx",
        title=DISPUTE_TITLE,
        report_line="填报单位：莲峰镇综治中心        填报日期：2025年3月31日",
        header=DISPUTE_HEADER,
        rows=rows,
        arrived=ARRIVED,
    )
    con = _run(home, inbox)
    assert [r[:8] for r in _issues(con)] == [
        (
            4,
            "resolved_date",
            "化解时间",
            "N",
            "2025-03-03",
            "date_order",
            "error",
            "第4行「化解时间」「2025-03-03」早于「排查时间」，日期先后顺序有误，请核对。",
        ),
        (
            5,
            "resolved_date",
            "化解时间",
            "N",
            "2025-04-05",
            "date_after_receipt",
            "warning",
            "第5行「化解时间」「2025-04-05」晚于本表报送（收到）日期，请核对。",
        ),
    ]
    assert con.execute("select excel_row from staging.disputes").fetchall() == [(5,)]


# Rules whose message quotes the cell's value (written out from RULES' templates): their
# findings must carry a non-empty value. The others are about an empty cell or the row.
VALUE_RULES = {
    "key_date_unparseable",
    "key_date_impossible",
    "date_order",
    "id_checksum",
    "id_lost_precision",
    "id_malformed",
    "phone_invalid",
    "category_unknown",
    "value_unknown",
    "date_unparseable",
    "date_after_receipt",
    "people_count_invalid",
    "group_over_5_reps",
    "case_no_duplicate",
    "report_date_stale",
}


def misattributed(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """Findings whose header is not a column of their sheet (the 填报日期 line aside), or
    whose value is empty where the rule is about a value; with the rule and field."""
    bad = []
    for rule, fld, header, letter, value, columns in con.execute(
        "select i.rule, i.field, i.column_header, i.column_letter, i.value_masked,"
        " s.columns_json from quality.row_issues i join raw.sheets s using (file_id, sheet_name)"
    ).fetchall():
        shown = {(c["header"], c["letter"]) for c in json.loads(columns).values()}
        if rule == "report_date_stale":
            on_column = header == "填报日期" and fld == "report_date"
        else:
            on_column = (header, letter) in shown and json.loads(columns)[fld]["header"] == header
        if not on_column or (rule in VALUE_RULES and not value):
            bad.append((rule, fld, header, value))
    return bad


def test_every_finding_of_the_sample_world_is_on_its_column(published: Published) -> None:
    with duckdb.connect(str(published.home / "warehouse.duckdb"), read_only=True) as con:
        total = con.execute("select count(*) from quality.row_issues").fetchone()
        assert total is not None and total[0] > 20  # the world has its mess
        assert Counter(misattributed(con)) == Counter()
        # No date value or message shows the reader's midnight time.
        shown = con.execute(
            "select count(*) from quality.row_issues"
            " where message_zh like '%00:00:00%' or value_masked like '%00:00:00%'"
        ).fetchone()
        assert shown == (0,)
