"""Issue 4 acceptance: every input row is accounted for, runs are idempotent, and a
resubmitted file replaces its predecessor's rows. Real files from the generator, real
Dagster runs, real DuckDB files."""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from pipelines.runner import run_nightly
from tests.support import World

pytestmark = pytest.mark.integration


def _truth_csv(world: World, name: str) -> list[dict[str, str]]:
    with (world.truth / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _db(home: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)


def _snapshot(home: Path) -> dict[str, list[tuple]]:
    """Everything a rerun must leave unchanged (timestamps of first sight included)."""
    con = _db(home)
    try:
        return {
            table: con.execute(f"select * from {table} order by all").fetchall()
            for table in (
                "raw.files",
                "raw.sheets",
                "raw.dispute_rows",
                "raw.petition_rows",
                "staging.disputes",
                "staging.petitions",
                "staging.parties",
                "quality.row_issues",
                "quality.quarantined_rows",
            )
        }
    finally:
        con.close()


@pytest.fixture(scope="module")
def ingested(county_world: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole county (17 townships x 12 months, every mess kind) through one run."""
    home = tmp_path_factory.mktemp("home_accounting")
    outcome = run_nightly(home=home, inbox=county_world.inbox, as_of=county_world.as_of)
    assert outcome.success, outcome.failure
    return home


def test_file_statuses_match_truth(ingested: Path, county_world: World) -> None:
    con = _db(ingested)
    got = {
        Path(path).name: (status, kind, township)
        for path, status, kind, township in con.execute(
            "select path, status, reason_kind, township_code from raw.files"
        ).fetchall()
    }
    con.close()
    truth = _truth_csv(county_world, "files.csv")
    assert len(got) == len(truth)
    for row in truth:
        status, kind, township = got[Path(row["file"]).name]
        assert status == row["expected_status"], row["file"]
        # Every file is routed to its township; a rejected one by what its name says.
        assert (township or "") == row["township_code"], row["file"]
        if row["expected_status"] == "rejected":
            assert kind == row["reason_kind"], row["file"]


def test_every_row_is_staged_or_quarantined(ingested: Path, county_world: World) -> None:
    """Rows in staging + rows quarantined = data rows of every active file, row by row."""
    con = _db(ingested)
    placed = con.execute(
        """
        select f.path, r.sheet_name, r.excel_row, 'staged' from staging.disputes r
            join raw.files f using (file_id)
        union all
        select f.path, r.sheet_name, r.excel_row, 'staged' from staging.petitions r
            join raw.files f using (file_id)
        union all
        select f.path, q.sheet_name, q.excel_row, 'quarantined' from quality.quarantined_rows q
            join raw.files f using (file_id)
        """
    ).fetchall()
    con.close()
    got = {(Path(p).name, s, int(r)): where for p, s, r, where in placed}
    assert len(got) == len(placed), "a row is both staged and quarantined"
    expected = {
        (Path(row["file"]).name, row["sheet"], int(row["excel_row"])): row["expected"]
        for row in _truth_csv(county_world, "rows.csv")
        if row["expected"] in ("staged", "quarantined")
    }
    missing = sorted(set(expected) - set(got))[:5]
    extra = sorted(set(got) - set(expected))[:5]
    assert not missing and not extra, f"missing {missing}, extra {extra}"
    wrong = [k for k, v in expected.items() if got[k] != v][:5]
    assert not wrong, f"placed differently than truth: {wrong}"


def test_data_rows_match_truth_per_file(ingested: Path, county_world: World) -> None:
    con = _db(ingested)
    landed = dict(
        (Path(p).name, n)
        for p, n in con.execute("select path, data_rows from raw.files").fetchall()
    )
    con.close()
    for row in _truth_csv(county_world, "files.csv"):
        if row["expected_status"] != "rejected":
            assert landed[Path(row["file"]).name] == int(row["data_rows"]), row["file"]


def test_rejected_files_are_copied_to_quarantine(ingested: Path) -> None:
    con = _db(ingested)
    rows = con.execute(
        "select quarantine_path, reason_zh from raw.files where status = 'rejected'"
    ).fetchall()
    con.close()
    assert rows
    for path, reason in rows:
        assert Path(path).is_file()
        assert reason and any("\u4e00" <= ch <= "\u9fff" for ch in reason)


def test_second_run_changes_nothing(small_world: World, tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = run_nightly(home=home, inbox=small_world.inbox, as_of=small_world.as_of)
    assert first.success, first.failure
    before = _snapshot(home)
    second = run_nightly(home=home, inbox=small_world.inbox, as_of=small_world.as_of)
    assert second.success, second.failure
    assert second.metadata["raw/registers"]["files_new"] == 0
    assert _snapshot(home) == before


def test_resubmission_replaces_rows(small_world: World, tmp_path: Path) -> None:
    """Load the world, then drop in a corrected copy of one register (later mtime): the
    old file becomes superseded, its rows leave staging and stay in raw."""
    inbox = tmp_path / "inbox"
    shutil.copytree(small_world.inbox, inbox)
    home = tmp_path / "home"
    assert run_nightly(home=home, inbox=inbox, as_of=small_world.as_of).success
    con = _db(home)
    file_id, path, rows = con.execute(
        "select file_id, path, data_rows from raw.files where status = 'loaded'"
        " and path like '%.csv' and template = 'petition' order by path limit 1"
    ).fetchone()
    con.close()
    original = inbox / path
    corrected = original.with_name(original.stem + "_更正" + original.suffix)
    # A corrected resubmission: same content minus its last data line, sent later.
    lines = original.read_bytes().splitlines(keepends=True)
    data_lines = [i for i, line in enumerate(lines) if line.strip()]
    del lines[data_lines[-1]]
    corrected.write_bytes(b"".join(lines))
    st = original.stat()
    import os

    os.utime(corrected, (st.st_atime + 86400, st.st_mtime + 86400))
    assert run_nightly(home=home, inbox=inbox, as_of=small_world.as_of).success
    con = _db(home)
    status, by = con.execute(
        "select status, superseded_by from raw.files where file_id = ?", [file_id]
    ).fetchone()
    staged_old = con.execute(
        "select count(*) from staging.petitions where file_id = ?", [file_id]
    ).fetchone()[0]
    raw_old = con.execute(
        "select count(*) from raw.petition_rows where file_id = ?", [file_id]
    ).fetchone()[0]
    new_rows = con.execute("select data_rows from raw.files where file_id = ?", [by]).fetchone()[0]
    con.close()
    assert status == "superseded"
    assert staged_old == 0
    assert raw_old == rows
    assert new_rows in (rows - 1, rows)  # the deleted last line may have been a note


def test_issue_counts_by_rule_are_reported(ingested: Path) -> None:
    con = _db(ingested)
    rules = Counter(
        dict(con.execute("select rule, count(*) from quality.row_issues group by 1").fetchall())
    )
    con.close()
    assert rules["key_date_missing"] + rules["key_date_unparseable"] > 0


def test_unplaceable_sheet_in_a_loaded_workbook_is_not_lost(
    small_world: World, tmp_path: Path
) -> None:
    """A quarterly workbook where one month's sheet names no month anywhere: the other
    sheets load, the file is copied to quarantine and its reason names the sheet."""
    import openpyxl

    source = next(small_world.inbox.rglob("*第1季度*.xlsx"))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    workbook = openpyxl.load_workbook(source)
    sheet = workbook.worksheets[1]
    sheet["A1"] = str(sheet["A1"].value).split("20")[0] + "矛盾纠纷排查化解台账"  # no year/month
    sheet.title = "续表"
    target = inbox / source.name
    workbook.save(target)
    home = tmp_path / "home"
    assert run_nightly(home=home, inbox=inbox, as_of=small_world.as_of).success
    con = _db(home)
    status, reason, qpath = con.execute(
        "select status, reason_zh, quarantine_path from raw.files"
    ).fetchone()
    sheets = dict(con.execute("select sheet_name, status from raw.sheets").fetchall())
    con.close()
    assert status == "loaded"
    assert "续表" in reason and "月份" in reason
    assert Path(qpath).is_file()
    assert sheets["续表"] == "rejected"
    assert sorted(s for s, st in sheets.items() if st == "loaded") == sorted(
        ws.title for ws in workbook.worksheets if ws.title != "续表"
    )
