"""Staging fetches the raw rows of many sheets in one query (staging_load._FETCH_ROWS per
query): every sheet still gets exactly its own rows, whatever group it was fetched in, and
a mixed group of dispute and petition sheets is split by template."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipelines.ingest import staging_load
from pipelines.ingest.land import ingest_inbox
from pipelines.ingest.staging_load import _fetch_groups, stage_pending
from warehouse.db import connect

pytestmark = pytest.mark.integration

DISPUTE_HEADER = "乡镇,纠纷类别,当事人,身份证号,联系电话,涉及人数,排查时间,化解状态,化解时间"
PETITION_HEADER = "信访日期,信访形式,信访人,身份证号,联系电话,人数,问题类别,信访层级,受理日期"
REGISTERS = {
    "莲峰镇2025年3月矛盾纠纷排查化解台账.csv": [
        DISPUTE_HEADER,
        "莲峰镇,邻里纠纷,王小明,,13812341234,2,2025-03-03,化解中,",
        "莲峰镇,婚姻家庭,李四,,,3,2025-03-04,化解中,",
    ],
    "莲峰镇2025年3月信访事项登记台账.csv": [
        PETITION_HEADER,
        "2025-03-05,走访,赵六,,,4,邻里纠纷,本县,",
    ],
    "北团镇2025年4月矛盾纠纷排查化解台账.csv": [
        DISPUTE_HEADER,
        "北团镇,邻里纠纷,张三,,,5,2025-04-01,化解中,",
        "北团镇,邻里纠纷,钱七,,,6,2025-04-02,化解中,",
        "北团镇,邻里纠纷,孙八,,,7,2025-04-03,已化解,2025-04-05",
    ],
}


def test_groups_stay_within_the_row_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """Budget 3: 2+1 fit, 3 alone, a 5-row sheet alone (over budget, never split)."""
    monkeypatch.setattr(staging_load, "_FETCH_ROWS", 3)
    sheets = [{"data_rows": n} for n in (2, 1, 3, 5, 0)]
    groups = [[s["data_rows"] for s in g] for g in _fetch_groups(sheets)]
    assert groups == [[2, 1], [3], [5], [0]]


def test_each_sheet_gets_its_own_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, lines in REGISTERS.items():
        title = name.removesuffix(".csv")
        (inbox / name).write_text("\n".join([title, *lines]) + "\n", encoding="utf-8")
    con = connect(tmp_path / "warehouse.duckdb")
    ingest_inbox(con, inbox, quarantine_dir=tmp_path / "q", workers=1)
    monkeypatch.setattr(staging_load, "_FETCH_ROWS", 3)  # 2+1 rows together, 3 alone
    summary = stage_pending(con)
    assert (summary.sheets_staged, summary.rows_staged, summary.rows_quarantined) == (3, 6, 0)
    disputes = con.execute(
        "select d.township_code, people_count, found_date, excel_row, f.path"
        " from staging.disputes d join raw.files f using (file_id) order by people_count"
    ).fetchall()
    # (township, people, found date) exactly as typed in each file, nothing else in it.
    assert [(r[1], r[2], Path(r[4]).name[:3]) for r in disputes] == [
        (2, date(2025, 3, 3), "莲峰镇"),
        (3, date(2025, 3, 4), "莲峰镇"),
        (5, date(2025, 4, 1), "北团镇"),
        (6, date(2025, 4, 2), "北团镇"),
        (7, date(2025, 4, 3), "北团镇"),
    ]
    petitions = con.execute("select people_count, petition_date from staging.petitions")
    assert petitions.fetchall() == [(4, date(2025, 3, 5))]
    phones = con.execute("select phone from staging.parties where phone is not null")
    assert phones.fetchall() == [("13812341234",)]
    con.close()
