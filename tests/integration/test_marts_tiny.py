"""Every figure of DESIGN.md section 5 on a tiny hand-written world, checked on paper.

Seven CSV registers of 莲峰镇 (and three of 北团镇) go through the whole nightly job with
as_of 2025-06-10 (so as_of + 7 = 06-17). The reporting range is 2024-03 .. 2025-05.

Dispute cases (莲峰镇):
  LF-001 张三 (15-digit ID in the sheet) found 03-02, 化解中 in March, 已化解 04-10 in April
  LF-002 李四 (name + mobile) found 03-05, 已化解 03-20
  LF-003 王五 found 03-10, 未化解 (not relisted: still open)
  (no 编号) 赵六 found 04-03, 已化解 without a date -> effective 04-30 (end of April)
  LF-004 王五 found 04-15, 化解中
  北团镇, April 2025 (a dispute register with petition columns, DESIGN.md s.4):
  BT-001 孙八 征地拆迁 found 04-01, 7 people, petitioned 04-02 (XF2025101, visit 赴市,
     accepted 04-03, met 04-05, not concluded): only in the dispute register -> F1
  BT-002 周九 劳动社保 found 04-06, 3 people, petitioned 04-08 (XF2025102, letter, accepted
     04-10, answered 04-30): also in 北团镇's petition register (1 person, no 关联纠纷编号)
     -> F2, counted once, people from the petition register, matter BT-002
  BT-003 吴十 邻里纠纷 found 04-10, 已化解 04-20, petition columns empty: a dispute only
  (no 编号) 郑一 婚姻家庭 found 04-12, petitioned 04-15 (visit, no 信访编号, not accepted):
     also in the petition register without 编号 -> F3, one event by (person, date, form)
  BT-005 陈二: 受理 04-21 before 信访 04-22 -> quarantined (date_order)
Petition events (莲峰镇 unless said):
  2024: XF2024001 王五 (北团镇) 03-08; XF2024002 钱七 03-15, 3 people; both timely, on time
  E1 XF2025001 张三 03-03 visit, linked LF-001, accepted 03-05, concluded 03-20, met 03-06
  E2 XF2025002 李四 03-03 phone, accepted 03-25 (22 days: late), never concluded
  E3 XF2025003 王五 03-10 visit, 6 people (group), 赴市, accepted 03-12; 延期 from April's
     sheet on, concluded 06-05 (85 days: on time only because of the extension)
  E4 (no 编号) 赵六 03-18 letter, listed twice in March (one event), never accepted
  E5 XF2025006 张三 (15-digit ID) 03-25 visit, linked LF-001, accepted 03-26, concluded 04-20
  E6 XF2025004 李四 (now with ID) 04-08 visit, 2 people, 赴省, accepted 04-09, not concluded
  E7 XF2025005 王五 04-13 online, 其他, accepted 04-15, not concluded (due 06-14: due soon)
"""

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.privacy import person_key
from pipelines.runner import run_nightly
from tests.handmade import id18
from tests.support import TEST_PII_KEY

pytestmark = pytest.mark.integration

AS_OF = date(2025, 6, 10)
LIANFENG, BEITUAN = "350825100", "350825101"


ID_A_15 = "350825700515123"
ID_A = id18("35082519700515123")  # the 15-digit ID upgraded
ID_B = id18("35082519800202456")
ID_C = id18("35082519650707789")
ID_D = id18("35082519900909111")
ID_E = id18("35082519551111222")
ID_F = id18("35082519600101333")
ID_G = id18("35082519700202444")
ID_H = id18("35082519850303555")

