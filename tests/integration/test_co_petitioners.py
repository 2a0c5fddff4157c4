"""Co-petitioners (DESIGN.md s.5, 重复信访人): every person a 信访人 cell lists petitioned,
checked on two hand-made petition registers of 莲峰镇 and a real nightly run (as_of
2025-05-10), with the coordinator's digest sent to a real SMTP server on 127.0.0.1.

March 2025 (莲峰镇2025年3月信访事项登记台账.xlsx), three events of two petitioners each:
  XF-301 03-04 走访 "张三、李四" (IDs and phones in the same order), 2 people, 邻里纠纷,
         本县, accepted 03-05, concluded 03-20, no linked case
  XF-302 03-06 来信 "王五、赵六", 2 people, 合同债务, 本县, accepted 03-07, not concluded
  XF-303 03-10 走访 "孙七、周八", 6 people (a group visit), 征地拆迁, 赴市, linked case
         LF-009, accepted 03-11, not concluded
April 2025 (莲峰镇2025年4月信访事项登记台账.xlsx), each co-petitioner comes back alone:
  XF-401 04-08 走访 李四, 1 person, 邻里纠纷 (the same category), 本县, accepted 04-09
  XF-402 04-09 来电 赵六, 1 person, 婚姻家庭 (another category), 本县, accepted 04-10
  XF-403 04-15 走访 周八, 1 person, 其他 (another word), 赴省, linked case LF-009
  and XF-302 listed again (still "王五、赵六"), now concluded 04-20: the same event
By hand: 李四 has 2 events on 2 days on (李四, 邻里纠纷) -> a repeat petitioner; 赵六 has 2
events on 2 matters -> listed, not a repeat; 周八 has 2 events on the case LF-009 -> a
repeat through the case; 张三, 王五, 孙七 have one event each -> not in the mart.
A dispute row's 当事人 cell lists the parties to the dispute, not who petitioned:
  莲峰镇2025年4月矛盾纠纷排查化解台账.xlsx: LF-010 土地山林 "吴九、郑十", 2 people, found
         04-02, petitioned 04-20 (XF-404, 走访, 本县): an event of 吴九 only
  XF-405 04-25 走访 郑十 alone in the petition register, 土地山林, linked LF-010
  -> 郑十 has one event (XF-405), 吴九 one (XF-404): neither is in the mart.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from pipelines.privacy import person_key
from pipelines.runner import RunOutcome, run_nightly
from tests.conftest import ReceivedMail, SmtpReceiver
from tests.handmade import DISPUTE_HEADER, PETITION_HEADER, id18, write_register
from tests.support import TEST_PII_KEY

pytestmark = pytest.mark.integration

AS_OF = date(2025, 5, 10)
LIANFENG = "350825100"
EMAIL = "coord-lianfeng@town.test"

ZHANG, LI = id18("35082519700515123"), id18("35082519800202456")
WANG, ZHAO = id18("35082519650707789"), id18("35082519900909111")
SUN, ZHOU = id18("35082519551111222"), id18("35082519600101333")
WU, ZHENG = id18("35082519700202444"), id18("35082519850303555")

# Cells in PETITION_HEADER order: 序号, 信访编号, 信访日期, 信访形式, 信访人, 身份证号,
# 联系电话, 人数, 乡镇, 村, 问题类别, 信访层级, 受理日期, 办结日期, 是否延期, 关联纠纷编号,
# 领导见面日期.
# fmt: off
MARCH = [
    [1, "XF-301", date(2025, 3, 4), "走访", "张三、李四", f"{ZHANG}、{LI}",
     "13800000001、13900000002", 2, "莲峰镇", "上村", "邻里纠纷", "本县",
     date(2025, 3, 5), date(2025, 3, 20), "否", None, None],
    [2, "XF-302", date(2025, 3, 6), "来信", "王五、赵六", f"{WANG}、{ZHAO}",
     "13700000003、13600000004", 2, "莲峰镇", "下村", "合同债务", "本县",
     date(2025, 3, 7), None, "否", None, None],
    [3, "XF-303", date(2025, 3, 10), "走访", "孙七、周八", f"{SUN}、{ZHOU}",
     "13500000005、13300000006", 6, "莲峰镇", "中村", "征地拆迁", "赴市",
     date(2025, 3, 11), None, "否", "LF-009", None],
]
APRIL = [
    [1, "XF-401", date(2025, 4, 8), "走访", "李四", LI, "13900000002", 1, "莲峰镇", "上村",
     "邻里纠纷", "本县", date(2025, 4, 9), None, "否", None, None],
    [2, "XF-402", date(2025, 4, 9), "来电", "赵六", ZHAO, "13600000004", 1, "莲峰镇", "下村",
     "婚姻家庭", "本县", date(2025, 4, 10), None, "否", None, None],
    [3, "XF-403", date(2025, 4, 15), "走访", "周八", ZHOU, "13300000006", 1, "莲峰镇", "中村",
     "其他", "赴省", date(2025, 4, 16), None, "否", "LF-009", None],
    [5, "XF-302", date(2025, 3, 6), "来信", "王五、赵六", f"{WANG}、{ZHAO}",
     "13700000003、13600000004", 2, "莲峰镇", "下村", "合同债务", "本县",
     date(2025, 3, 7), date(2025, 4, 20), "否", None, None],
    [4, "XF-405", date(2025, 4, 25), "走访", "郑十", ZHENG, "13100000008", 1, "莲峰镇", "东村",
     "土地山林", "本县", date(2025, 4, 26), None, "否", "LF-010", None],
]
# The dispute register with petition columns (DESIGN.md s.4): cells in DISPUTE_PETITION order.
DISPUTE_PETITION = [
    *DISPUTE_HEADER, "信访编号", "信访日期", "信访形式", "信访层级", "受理日期", "答复日期",
    "是否延期",
]
APRIL_DISPUTES = [
    [1, "LF-010", "莲峰镇", "东村", "土地山林", "吴九、郑十", f"{WU}、{ZHENG}",
     "13200000007、13100000008", 2, date(2025, 4, 2), "司法所", "陈书记", "化解中", None, "中",
     "XF-404", date(2025, 4, 20), "走访", "本县", date(2025, 4, 21), None, "否"],
]
# fmt: on


@dataclass
class Run:
    home: Path
    outcome: RunOutcome
    mails: list[ReceivedMail]


def _key(id_number: str) -> str:
    return person_key(f"id:{id_number}", TEST_PII_KEY.encode())


def _coordinators(path: Path) -> Path:
    config = {
        "delivery": {"attempts": 3, "backoff_seconds": 0.05},
        "email": {"url_env": "DISPUTES_SMTP_URL"},
        "townships": {
            LIANFENG: {"name": "莲峰镇", "coordinator": "莲峰镇联络员", "email": EMAIL},
        },
    }
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, smtp_server: SmtpReceiver) -> Iterator[Run]:
    root = tmp_path_factory.mktemp("co_petitioners")
    inbox = root / "inbox"
    for month, rows in ((3, MARCH), (4, APRIL)):
        title = f"莲峰镇2025年{month}月信访事项登记台账"
        write_register(
            inbox / f"{title}.xlsx",
            title=title,
            header=PETITION_HEADER,
            rows=rows,
            report_line=f"填报单位：莲峰镇信访办    填报日期：2025年{month + 1}月2日",
        )
    write_register(
        inbox / "莲峰镇2025年4月矛盾纠纷排查化解台账.xlsx",
        title="莲峰镇2025年4月矛盾纠纷排查化解台账",
        header=DISPUTE_PETITION,
        rows=APRIL_DISPUTES,
    )
    before = len(smtp_server.messages)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DISPUTES_PII_KEY", TEST_PII_KEY)
        mp.setenv("DISPUTES_COORDINATORS_FILE", str(_coordinators(root / "coord.yaml")))
        mp.setenv("DISPUTES_SMTP_URL", smtp_server.url())
        outcome = run_nightly(home=root / "home", inbox=inbox, as_of=AS_OF)
    yield Run(root / "home", outcome, smtp_server.messages[before:])


def _rows(db: Path, sql: str) -> list[dict[str, Any]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def _mart(run: Run) -> dict[str, dict[str, Any]]:
    rows = _rows(run.home / "analytics.duckdb", "select * from marts.repeat_petitioners")
    return {r["person_key"]: r for r in rows}


def test_run_succeeds_and_stages_every_row(run: Run) -> None:
    assert run.outcome.success, run.outcome.failure
    (staged,) = _rows(run.home / "warehouse.duckdb", "select count(*) as n from staging.petitions")
    assert staged["n"] == 8  # 3 rows in March, 5 in April
    (disputes,) = _rows(run.home / "warehouse.duckdb", "select count(*) as n from staging.disputes")
    assert disputes["n"] == 1  # LF-010
    (quarantined,) = _rows(
        run.home / "warehouse.duckdb", "select count(*) as n from quality.quarantined_rows"
    )
    assert quarantined["n"] == 0
    (parties,) = _rows(run.home / "warehouse.duckdb", "select count(*) as n from staging.parties")
    # petitions: 2 + 2 + 2 names in March, 1 + 1 + 1 + 2 + 1 in April; LF-010: 2
    assert parties["n"] == 14


def test_every_listed_person_petitioned(run: Run) -> None:
    rows = _rows(
        run.home / "warehouse.duckdb",
        "select e.petition_no, p.person_key, p.party_index, p.is_first_party"
        " from intermediate.event_petitioners p join intermediate.petition_events e"
        " using (event_id) order by e.petition_no, p.party_index",
    )
    assert [
        (r["petition_no"], r["person_key"], r["party_index"], r["is_first_party"]) for r in rows
    ] == [
        ("XF-301", _key(ZHANG), 0, True),
        ("XF-301", _key(LI), 1, False),
        ("XF-302", _key(WANG), 0, True),
        ("XF-302", _key(ZHAO), 1, False),
        ("XF-303", _key(SUN), 0, True),
        ("XF-303", _key(ZHOU), 1, False),
        ("XF-401", _key(LI), 0, True),
        ("XF-402", _key(ZHAO), 0, True),
        ("XF-403", _key(ZHOU), 0, True),
        ("XF-404", _key(WU), 0, True),  # the dispute row: its first party only
        ("XF-405", _key(ZHENG), 0, True),
    ]


def test_co_petitioner_back_on_the_same_category_is_a_repeat(run: Run) -> None:
    li = _mart(run)[_key(LI)]
    assert (li["name_masked"], li["phone_masked"], li["townships"]) == (
        "李*",
        "139****0002",
        "莲峰镇",
    )
    # XF-301 (03-04, as co-petitioner) and XF-401 (04-08, alone), both 邻里纠纷 unlinked:
    # one matter (李四, 邻里纠纷) on two days
    assert (li["petition_events"], li["matters"], li["repeat_matters"]) == (2, 1, 1)
    assert (li["first_petition_date"], li["last_petition_date"]) == (
        date(2025, 3, 4),
        date(2025, 4, 8),
    )
    assert (li["is_repeat"], li["co_petitioner_events"]) == (True, 1)
    # the matter's latest event, XF-401, has no 办结日期; both events 本县, 2 and 1 people
    assert (li["open_matters"], li["highest_level"], li["is_escalated"], li["group_events"]) == (
        1,
        "county",
        False,
        0,
    )


def test_co_petitioner_back_on_another_category_is_not_a_repeat(run: Run) -> None:
    zhao = _mart(run)[_key(ZHAO)]
    # XF-302 合同债务 (03-06, listed in March and April: one event) and XF-402 婚姻家庭
    # (04-09): two matters, one day each
    assert (zhao["petition_events"], zhao["matters"], zhao["repeat_matters"]) == (2, 2, 0)
    # XF-302 concluded 04-20 (April's listing wins), XF-402 not concluded: one open matter
    assert (zhao["is_repeat"], zhao["open_matters"], zhao["co_petitioner_events"]) == (False, 1, 1)


def test_co_petitioner_on_a_linked_case_matches_through_the_case(run: Run) -> None:
    zhou = _mart(run)[_key(ZHOU)]
    # XF-303 (03-10, 征地拆迁) and XF-403 (04-15, 其他) both name case LF-009: one matter
    assert (zhou["petition_events"], zhou["matters"], zhou["repeat_matters"]) == (2, 1, 1)
    assert zhou["is_repeat"] is True
    # XF-303 went 赴市 with 6 people, XF-403 赴省: highest province, one group event
    assert (zhou["highest_level"], zhou["is_escalated"], zhou["group_events"]) == (
        "province",
        True,
        1,
    )
    assert zhou["open_matters"] == 1  # XF-403, the case's latest event, is not concluded


def test_one_event_persons_are_not_listed(run: Run) -> None:
    mart = _mart(run)
    # not 张三, 王五, 孙七 (one event each), nor 郑十 (a 当事人 of LF-010, petitioned once)
    assert set(mart) == {_key(LI), _key(ZHAO), _key(ZHOU)}


def test_events_are_still_keyed_and_counted_by_their_first_party(run: Run) -> None:
    db = run.home / "warehouse.duckdb"
    events = _rows(db, "select petition_no, person_key from intermediate.petition_events")
    assert {r["petition_no"]: r["person_key"] for r in events} == {
        "XF-301": _key(ZHANG),
        "XF-302": _key(WANG),
        "XF-303": _key(SUN),
        "XF-401": _key(LI),
        "XF-402": _key(ZHAO),
        "XF-403": _key(ZHOU),
        "XF-404": _key(WU),
        "XF-405": _key(ZHENG),
    }
    months = _rows(
        db,
        "select month, petition_batches, petition_persons, group_petitions, new_matters"
        " from intermediate.township_month_counts where township_code = '350825100'"
        " order by month",
    )
    # March: 3 events (the shared ones once each), 2 + 2 + 6 people, XF-303 a group visit,
    # 3 new matters (张三 邻里纠纷, 王五 合同债务, case LF-009). April: 5 events (XF-401..405,
    # XF-404 from the dispute register), 1 + 1 + 1 + 2 (LF-010's 涉及人数) + 1 people; new
    # matters (李四 邻里纠纷), (赵六 婚姻家庭) and case LF-010; LF-009 is not new.
    assert [
        (
            r["month"],
            r["petition_batches"],
            r["petition_persons"],
            r["group_petitions"],
            r["new_matters"],
        )
        for r in months
    ] == [
        (date(2025, 3, 1), 3, 10, 1, 3),
        (date(2025, 4, 1), 5, 6, 0, 3),
    ]


def test_county_summary_counts_co_petitioners(run: Run) -> None:
    (y25,) = _rows(
        run.home / "analytics.duckdb",
        "select year, petition_batches, repeat_petitioners from marts.county_summary",
    )
    assert (y25["year"], y25["petition_batches"], y25["repeat_petitioners"]) == (2025, 8, 2)


def test_the_digest_tells_of_the_co_petitioners(run: Run) -> None:
    (mail,) = [m for m in run.mails if m.to == [EMAIL]]
    assert "重复/越级信访人 2 人" in mail.body  # 李四 (repeat) and 周八 (repeat, 赴省)
    assert "李*（139****0002）：信访2次，重复信访" in mail.body
    assert "周*（133****0006）：信访2次，重复信访、越级信访（赴省）" in mail.body
    for raw in ("李四", "周八", LI, ZHOU, "13900000002"):
        assert raw not in mail.body
