"""Every arrival has a raw.files row (DESIGN.md section 7), on the ingest alone: real .xlsx
files, a real DuckDB file, no Dagster (the nightly runs are in
test_categories_and_arrivals.py)."""

from __future__ import annotations

import hashlib
import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from pipelines.ingest.land import ingest_inbox
from tests.handmade import PETITION_HEADER, id18, write_register
from warehouse.db import connect, fetch_dicts

pytestmark = pytest.mark.integration

NAME = "北团镇2025年5月信访事项登记台账.xlsx"
COPY = "副本/北团镇5月.xlsx"  # shorter name, in a folder, but written later


def _register(path: Path) -> Path:
    row = [None, "XF9", datetime(2025, 5, 6), "走访", "孙八", id18("35082519700303123"),
           None, 1, "北团镇", "北团村", "宅基地", "本县", None, None, "否", None, None]  # fmt: skip
    return write_register(
        path, title="北团镇2025年5月信访事项登记台账", header=PETITION_HEADER, rows=[row],
        arrived=datetime(2025, 6, 2, 8, 0),
    )  # fmt: skip


def test_copies_lock_and_hidden_files_are_recorded_once(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    original = _register(inbox / NAME)
    (inbox / "副本").mkdir()
    shutil.copy(original, inbox / COPY)  # new mtime: the copy is younger
    later = datetime(2025, 6, 3, 8, 0).timestamp()
    os.utime(inbox / COPY, (later, later))
    (inbox / "~$北团镇5月.xlsx").write_bytes(b"clerk")
    (inbox / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    sha = hashlib.sha256(original.read_bytes()).hexdigest()
    con = connect(tmp_path / "warehouse.duckdb")
    summary = ingest_inbox(con, inbox, quarantine_dir=tmp_path / "quarantine", workers=1)
    files = fetch_dicts(  # ordered by code point: ".", "~", 副 (U+526F), 北 (U+5317)
        con,
        "select path, status, reason_kind, duplicate_of, township_code, data_rows"
        " from raw.files order by path",
    )
    assert files == [
        {"path": ".DS_Store", "status": "skipped", "reason_kind": "hidden_file",
         "duplicate_of": None, "township_code": None, "data_rows": 0},
        {"path": "~$北团镇5月.xlsx", "status": "skipped", "reason_kind": "lock_file",
         "duplicate_of": None, "township_code": None, "data_rows": 0},
        {"path": COPY, "status": "duplicate", "reason_kind": "duplicate", "duplicate_of": sha,
         "township_code": "350825101", "data_rows": 0},
        {"path": NAME, "status": "loaded", "reason_kind": None, "duplicate_of": None,
         "township_code": "350825101", "data_rows": 1},
    ]  # fmt: skip
    assert (summary.files_seen, summary.files_new) == (4, 1)
    assert (summary.files_duplicate, summary.files_skipped, summary.files_rejected) == (1, 2, 0)
    assert fetch_dicts(con, "select count(*) as n from raw.petition_rows") == [{"n": 1}]

    # The same inbox again, then without the original: nothing new either way.
    again = ingest_inbox(con, inbox, quarantine_dir=tmp_path / "quarantine", workers=1)
    assert (again.files_new, again.files_duplicate, again.files_skipped) == (0, 0, 0)
    original.unlink()
    gone = ingest_inbox(con, inbox, quarantine_dir=tmp_path / "quarantine", workers=1)
    assert (gone.files_new, gone.files_duplicate) == (0, 0)
    assert fetch_dicts(con, "select count(*) as n from raw.files") == [{"n": 4}]

    # A third name for the same bytes is one more duplicate.
    shutil.copy(inbox / COPY, inbox / "北团镇5月(2).xlsx")
    third = ingest_inbox(con, inbox, quarantine_dir=tmp_path / "quarantine", workers=1)
    assert third.duplicates == [("北团镇5月(2).xlsx", NAME)]
    con.close()