DISPUTE_HEADER = "编号,乡镇,纠纷类别,当事人,身份证号,联系电话,涉及人数,排查时间,化解状态,化解时间"
PETITION_HEADER = (
    "信访编号,信访日期,信访形式,信访人,身份证号,联系电话,人数,问题类别,信访层级,"
    "受理日期,办结日期,是否延期,关联纠纷编号,领导见面日期"
)
DISPUTE_PETITION_HEADER = (
    DISPUTE_HEADER + ",信访编号,信访日期,信访形式,信访层级,受理日期,答复日期,是否延期,领导见面日期"
)
REGISTERS = {
    "北团镇2025年4月矛盾纠纷排查化解台账.csv": [
        DISPUTE_PETITION_HEADER,
        f"BT-001,北团镇,征地拆迁,孙八,{ID_F},13300000006,7,2025-04-01,化解中,,"
        "XF2025101,2025-04-02,走访,赴市,2025-04-03,,否,2025-04-05",
        f"BT-002,北团镇,劳动社保,周九,{ID_G},13300000007,3,2025-04-06,化解中,,"
        "XF2025102,2025-04-08,来信,本县,2025-04-10,2025-04-30,否,",
        "BT-003,北团镇,邻里纠纷,吴十,,13300000008,1,2025-04-10,已化解,2025-04-20,,,,,,,,",
        f",北团镇,婚姻家庭,郑一,{ID_H},13300000010,1,2025-04-12,化解中,,"
        ",2025-04-15,走访,本县,,,,",
        "BT-005,北团镇,邻里纠纷,陈二,,13300000009,1,2025-04-20,化解中,,"
        "XF2025103,2025-04-22,来电,本县,2025-04-21,,否,",
    ],
    "北团镇2025年4月信访事项登记台账.csv": [
        PETITION_HEADER,
        f"XF2025102,2025-04-08,来信,周九,{ID_G},13300000007,1,劳动社保,本县,"
        "2025-04-10,2025-04-30,否,,",
        f",2025-04-15,走访,郑一,{ID_H},13300000010,1,婚姻家庭,本县,,,否,,",
    ],
    "莲峰镇2025年3月矛盾纠纷排查化解台账.csv": [
        DISPUTE_HEADER,
        f"LF-001,莲峰镇,合同债务,张三,{ID_A_15},13800000001,1,2025-03-02,化解中,",
        "LF-002,莲峰镇,邻里纠纷,李四,,13900000002,2,2025-03-05,已化解,2025-03-20",
        f"LF-003,莲峰镇,土地山林,王五,{ID_C},13700000003,1,2025-03-10,未化解,",
    ],
    "莲峰镇2025年4月矛盾纠纷排查化解台账.csv": [
        DISPUTE_HEADER,
        f"LF-001,莲峰镇,合同债务,张三,{ID_A},13800000001,1,2025-03-02,已化解,2025-04-10",
        f",莲峰镇,婚姻家庭,赵六,{ID_D},13600000004,2,2025-04-03,已化解,",
        f"LF-004,莲峰镇,其他,王五,{ID_C},13700000003,1,2025-04-15,化解中,",
    ],
    "北团镇2024年3月信访事项登记台账.csv": [
        PETITION_HEADER,
        f"XF2024001,2024-03-08,走访,王五,{ID_C},13700000003,1,劳动社保,本县,"
        "2024-03-10,2024-04-01,否,,",
    ],
    "莲峰镇2024年3月信访事项登记台账.csv": [
        PETITION_HEADER,
        f"XF2024002,2024-03-15,来信,钱七,{ID_E},13500000005,3,其他,本县,"
        "2024-03-20,2024-04-10,否,,",
    ],
    "莲峰镇2025年3月信访事项登记台账.csv": [
        PETITION_HEADER,
        f"XF2025001,2025-03-03,走访,张三,{ID_A},13800000001,,合同债务,本县,"
        "2025-03-05,2025-03-20,否,LF-001,2025-03-06",
        "XF2025002,2025-03-03,来电,李四,,13900000002,1,邻里纠纷,本县,2025-03-25,,否,,",
        f"XF2025003,2025-03-10,走访,王五,{ID_C},13700000003,6,土地山林,赴市,2025-03-12,,否,,",
        f",2025-03-18,来信,赵六,{ID_D},13600000004,1,婚姻家庭,本县,,,否,,",
        f",2025-03-18,来信,赵六,{ID_D},13600000004,1,婚姻家庭,本县,,,否,,",
        f"XF2025006,2025-03-25,走访,张三,{ID_A_15},13800000001,1,合同债务,本县,"
        "2025-03-26,2025-04-20,否,LF-001,",
    ],
    "莲峰镇2025年4月信访事项登记台账.csv": [
        PETITION_HEADER,
        f"XF2025002,2025-03-03,来电,李四,{ID_B},13900000002,1,邻里纠纷,本县,2025-03-25,,否,,",
        f"XF2025003,2025-03-10,走访,王五,{ID_C},13700000003,6,土地山林,赴市,2025-03-12,,是,,",
        f"XF2025004,2025-04-08,走访,李四,{ID_B},13900000002,2,邻里纠纷,赴省,2025-04-09,,否,,",
        f"XF2025005,2025-04-13,网络,王五,{ID_C},13700000003,1,其他,本县,2025-04-15,,否,,",
    ],
    "莲峰镇2025年5月信访事项登记台账.csv": [
        PETITION_HEADER,
        f"XF2025003,2025-03-10,走访,王五,{ID_C},13700000003,6,土地山林,赴市,"
        "2025-03-12,2025-06-05,是,,",
    ],
}


