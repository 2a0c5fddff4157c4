"""The inbox is a boundary (issue 13, item 2): what is not a plain file inside it is
recorded and never followed, opened or copied; a GBK-named register loads under its
readable name. Every hostile entry is made for real (symlinks, os.mkfifo, a bound unix
socket, a GBK file name) beside good registers whose row counts are counted by hand."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.defs.sensors import inbox_state
from pipelines.ingest.extract import ExtractJob, extract_job
from pipelines.ingest.land import ingest_inbox
from pipelines.ingest.walk import readable_name
from tests.handmade import id18
from tests.hostile import gb2312_workbook, gbk_named, petition_register, unix_socket
from warehouse.db import connect, fetch_dicts

pytestmark = pytest.mark.integration

GOOD = "北团镇2025年5月信访事项登记台账.xlsx"  # 2 rows
IN_FOLDER = "台账.xlsx/北团镇2025年6月信访事项登记台账.xlsx"  # 3 rows, in a folder named .xlsx
OUTSIDE = "莲峰镇2025年5月信访事项登记台账.xlsx"  # 4 rows, outside the inbox
GBK_NAME = "莲峰镇2025年7月信访事项登记台账.xlsx"  # 5 rows, name in GBK bytes


def _hostile_inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    outside = tmp_path / "elsewhere"
    petition_register(inbox / GOOD, "北团镇", 5, 2)
    petition_register(inbox / IN_FOLDER, "北团镇", 6, 3)
    petition_register(outside / OUTSIDE, "莲峰镇", 5, 4)
    (inbox / "莲峰镇5月链接.xlsx").symlink_to(outside / OUTSIDE)
    (inbox / "外部文件夹").symlink_to(outside, target_is_directory=True)
    (inbox / "断开的链接.xlsx").symlink_to(tmp_path / "nothing-here.xlsx")
    os.mkfifo(inbox / "管道.xlsx")
    unix_socket(inbox / "s.sock")
    return inbox


def test_symlinks_fifos_sockets_and_folders_are_recorded_never_followed(tmp_path: Path) -> None:
    inbox = _hostile_inbox(tmp_path)
    con = connect(tmp_path / "warehouse.duckdb")
    summary = ingest_inbox(con, inbox, quarantine_dir=tmp_path / "quarantine", workers=1)
    files = fetch_dicts(
        con,
        "select path, status, reason_kind, township_code, data_rows, quarantine_path"
        " from raw.files order by path",
    )
    assert files == [
        {"path": "s.sock", "status": "skipped", "reason_kind": "special_file",
         "township_code": None, "data_rows": 0, "quarantine_path": None},
        {"path": "北团镇2025年5月信访事项登记台账.xlsx", "status": "loaded", "reason_kind": None,
         "township_code": "350825101", "data_rows": 2, "quarantine_path": None},
        {"path": "台账.xlsx", "status": "skipped", "reason_kind": "folder_named_like_file",
         "township_code": None, "data_rows": 0, "quarantine_path": None},
        {"path": IN_FOLDER, "status": "loaded", "reason_kind": None,
         "township_code": "350825101", "data_rows": 3, "quarantine_path": None},
        {"path": "外部文件夹", "status": "rejected", "reason_kind": "not_regular_file",
         "township_code": None, "data_rows": 0, "quarantine_path": None},
        {"path": "断开的链接.xlsx", "status": "rejected", "reason_kind": "not_regular_file",
         "township_code": None, "data_rows": 0, "quarantine_path": None},
        {"path": "管道.xlsx", "status": "skipped", "reason_kind": "special_file",
         "township_code": None, "data_rows": 0, "quarantine_path": None},
        {"path": "莲峰镇5月链接.xlsx", "status": "rejected", "reason_kind": "not_regular_file",
         "township_code": "350825100", "data_rows": 0, "quarantine_path": None},
    ]  # fmt: skip
    # Nothing of the file outside the inbox was read: only 2 + 3 rows, all 北团镇.
    assert fetch_dicts(con, "select count(*) as n from raw.petition_rows") == [{"n": 5}]
    reasons = fetch_dicts(
        con, "select reason_zh from raw.files where reason_kind = 'not_regular_file' limit 1"
    )
    assert "快捷方式/链接，不是文件本身" in reasons[0]["reason_zh"]
    assert not (tmp_path / "quarantine").exists()  # a link is never copied
    assert (summary.files_seen, summary.files_new, summary.files_rejected) == (8, 2, 3)
    assert summary.files_skipped == 3

    # The same inbox seen again adds nothing.
    again = ingest_inbox(con, inbox, quarantine_dir=tmp_path / "quarantine", workers=1)
    assert (again.files_new, again.files_rejected, again.files_skipped) == (0, 0, 0)
    assert fetch_dicts(con, "select count(*) as n from raw.files") == [{"n": 8}]
    con.close()


def test_a_gbk_named_register_loads_under_its_readable_name(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    petition_register(inbox / GOOD, "北团镇", 5, 2)
    # The register's title names no township: only its (GBK) file name does.
    built = petition_register(tmp_path / "built.xlsx", "莲峰镇", 7, 5)
    on_disk = gbk_named(inbox, GBK_NAME, built.read_bytes())
    assert on_disk.name != GBK_NAME  # surrogate escapes: what Python sees
    assert readable_name(on_disk.name) == GBK_NAME
    con = connect(tmp_path / "warehouse.duckdb")
    ingest_inbox(con, inbox, quarantine_dir=tmp_path / "quarantine", workers=1)
    assert fetch_dicts(
        con,
        "select path, file_name, status, township_code, period, data_rows from raw.files"
        " where file_name like '莲峰镇%'",
    ) == [
        {"path": GBK_NAME, "file_name": GBK_NAME, "status": "loaded",
         "township_code": "350825100", "period": __import__("datetime").date(2025, 7, 1),
         "data_rows": 5},
    ]  # fmt: skip
    con.close()


def test_undecodable_names_are_shown_with_escapes() -> None:
    assert readable_name(os.fsdecode("台账.xlsx".encode())) == "台账.xlsx"
    assert readable_name(os.fsdecode("台账.xlsx".encode("gbk"))) == "台账.xlsx"
    # Not UTF-8 and not GB18030 (0xff never starts a GB18030 character).
    assert readable_name(os.fsdecode(b"\xff\xfe.xlsx")) == "\\xff\\xfe.xlsx"


def test_a_file_swapped_for_a_symlink_after_the_walk_is_not_followed(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    secret = petition_register(tmp_path / "elsewhere" / OUTSIDE, "莲峰镇", 5, 4)
    inbox.mkdir()
    (inbox / GOOD).symlink_to(secret)  # was a plain file when the walk saw it
    ef = extract_job(ExtractJob(inbox / GOOD, GOOD, inbox, (GOOD,), "sha-from-walk"))
    assert ef.error is not None and ef.error.kind == "not_regular_file"
    assert (ef.sha256, ef.size, ef.sheets) == ("sha-from-walk", 0, [])
    # A folder on the way swapped for a link to a folder outside: not followed either.
    (inbox / "sub").symlink_to(secret.parent, target_is_directory=True)
    ef = extract_job(ExtractJob(inbox / "sub" / OUTSIDE, OUTSIDE, inbox, ("sub", OUTSIDE)))
    assert ef.error is not None and ef.error.kind == "not_regular_file"


def test_disputes_run_exits_0_with_links_pipes_and_gbk_names(tmp_path: Path) -> None:
    """The observed bug: a symlink to a file outside the inbox made raw/registers raise
    ("... is not in the subpath of ...") and the run fail with nothing loaded."""
    inbox = _hostile_inbox(tmp_path)
    gbk_named(inbox, GBK_NAME, petition_register(tmp_path / "b.xlsx", "莲峰镇", 7, 5).read_bytes())
    gb2312_workbook(inbox / "姑田镇2025年5月信访事项登记台账.xlsx")  # GB2312 workbook.xml: loads
    home = tmp_path / "home"
    result = CliRunner().invoke(
        app, ["run", "--inbox", str(inbox), "--home", str(home), "--as-of", "2025-08-31"]
    )
    assert result.exit_code == 0, result.output
    con = connect(home / "warehouse.duckdb")
    assert fetch_dicts(
        con, "select township_code, count(*) as n from staging.petitions group by 1 order by 1"
    ) == [
        {"township_code": "350825100", "n": 5},
        {"township_code": "350825101", "n": 5},
        {"township_code": "350825102", "n": 3},
    ]
    con.close()
    assert id18("35082519700303123") not in result.output


def test_the_sensor_lists_links_and_gbk_names_without_following(tmp_path: Path) -> None:
    """The inbox sensor walks like the ingest: a GBK name (it could not be hashed as UTF-8)
    and a link are listed; the link's target changing outside is no change of the inbox."""
    inbox = tmp_path / "inbox"
    petition_register(inbox / GOOD, "北团镇", 5, 2)
    gbk_named(inbox, GBK_NAME, b"x")
    target = petition_register(tmp_path / "elsewhere" / OUTSIDE, "莲峰镇", 5, 4)
    (inbox / "链接.xlsx").symlink_to(target)
    before = inbox_state(inbox)
    assert before.files == 3
    target.write_bytes(b"changed outside")
    assert inbox_state(inbox).digest == before.digest


@pytest.fixture
def shm_inbox() -> Iterator[Path]:
    """An inbox on tmpfs, which keeps any 64-bit mtime (ext4 clamps to the year 2446)."""
    if not Path("/dev/shm").is_dir():
        pytest.skip("no /dev/shm tmpfs here")
    folder = Path(tempfile.mkdtemp(dir="/dev/shm", prefix="inbox-"))
    yield folder
    shutil.rmtree(folder)


def test_a_file_stamped_beyond_year_9999_is_walked_and_loaded(
    tmp_path: Path, shm_inbox: Path
) -> None:
    """lstat gives any 64-bit time; datetime ends at 9999 (it raised, for the whole walk)."""
    path = petition_register(shm_inbox / GOOD, "北团镇", 5, 2)
    os.utime(path, (2**40, 2**40))  # about the year 36812
    assert path.stat().st_mtime == 2**40
    con = connect(tmp_path / "warehouse.duckdb")
    summary = ingest_inbox(con, shm_inbox, quarantine_dir=tmp_path / "quarantine", workers=1)
    assert summary.rows_landed == 2
    assert fetch_dicts(con, "select status, year(file_mtime) as y from raw.files") == [
        {"status": "loaded", "y": 9999}
    ]
    con.close()
