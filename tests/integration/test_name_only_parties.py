"""A party with neither a valid ID nor a mobile (only a name), in registers without 编号 or
信访编号, listed again the next month: one case and one event, not two - but the name never
makes a person (DESIGN.md section 4: identity is an ID, else name + mobile)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines.runner import run_nightly

pytestmark = pytest.mark.integration

DISPUTE_HEADER = "乡镇,纠纷类别,当事人,身份证号,联系电话,涉及人数,排查时间,化解状态,化解时间"
PETITION_HEADER = "信访日期,信访形式,信访人,身份证号,联系电话,人数,问题类别,信访层级,受理日期"
REGISTERS = {
    "莲峰镇2025年3月矛盾纠纷排查化解台账.csv": [
        DISPUTE_HEADER,
        "莲峰镇,邻里纠纷,王小明,,,2,2025-03-03,化解中,",
        "莲峰镇,邻里纠纷,王小明,,,1,2025-03-20,化解中,",  # same name, another case (date)
    ],
    "莲峰镇2025年4月矛盾纠纷排查化解台账.csv": [
        DISPUTE_HEADER,
        "莲峰镇,邻里纠纷,王小明,,,2,2025-03-03,已化解,2025-04-10",
        "莲峰镇,邻里纠纷,王小明,,,1,2025-03-20,化解中,",
    ],
    "莲峰镇2025年3月信访事项登记台账.csv": [
        PETITION_HEADER,
        "2025-03-05,走访,王小明,,,1,邻里纠纷,本县,",
    ],
    "莲峰镇2025年4月信访事项登记台账.csv": [
        PETITION_HEADER,
        "2025-03-05,走访,王小明,,,1,邻里纠纷,本县,2025-03-10",
    ],
    # The same name in another township is somebody else's case and event.
    "北团镇2025年3月信访事项登记台账.csv": [
        PETITION_HEADER,
        "2025-03-05,走访,王小明,,,1,邻里纠纷,本县,",
    ],
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("name_only")
    inbox = root / "inbox"
    inbox.mkdir()
    for name, lines in REGISTERS.items():
        title = name.removesuffix(".csv")
        (inbox / name).write_text("\n".join([title, *lines]) + "\n", encoding="utf-8")
    outcome = run_nightly(home=root / "home", inbox=inbox, as_of=date(2025, 5, 6))
    assert outcome.success, outcome.failure
    return root / "home" / "warehouse.duckdb"


def _rows(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_relisted_case_is_one_case_with_the_latest_status(warehouse: Path) -> None:
    cases = _rows(
        warehouse,
        "select found_date, status, effective_resolved_date, snapshots"
        " from intermediate.cases order by found_date",
    )
    assert cases == [
        (date(2025, 3, 3), "resolved", date(2025, 4, 10), 2),
        (date(2025, 3, 20), "in_progress", None, 2),
    ]


def test_relisted_event_is_one_event_and_townships_stay_apart(warehouse: Path) -> None:
    events = _rows(
        warehouse,
        "select township_code, petition_date, accepted_date, snapshots"
        " from intermediate.petition_events order by township_code",
    )
    assert events == [
        ("350825100", date(2025, 3, 5), date(2025, 3, 10), 2),
        ("350825101", date(2025, 3, 5), None, 1),
    ]


def test_the_name_never_makes_a_person(warehouse: Path) -> None:
    kinds = _rows(
        warehouse,
        "select identity_kind, count(*), count(distinct person_key)"
        " from intermediate.party_persons group by 1",
    )
    assert kinds == [("row", 7, 7)]