def _title(file_name: str) -> str:
    return file_name.removesuffix(".csv")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("marts_tiny")
    inbox = root / "inbox"
    inbox.mkdir()
    for name, lines in REGISTERS.items():
        text = "\n".join([_title(name), *lines]) + "\n"
        (inbox / name).write_text(text, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DISPUTES_PII_KEY", TEST_PII_KEY)
        outcome = run_nightly(home=root / "home", inbox=inbox, as_of=AS_OF)
    assert outcome.success, outcome.failure
    yield root / "home"


def _rows(home: Path, sql: str, *params: Any) -> list[dict[str, Any]]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        cursor = con.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def _month(home: Path, month: str, township: str = LIANFENG) -> dict[str, Any]:
    rows = _rows(
        home,
        "select * from marts.township_monthly where month = cast(? as date) and township_code = ?",
        month, township,
    )
    assert len(rows) == 1
    return rows[0]


def _key(id_number: str) -> str:
    return person_key(f"id:{id_number}", TEST_PII_KEY.encode())


def D(text: str | None) -> Decimal | None:  # noqa: N802
    return None if text is None else Decimal(text)


def test_every_registers_rows_are_staged(home: Path) -> None:
    counts = _rows(home, "select (select count(*) from staging.disputes) as d,"
                         " (select count(*) from staging.petitions) as p")[0]
    assert counts == {"d": 10, "p": 15}
    quarantined = _rows(
        home, "select rule, field from quality.row_issues where severity = 'error'"
    )
    assert quarantined == [{"rule": "date_order", "field": "accepted_date"}]  # BT-005


def test_dispute_rows_with_petition_columns_are_events(home: Path) -> None:
    events = _rows(
        home,
        "select petition_no, person_key, people_count, register_source,"
        " is_in_dispute_register, linked_case_no from intermediate.petition_events"
        " where township_code = ? order by petition_date",
        BEITUAN,
    )
    assert [(e["petition_no"], e["people_count"], e["register_source"]) for e in events] == [
        ("XF2024001", 1, "petition"),
        ("XF2025101", 7, "dispute"),  # F1: only in the dispute register, 涉及人数 7
        ("XF2025102", 1, "petition"),  # F2: both registers, counted once
        (None, 1, "petition"),  # F3: both registers without 信访编号, counted once
    ]
    assert [e["is_in_dispute_register"] for e in events] == [False, True, True, True]
    # the dispute is the matter: F2's petition row gave no 关联纠纷编号, its dispute row did
    assert [e["linked_case_no"] for e in events] == [None, "BT-001", "BT-002", None]
    assert events[3]["person_key"] == _key(ID_H)


def test_beituan_april_with_dispute_petitions(home: Path) -> None:
    m = _month(home, "2025-04-01", BEITUAN)
    assert (m["new_cases"], m["resolved_cases"], m["open_cases"]) == (4, 1, 3)
    assert m["resolution_rate"] == D("25.0")
    assert (m["petition_batches"], m["petition_persons"]) == (3, 9)  # 7 + 1 + 1
    assert (m["group_petitions"], m["escalated_petitions"]) == (1, 1)  # F1
    assert m["timely_acceptance_rate"] == D("66.7")  # F1, F2 of F1-F3 (F3 56 days old)
    assert m["on_time_conclusion_rate"] == D("50.0")  # F2; F1 open 68 days (> 60)
    assert m["one_time_resolution_rate"] == D("100.0")  # BT-002: concluded, one event
    assert m["first_visit_meeting_rate"] == D("33.3")  # BT-001 met on day 3, of 3 matters
    assert m["yoy_batches_pct"] is None


def test_range_and_grid(home: Path) -> None:
    months = _rows(home, "select min(month) as lo, max(month) as hi, count(distinct month) as n,"
                         " count(*) as cells from marts.township_monthly")[0]
    assert months == {"lo": date(2024, 3, 1), "hi": date(2025, 5, 1), "n": 15, "cells": 15 * 17}


def test_cases_latest_period_wins_and_effective_resolved_date(home: Path) -> None:
    cases = {
        r["case_no"]: r
        for r in _rows(home, "select * from intermediate.cases where township_code = ?", LIANFENG)
    }
    assert len(cases) == 5
    assert cases["LF-001"]["status"] == "resolved"  # resolved in April's sheet
    assert cases["LF-001"]["effective_resolved_date"] == date(2025, 4, 10)
    assert cases["LF-001"]["found_date"] == date(2025, 3, 2)
    assert cases["LF-003"]["status"] == "unresolved"
    assert cases[None]["effective_resolved_date"] == date(2025, 4, 30)  # no date: period end
    assert cases["LF-001"]["person_key"] == _key(ID_A)  # the 15-digit ID upgraded


def test_march_caseload(home: Path) -> None:
    m = _month(home, "2025-03-01")
    # found: LF-001, LF-002, LF-003; resolved in March: LF-002; open at 03-31: 001, 003
    assert (m["new_cases"], m["resolved_cases"], m["open_cases"]) == (3, 1, 2)
    assert m["resolution_rate"] == D("66.7")  # LF-001 and LF-002 resolved by now, of 3


def test_april_caseload(home: Path) -> None:
    m = _month(home, "2025-04-01")
    # found: 赵六's case, LF-004; resolved: LF-001 (04-10), 赵六's (04-30); open: 003, 004
    assert (m["new_cases"], m["resolved_cases"], m["open_cases"]) == (2, 2, 2)
    assert m["resolution_rate"] == D("50.0")


def test_march_petitions(home: Path) -> None:
    m = _month(home, "2025-03-01")
    assert m["petition_batches"] == 5  # E1..E5; 赵六's same-day duplicate is one event
    assert m["petition_persons"] == 10  # 1 (blank) + 1 + 6 + 1 + 1
    assert m["group_petitions"] == 1 and m["escalated_petitions"] == 1  # E3
    # due: E1 E2 E3 E5 accepted, E4 not accepted and 84 days old; timely: E1 E3 E5
    assert m["timely_acceptance_rate"] == D("60.0")
    # due: E1 E3 E5 concluded, E2 accepted 77 days ago; on time: E1, E3 (85 <= 90), E5
    assert m["on_time_conclusion_rate"] == D("75.0")
    # matters first seen in March: LF-001 (E1+E5, concluded), 李四/邻里 (open), 王五/土地
    # (E3 only, concluded), 赵六/婚姻 (open): one-time = 1 of the 2 concluded
    assert m["one_time_resolution_rate"] == D("50.0")
    assert m["first_visit_meeting_rate"] == D("25.0")  # only E1 met within 7 days
    # a year earlier 莲峰镇 had 1 batch of 3 people
    assert m["yoy_batches_pct"] == D("400.0")
    assert m["yoy_persons_pct"] == D("233.3")


def test_april_and_may_petitions(home: Path) -> None:
    april = _month(home, "2025-04-01")
    assert (april["petition_batches"], april["petition_persons"]) == (2, 3)
    assert april["timely_acceptance_rate"] == D("100.0")
    assert april["on_time_conclusion_rate"] == D("0.0")  # E6 past 60 days; E7 not yet due
    assert april["one_time_resolution_rate"] is None  # no matter first seen in April concluded
    assert april["first_visit_meeting_rate"] == D("0.0")
    assert april["escalated_petitions"] == 1
    assert april["yoy_batches_pct"] is None  # April 2024 had none
    may = _month(home, "2025-05-01")
    assert (may["petition_batches"], may["new_cases"], may["open_cases"]) == (0, 0, 2)
    assert may["timely_acceptance_rate"] is None


def test_other_townships_and_months(home: Path) -> None:
    beituan = _month(home, "2024-03-01", BEITUAN)
    assert (beituan["petition_batches"], beituan["petition_persons"]) == (1, 1)
    lianfeng = _month(home, "2024-03-01")
    assert lianfeng["petition_batches"] == 1 and lianfeng["one_time_resolution_rate"] == D("100.0")
    empty = _month(home, "2024-07-01", "350825209")
    assert empty["new_cases"] == 0 and empty["resolution_rate"] is None


def test_category_monthly(home: Path) -> None:
    rows = {
        (str(r["month"]), r["category"]): (r["new_cases"], r["resolved_cases"],
                                           r["petition_batches"], r["petition_persons"])
        for r in _rows(home, "select * from marts.category_monthly where township_code = ?",
                       LIANFENG)
    }
    assert rows[("2025-03-01", "合同债务")] == (1, 0, 2, 2)
    assert rows[("2025-03-01", "土地山林")] == (1, 0, 1, 6)
    assert rows[("2025-04-01", "合同债务")] == (0, 1, 0, 0)
    assert rows[("2025-04-01", "婚姻家庭")] == (1, 1, 0, 0)
    assert rows[("2025-04-01", "其他")] == (1, 0, 1, 1)
    beituan = {
        r["category"]: (r["new_cases"], r["resolved_cases"], r["petition_batches"],
                        r["petition_persons"])
        for r in _rows(home, "select * from marts.category_monthly where township_code = ?"
                             " and month = date '2025-04-01'", BEITUAN)
    }
    assert beituan == {
        "征地拆迁": (1, 0, 1, 7), "劳动社保": (1, 0, 1, 1), "婚姻家庭": (1, 0, 1, 1),
        "邻里纠纷": (1, 1, 0, 0),
    }


def test_county_summary(home: Path) -> None:
    years = {r["year"]: r for r in _rows(home, "select * from marts.county_summary")}
    assert sorted(years) == [2024, 2025]
    y24, y25 = years[2024], years[2025]
    assert (y24["petition_batches"], y24["petition_persons"], y24["new_cases"]) == (2, 4, 0)
    assert y24["yoy_batches_pct"] is None and y24["repeat_petitioners"] == 0
    assert y24["one_time_resolution_rate"] == D("100.0")
    # 莲峰镇 plus 北团镇's April (4 cases, F1-F3)
    assert (y25["new_cases"], y25["resolved_cases"], y25["open_cases"]) == (9, 4, 5)
    assert y25["resolution_rate"] == D("44.4")
    assert (y25["petition_batches"], y25["petition_persons"]) == (10, 22)
    assert y25["yoy_batches_pct"] == D("400.0") and y25["yoy_persons_pct"] == D("450.0")
    assert y25["timely_acceptance_rate"] == D("70.0")  # 5 of 7 + 2 of 3
    assert y25["on_time_conclusion_rate"] == D("57.1")  # 3 of 5 + 1 of 2
    assert y25["one_time_resolution_rate"] == D("66.7")  # 1 of 2 + 1 of 1
    assert y25["first_visit_meeting_rate"] == D("25.0")  # 1 of 5 + 1 of 3 matters
    assert (y25["group_petitions"], y25["escalated_petitions"]) == (2, 3)
    assert y25["repeat_petitioners"] == 2  # 张三 (LF-001 twice), 李四 (邻里 twice)


def test_repeat_petitioners(home: Path) -> None:
    rows = {r["person_key"]: r for r in _rows(home, "select * from marts.repeat_petitioners")}
    assert set(rows) == {_key(ID_A), _key(ID_B), _key(ID_C)}  # 赵六's duplicate is one event
    zhang = rows[_key(ID_A)]  # 15- and 18-digit forms of one ID: one person
    assert (zhang["name_masked"], zhang["phone_masked"]) == ("张*", "138****0001")
    assert (zhang["petition_events"], zhang["matters"], zhang["repeat_matters"]) == (2, 1, 1)
    assert (zhang["is_repeat"], zhang["is_escalated"], zhang["open_matters"]) == (True, False, 0)
    li = rows[_key(ID_B)]  # name + mobile in March joined to the ID seen in April
    assert (li["petition_events"], li["repeat_matters"], li["open_matters"]) == (2, 1, 1)
    assert (li["highest_level"], li["is_escalated"]) == ("province", True)
    assert (li["first_petition_date"], li["last_petition_date"]) == (
        date(2025, 3, 3), date(2025, 4, 8))
    wang = rows[_key(ID_C)]
    assert (wang["petition_events"], wang["matters"], wang["repeat_matters"]) == (3, 3, 0)
    assert (wang["is_repeat"], wang["highest_level"], wang["group_events"]) == (False, "city", 1)
    assert wang["townships"] == "北团镇,莲峰镇"
    assert wang["open_matters"] == 1  # 其他 (E7)


def test_overdue_petitions(home: Path) -> None:
    rows = {
        (r["petition_no"], r["stage"], r["name_masked"]): (r["deadline"], r["days_overdue"])
        for r in _rows(home, "select * from marts.overdue_petitions")
    }
    assert rows == {
        ("XF2025002", "conclusion", "李*"): (date(2025, 5, 24), 17),
        (None, "acceptance", "赵*"): (date(2025, 4, 2), 69),
        ("XF2025004", "conclusion", "李*"): (date(2025, 6, 8), 2),
        ("XF2025005", "conclusion", "王*"): (date(2025, 6, 14), -4),
        ("XF2025101", "conclusion", "孙*"): (date(2025, 6, 2), 8),  # F1, from a dispute row
        (None, "acceptance", "郑*"): (date(2025, 4, 30), 41),  # F3, listed in both registers
    }


def test_mart_checks_pass(home: Path) -> None:
    # the asset checks ran in the job; rerun their SQL here against the finished marts
    from pipelines.defs.models.checks import _RECONCILE_SQL

    assert _rows(home, _RECONCILE_SQL) == []
