"""Issue 12 on hand-made registers: category words other hands write, and every arrival
accounted for. Real .xlsx files (tests/handmade.py), real Dagster runs, real DuckDB files.

莲峰镇2025年3月矛盾纠纷排查化解台账.xlsx, 205 data rows, all found in March, 化解中:
  Excel row 4 LF-001 张三 山林土地        -> 土地山林 (the directory word in another order)
  Excel row 5 LF-002 李四 土地纠纷（山林）-> 土地山林 (brackets, trailing 纠纷)
  Excel row 6 LF-003 王五 村务管理        -> 村务管理
  Excel row 7 LF-004 赵六 宅基地          -> 宅基地
  Excel row 8 LF-005 钱七 祠堂修缮        -> 其他, unknown word
  Excel rows 9-208 LF-1001..LF-1200, 200 people, 矛盾纠纷 (a clerk's wrong word: it names
     the register, not a category) -> 其他, unknown word
  (row 1 title, row 2 填报 line, row 3 header)
莲峰镇2025年3月信访事项登记台账.xlsx, 5 events, 1 person each:
  XF001 03-03 孙八 祠堂修缮; XF002 03-10 孙八 祠堂修缮   (one unknown word, two days)
  XF003 03-05 孙八 祖坟迁葬; XF004 03-12 孙八 祖坟迁葬   (another unknown word, two days)
  XF005 03-20 周九 宅基地纠纷 -> 宅基地
So by hand, 莲峰镇 March 2025 in marts.category_monthly:
  土地山林 2 new cases; 村务管理 1; 宅基地 1 new case and 1 batch (XF005);
  其他 201 new cases (LF-005 + 200) and 4 batches / 4 persons (XF001-XF004).
孙八 has 4 events on two matters (祠堂修缮, 祖坟迁葬), each on two days: 2 repeat matters,
though both count under 其他 (one matter of 4 events if the words were merged).
The data team's list: 矛盾纠纷 200 rows in 1 file; 祠堂修缮 3 rows (1 dispute + 2 petition
rows) in 2 files; 祖坟迁葬 2 rows in 1 file.

Arrivals: the petition register arrives with a copy "…(1).xlsx" in the first run; the
dispute register's copy "… - 副本.xlsx" and Excel's lock file "~$…" arrive for the second
run; a third run on the same inbox changes nothing.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.privacy import person_key
from pipelines.runner import RunOutcome, run_nightly
from tests.handmade import DISPUTE_HEADER, PETITION_HEADER, id18, write_register
from tests.support import TEST_PII_KEY

pytestmark = pytest.mark.integration

AS_OF = date(2025, 4, 10)
ARRIVED = datetime(2025, 4, 2, 9, 0)
LIANFENG = "350825100"
DISPUTES = "莲峰镇2025年3月矛盾纠纷排查化解台账.xlsx"
PETITIONS = "莲峰镇2025年3月信访事项登记台账.xlsx"
DISPUTES_COPY = "莲峰镇2025年3月矛盾纠纷排查化解台账 - 副本.xlsx"
PETITIONS_COPY = "莲峰镇2025年3月信访事项登记台账(1).xlsx"
LOCK = "~$莲峰镇2025年3月矛盾纠纷排查化解台账.xlsx"
ID_SUN = id18("35082519700303123")
ID_ZHOU = id18("35082519800404456")
# 200 different people for the repeated wrong word: 吴/郑 + two of ten characters.
_GIVEN = "甲乙丙丁戊己庚辛壬癸"
CLERK_NAMES = [s + a + b for s in "吴郑" for a in _GIVEN for b in _GIVEN]


def _dispute(no: str, category: str, name: str, day: int) -> list[Any]:
    # 序号 编号 乡镇 村（社区） 纠纷类别 当事人 身份证号 联系电话 涉及人数 排查时间 责任单位
    # 包案领导 化解状态 化解时间 风险等级
    return [None, no, "莲峰镇", "莲峰村", category, name, None, None, 1,
            date(2025, 3, day), "莲峰镇司法所", None, "化解中", None, "低"]  # fmt: skip


def _petition(no: str, day: int, form: str, name: str, id_number: str, category: str) -> list:
    # 序号 信访编号 信访日期 信访形式 信访人 身份证号 联系电话 人数 乡镇 村 问题类别 信访层级
    # 受理日期 办结日期 是否延期 关联纠纷编号 领导见面日期
    return [None, no, date(2025, 3, day), form, name, id_number, None, None, "莲峰镇",
            "莲峰村", category, "本县", None, None, "否", None, None]  # fmt: skip


def _write_registers(inbox: Path) -> None:
    disputes = [
        _dispute("LF-001", "山林土地", "张三", 2),
        _dispute("LF-002", "土地纠纷（山林）", "李四", 3),
        _dispute("LF-003", "村务管理", "王五", 4),
        _dispute("LF-004", "宅基地", "赵六", 5),
        _dispute("LF-005", "祠堂修缮", "钱七", 6),
        *(
            _dispute(f"LF-{1001 + i}", "矛盾纠纷", name, 1 + i % 28)
            for i, name in enumerate(CLERK_NAMES)
        ),
    ]
    write_register(
        inbox / DISPUTES,
        title="莲峰镇2025年3月矛盾纠纷排查化解台账",
        report_line="填报单位：莲峰镇综治中心    填报日期：2025年4月1日",
        header=DISPUTE_HEADER,
        rows=disputes,
        arrived=ARRIVED,
    )
    write_register(
        inbox / PETITIONS,
        title="莲峰镇2025年3月信访事项登记台账",
        report_line="填报单位：莲峰镇信访办    填报日期：2025年4月1日",
        header=PETITION_HEADER,
        rows=[
            _petition("XF001", 3, "走访", "孙八", ID_SUN, "祠堂修缮"),
            _petition("XF002", 10, "来信", "孙八", ID_SUN, "祠堂修缮"),
            _petition("XF003", 5, "走访", "孙八", ID_SUN, "祖坟迁葬"),
            _petition("XF004", 12, "来电", "孙八", ID_SUN, "祖坟迁葬"),
            _petition("XF005", 20, "网络", "周九", ID_ZHOU, "宅基地纠纷"),
        ],
        arrived=ARRIVED,
    )
    shutil.copy2(inbox / PETITIONS, inbox / PETITIONS_COPY)  # same bytes, same mtime


@dataclass
class Runs:
    home: Path
    inbox: Path
    first: RunOutcome
    second: RunOutcome
    third: RunOutcome
    after_first: dict[str, list[tuple]]
    after_second: dict[str, list[tuple]]
    after_third: dict[str, list[tuple]]


_TABLES = (
    "raw.files",
    "raw.sheets",
    "raw.dispute_rows",
    "raw.petition_rows",
    "staging.disputes",
    "staging.petitions",
    "quality.row_issues",
    "quality.unmapped_categories",
)


def _snapshot(home: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return {t: con.execute(f"select * from {t} order by all").fetchall() for t in _TABLES}
    finally:
        con.close()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    root = tmp_path_factory.mktemp("categories_arrivals")
    inbox, home = root / "inbox", root / "home"
    _write_registers(inbox)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DISPUTES_PII_KEY", TEST_PII_KEY)
        first = run_nightly(home=home, inbox=inbox, as_of=AS_OF)
        assert first.success, first.failure
        after_first = _snapshot(home)
        shutil.copy2(inbox / DISPUTES, inbox / DISPUTES_COPY)
        (inbox / LOCK).write_bytes(b"\x0bclerk-pc\x00" * 8)  # what Excel leaves while open
        second = run_nightly(home=home, inbox=inbox, as_of=AS_OF)
        assert second.success, second.failure
        after_second = _snapshot(home)
        third = run_nightly(home=home, inbox=inbox, as_of=AS_OF)
        assert third.success, third.failure
        after_third = _snapshot(home)
    yield Runs(home, inbox, first, second, third, after_first, after_second, after_third)


def _rows(path: Path, sql: str, *params: Any) -> list[dict[str, Any]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        cursor = con.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def _warehouse(runs: Runs, sql: str, *params: Any) -> list[dict[str, Any]]:
    return _rows(runs.home / "warehouse.duckdb", sql, *params)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_category_words_in_staging(runs: Runs) -> None:
    got = _warehouse(
        runs,
        "select case_no, category, category_key from staging.disputes"
        " where case_no in ('LF-001', 'LF-002', 'LF-003', 'LF-004', 'LF-005', 'LF-1001')"
        " order by case_no",
    )
    assert [(r["case_no"], r["category"], r["category_key"]) for r in got] == [
        ("LF-001", "土地山林", "土地山林"),
        ("LF-002", "土地山林", "土地山林"),
        ("LF-003", "村务管理", "村务管理"),
        ("LF-004", "宅基地", "宅基地"),
        ("LF-005", "其他", "祠堂修缮"),
        ("LF-1001", "其他", "矛盾纠纷"),
    ]
    petitions = _warehouse(
        runs, "select petition_no, category, category_key from staging.petitions order by 1"
    )
    assert [(r["petition_no"], r["category"], r["category_key"]) for r in petitions] == [
        ("XF001", "其他", "祠堂修缮"),
        ("XF002", "其他", "祠堂修缮"),
        ("XF003", "其他", "祖坟迁葬"),
        ("XF004", "其他", "祖坟迁葬"),
        ("XF005", "宅基地", "宅基地"),
    ]
    # each unknown word is one warning per row for the coordinator: 1 + 200 + 4
    warnings = _warehouse(
        runs, "select count(*) as n from quality.row_issues where rule = 'category_unknown'"
    )
    assert warnings == [{"n": 205}]


def test_category_monthly_counts_unknown_words_under_other(runs: Runs) -> None:
    got = _warehouse(
        runs,
        "select category, new_cases, resolved_cases, petition_batches, petition_persons"
        " from marts.category_monthly where month = date '2025-03-01' and township_code = ?"
        " order by category",
        LIANFENG,
    )
    assert {r["category"]: tuple(list(r.values())[1:]) for r in got} == {
        "其他": (201, 0, 4, 4),
        "土地山林": (2, 0, 0, 0),
        "宅基地": (1, 0, 1, 1),
        "村务管理": (1, 0, 0, 0),
    }


def test_two_unknown_words_of_one_person_are_two_matters(runs: Runs) -> None:
    sun = person_key(f"id:{ID_SUN}", TEST_PII_KEY.encode())
    matters = _warehouse(
        runs,
        "select category, petition_events, petition_days, first_petition_date"
        " from intermediate.matters where person_key = ? order by first_petition_date",
        sun,
    )
    assert matters == [
        {"category": "其他", "petition_events": 2, "petition_days": 2,
         "first_petition_date": date(2025, 3, 3)},  # 祠堂修缮: 03-03, 03-10
        {"category": "其他", "petition_events": 2, "petition_days": 2,
         "first_petition_date": date(2025, 3, 5)},  # 祖坟迁葬: 03-05, 03-12
    ]  # fmt: skip
    repeat = _warehouse(
        runs,
        "select petition_events, matters, repeat_matters, is_repeat"
        " from marts.repeat_petitioners where person_key = ?",
        sun,
    )
    assert repeat == [{"petition_events": 4, "matters": 2, "repeat_matters": 2, "is_repeat": True}]


def test_unmapped_words_for_the_data_team(runs: Runs) -> None:
    expected = [
        ("矛盾纠纷", 200, 1, DISPUTES, LIANFENG, "dispute", date(2025, 3, 1)),
        ("祠堂修缮", 3, 2, f"{PETITIONS}、{DISPUTES}", LIANFENG, "dispute,petition",
         date(2025, 3, 1)),
        ("祖坟迁葬", 2, 1, PETITIONS, LIANFENG, "petition", date(2025, 3, 1)),
    ]  # fmt: skip
    columns = (
        "category_written, row_count, file_count, file_names, township_codes, templates,"
        " last_period"
    )
    got = _warehouse(runs, f"select {columns} from quality.unmapped_categories order by 2 desc")
    assert [tuple(r.values()) for r in got] == expected
    published = _rows(
        runs.home / "analytics.duckdb",
        f"select {columns} from quality.unmapped_categories order by 2 desc",
    )
    assert [tuple(r.values()) for r in published] == expected


def test_a_copy_in_the_same_batch_is_a_duplicate(runs: Runs) -> None:
    files = _rows(
        runs.home / "warehouse.duckdb",
        "select path, status, duplicate_of, data_rows, township_code, period from raw.files"
        " where path like '%信访%' order by path",
    )
    original = _sha(runs.inbox / PETITIONS)
    assert files == [
        {"path": PETITIONS_COPY, "status": "duplicate", "duplicate_of": original,
         "data_rows": 0, "township_code": LIANFENG, "period": date(2025, 3, 1)},
        {"path": PETITIONS, "status": "loaded", "duplicate_of": None,
         "data_rows": 5, "township_code": LIANFENG, "period": date(2025, 3, 1)},
    ]  # fmt: skip
    assert runs.first.metadata["raw/registers"]["files_duplicate"] == 1
    assert runs.first.metadata["raw/registers"]["files_rejected"] == 0


def test_a_later_copy_and_a_lock_file_are_recorded_and_change_no_rows(runs: Runs) -> None:
    before = runs.after_first["raw.files"]
    assert len([r for r in runs.after_second["raw.files"] if r not in before]) == 2
    files = _warehouse(
        runs,
        "select path, status, reason_kind, duplicate_of, data_rows from raw.files"
        " where path in (?, ?) order by path",
        DISPUTES_COPY,
        LOCK,
    )
    assert files == [
        {"path": LOCK, "status": "skipped", "reason_kind": "lock_file", "duplicate_of": None,
         "data_rows": 0},
        {"path": DISPUTES_COPY, "status": "duplicate", "reason_kind": "duplicate",
         "duplicate_of": _sha(runs.inbox / DISPUTES), "data_rows": 0},
    ]  # fmt: skip
    for table in _TABLES[1:]:  # no sheet, row, staged row or finding more
        assert runs.after_second[table] == runs.after_first[table], table
    meta = runs.second.metadata["raw/registers"]
    assert (meta["files_new"], meta["files_duplicate"], meta["files_skipped"]) == (0, 1, 1)
    assert meta["files_rejected"] == 0
    published = _rows(
        runs.home / "analytics.duckdb",
        "select status, count(*) as n from quality.files group by 1 order by 1",
    )
    assert published == [
        {"status": "duplicate", "n": 2},
        {"status": "loaded", "n": 2},
        {"status": "skipped", "n": 1},
    ]


def test_a_third_run_on_the_same_inbox_changes_nothing(runs: Runs) -> None:
    assert runs.after_third == runs.after_second
    meta = runs.third.metadata["raw/registers"]
    assert (meta["files_seen"], meta["files_new"]) == (5, 0)
    assert (meta["files_duplicate"], meta["files_skipped"]) == (0, 0)
