"""Validation against the sample world's truth: every injected issue reported on the right
cell with the right severity, no clean row flagged, deadlines, no GX Data Docs, and a township
sheet full of errors that does not block the others."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import Published, World

pytestmark = pytest.mark.integration


def _truth(world: World, name: str) -> list[dict[str, str]]:
    with (world.truth / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _con(home: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)


@pytest.fixture(scope="module")
def issues(published: Published) -> dict[tuple, dict]:
    with _con(published.home) as con:
        cursor = con.execute(
            "select file_path, sheet_name, excel_row, field, rule, severity, source,"
            " column_letter, message_zh, value_masked from quality.row_issues"
        )
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    return {
        (r["file_path"], r["sheet_name"], r["excel_row"], r["field"], r["rule"]): r for r in rows
    }


def test_every_injected_issue_is_reported_on_its_cell(published: Published, issues) -> None:
    truth = _truth(published.world, "issues.csv")
    assert truth, "the sample world injects issues"
    missing, wrong_severity = [], []
    for t in truth:
        key = (t["file"], t["sheet"], int(t["excel_row"]), t["field"], t["rule"])
        found = issues.get(key)
        if found is None:
            missing.append(key)
        elif found["severity"] != t["severity"]:
            wrong_severity.append((key, found["severity"]))
    assert not missing, missing
    assert not wrong_severity, wrong_severity


def test_findings_beyond_truth_are_only_warnings(published: Published, issues) -> None:
    truth = {
        (t["file"], t["sheet"], int(t["excel_row"]), t["field"], t["rule"])
        for t in _truth(published.world, "issues.csv")
    }
    extra = [v for k, v in issues.items() if k not in truth]
    assert not [e for e in extra if e["severity"] == "error"], extra
    # Known and real: none on this world. A new extra warning must be looked at.
    assert not extra, extra


def test_no_clean_row_is_flagged_as_error(published: Published, issues) -> None:
    rows = _truth(published.world, "rows.csv")
    staged = {
        (r["file"], r["sheet"], int(r["excel_row"])) for r in rows if r["expected"] == "staged"
    }
    errors = {k[:3] for k, v in issues.items() if v["severity"] == "error"}
    assert not staged & errors, sorted(staged & errors)[:5]


def test_quarantined_rows_match_truth_and_keep_their_text(published: Published) -> None:
    expected = {
        (r["file"], r["sheet"], int(r["excel_row"]))
        for r in _truth(published.world, "rows.csv")
        if r["expected"] == "quarantined"
    }
    with _con(published.home) as con:
        got = con.execute(
            "select f.path, q.sheet_name, q.excel_row, q.reasons_zh, q.cells_json"
            " from quality.quarantined_rows q join raw.files f using (file_id)"
        ).fetchall()
    assert {(p, s, r) for p, s, r, _, _ in got} == expected
    assert all(reasons.startswith("第") and cells.startswith("{") for *_, reasons, cells in got)


def test_messages_are_chinese_and_masked(issues) -> None:
    for issue in issues.values():
        assert issue["message_zh"].startswith(f"第{issue['excel_row']}行")
        if issue["field"] == "id_number" and issue["value_masked"]:
            assert "*" in issue["value_masked"]
            assert issue["value_masked"] not in issue["message_zh"].replace("*", "")


def test_petition_deadlines_match_truth(published: Published) -> None:
    truth = {
        (r["petition_no"] or None, r["petition_date"], r["stage"])
        for r in _truth(published.world, "overdue_petitions.csv")
    }
    with _con(published.home) as con:
        got = {
            (no, str(day), stage)
            for no, day, stage in con.execute(
                "select petition_no, petition_date, stage from quality.petition_deadlines"
                " where state in ('overdue', 'due_soon')"
            ).fetchall()
        }
        states = {
            s
            for (s,) in con.execute(
                "select distinct state from quality.petition_deadlines"
            ).fetchall()
        }
    assert got == truth
    assert states <= {"on_time", "due_soon", "overdue"}


def test_no_gx_data_docs_are_built(published: Published) -> None:
    """GX Data Docs load CSS/JS from CDNs and render unstyled offline: the run builds the
    self-contained quality page instead (tests/integration/test_quality_page.py)."""
    reports = published.home / "reports"
    assert not (reports / "data_docs").exists()
    assert (reports / "quality.html").is_file()


def test_validation_is_incremental(published: Published, tmp_path: Path) -> None:
    from quality.validate import validate_pending

    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(published.home / "warehouse.duckdb", copy)
    with duckdb.connect(str(copy)) as con:
        before = con.execute("select count(*) from quality.row_issues").fetchone()
        assert validate_pending(con).sheets == 0
        assert con.execute("select count(*) from quality.row_issues").fetchone() == before


def _broken_register(path: Path, township: str, rows: int = 30) -> None:
    """A petition register whose every data row lacks a usable 信访日期 (CSV, GB18030)."""
    lines = [
        f"{township}2025年2月信访事项登记台账",
        "信访编号,信访日期,信访形式,信访人,身份证号,"
        "联系电话,人数,乡镇,反映问题,问题类别,信访层级,受理日期,办结日期",
    ]
    for i in range(rows):
        lines.append(f"ZZ{i:04d},待定,来信,张三{i},,13800000000,1,{township},土地,土地纠纷,本县,,")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes("\n".join(lines).encode("gb18030"))


def test_one_township_full_of_errors_does_not_block_the_others(
    small_world: World, home: Path, tmp_path: Path
) -> None:
    from pipelines.runner import run_nightly

    inbox = tmp_path / "inbox"
    shutil.copytree(small_world.inbox, inbox)
    _broken_register(inbox / "2025-02" / "揭乐乡2025年2月信访事项登记台账.csv", "揭乐乡")
    outcome = run_nightly(home=home, inbox=inbox, as_of=small_world.as_of)
    assert outcome.success, outcome.failure
    assert any(k.startswith("marts/") for k in outcome.metadata), outcome.metadata.keys()
    with _con(home) as con:
        per_township = dict(
            con.execute(
                "select township_code, count(*) from staging.petitions group by 1"
            ).fetchall()
        )
        broken = con.execute(
            "select count(*) from quality.quarantined_rows q join raw.files f using (file_id)"
            " where f.path like '%揭乐乡2025年2月信访事项登记台账.csv'"
        ).fetchone()[0]
    assert broken == 30
    assert {"350825100", "350825111"} <= set(per_township)


def test_systemic_failure_across_townships_blocks_marts(
    small_world: World, home: Path, tmp_path: Path
) -> None:
    from pipelines.runner import run_nightly

    inbox = tmp_path / "inbox"
    for i, township in enumerate(("莲峰镇", "宣和镇", "揭乐乡")):
        _broken_register(inbox / f"{township}2025年2月信访事项登记台账.csv", township)
        (inbox / f"{township}台账{i}.xlsx").write_bytes(b"not a workbook at all")
    outcome = run_nightly(home=home, inbox=inbox, as_of=small_world.as_of)
    # The blocking check fails its step (the data team's run-failure alert fires) and no
    # mart is rebuilt or published: the last good snapshot stays.
    assert not outcome.success
    assert "no_systemic_failure" in (outcome.failure or "")
    assert not any(k.startswith(("marts/", "publish/")) for k in outcome.metadata)
