"""GX once per batch (issue 14 goal 4): the sheets staged together are validated in one
checkpoint run per frame, its findings land on the file and Excel row they came from, and
a run with nothing new staged never imports great_expectations (its ~5 s import).

Real parts: hand-made .xlsx registers, a real DuckDB file, real GX; the last test runs the
nightly job twice in subprocesses and reads the second process's sys.modules.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from pipelines.ingest.land import ingest_inbox
from pipelines.ingest.staging_load import stage_pending
from quality.validate import validate_pending
from tests.handmade import DISPUTE_HEADER, id18, write_register
from warehouse.db import connect

pytestmark = pytest.mark.integration

ARRIVED = datetime(2025, 4, 2, 9, 0)
FILE_A = "莲峰镇2025年3月矛盾纠纷排查化解台账.xlsx"
FILE_B = "宣和镇2025年3月矛盾纠纷排查化解台账.xlsx"


def _dispute(no: str, township: str, n: int, phone: str | None) -> list:
    """A clean dispute row but for what the test varies (its number, its phone)."""
    return [
        n, no, township, "村委会", "邻里纠纷", f"当事人{n}", id18(f"350825198001010{n:02d}"),
        phone, 2, date(2025, 3, n), "司法所", "李明", "化解中", None, "低",
    ]  # fmt: skip


def _register(inbox: Path, name: str, township: str, numbers: list[str], no_phone: int) -> None:
    """A register of ``numbers`` (data from Excel row 4: title, 填报 line, header); the
    ``no_phone``-th row (1-based) has no 联系电话."""
    rows = [
        _dispute(no, township, i, None if i == no_phone else f"1380000000{i}")
        for i, no in enumerate(numbers, start=1)
    ]
    write_register(
        inbox / name,
        title=name.removesuffix(".xlsx"),
        report_line=f"填报单位：{township}综治中心        填报日期：2025年3月31日",
        header=DISPUTE_HEADER,
        rows=rows,
        arrived=ARRIVED,
    )


def test_two_files_validated_together_keep_their_files_and_rows(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    # A: LF-002 again on its 3rd data row (Excel row 6); phone missing on row 5.
    _register(inbox, FILE_A, "莲峰镇", ["LF-001", "LF-002", "LF-002"], no_phone=2)
    # B: XH-003 again on its 4th data row (Excel row 7); LF-001 also in A is no repeat
    # (a number repeats within a sheet); phone missing on row 4.
    _register(inbox, FILE_B, "宣和镇", ["LF-001", "XH-002", "XH-003", "XH-003"], no_phone=1)
    con = connect(tmp_path / "warehouse.duckdb")
    ingest_inbox(con, inbox, quarantine_dir=tmp_path / "quarantine", workers=1)
    stage_pending(con)
    paths = dict(con.execute("select file_id, path from raw.files").fetchall())

    summary = validate_pending(con)

    # One checkpoint per non-empty frame over both files' rows (3 + 4 register rows, 7
    # parties; no petitions, so no petition checkpoint): 2, not one per file or sheet.
    assert summary.sheets == 2
    assert summary.checkpoint_runs == 2
    assert summary.rows == {"disputes": 7, "petitions": 0, "parties": 7}
    found = {
        (paths[c.file_id], c.sheet_name, c.excel_row, c.field, c.rule) for c in summary.candidates
    }
    assert found == {
        (FILE_A, "Sheet1", 6, "case_no", "case_no_duplicate"),
        (FILE_B, "Sheet1", 7, "case_no", "case_no_duplicate"),
        (FILE_A, "Sheet1", 5, "phone", "phone_missing"),
        (FILE_B, "Sheet1", 4, "phone", "phone_missing"),
    }
    # Each candidate's row_id is the staged row of that file and Excel row.
    staged = {
        r[0]: (paths[r[1]], r[2])
        for r in con.execute("select row_id, file_id, excel_row from staging.disputes").fetchall()
    }
    assert all(staged[c.row_id] == (paths[c.file_id], c.excel_row) for c in summary.candidates)
    # The row rules had said the same of the same cells: nothing new written, none twice.
    issues = con.execute(
        "select f.path, i.excel_row, i.field, i.rule, i.source from quality.row_issues i"
        " join raw.files f using (file_id) order by 1, 2, 3"
    ).fetchall()
    assert issues == [
        (FILE_B, 4, "phone", "phone_missing", "rules"),
        (FILE_B, 7, "case_no", "case_no_duplicate", "rules"),
        (FILE_A, 5, "phone", "phone_missing", "rules"),
        (FILE_A, 6, "case_no", "case_no_duplicate", "rules"),
    ]
    # Validated once: a second pass finds nothing pending and runs no checkpoint.
    again = validate_pending(con)
    assert (again.sheets, again.checkpoint_runs) == (0, 0)


_RUN = """
import json, sys
from datetime import date
from pipelines.runner import run_nightly
outcome = run_nightly(home=sys.argv[1], inbox=sys.argv[2], as_of=date(2025, 4, 10))
print(json.dumps({"success": outcome.success, "failure": outcome.failure,
                  "gx": "great_expectations" in sys.modules}))
"""


def _run_in_subprocess(home: Path, inbox: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(home), str(inbox)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "DISPUTES_HOME": str(home)},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_run_with_nothing_new_does_not_import_gx(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    _register(inbox, FILE_A, "莲峰镇", ["LF-001", "LF-002"], no_phone=0)
    home = tmp_path / "home"
    first = _run_in_subprocess(home, inbox)
    assert first == {"success": True, "failure": None, "gx": True}  # new rows: GX ran
    second = _run_in_subprocess(home, inbox)
    assert second == {"success": True, "failure": None, "gx": False}
