"""Per-file isolation (issue 13, item 1): one file's exception - of our reader, of a pool
worker that dies under it - rejects that file (``internal_error``, traceback for the data
team) and every other file lands. Real inputs, real processes: a pool worker killed with
SIGKILL by this test while it reads a large register (once: the file is read again; twice:
it is rejected). A workbook whose workbook.xml is GB2312 was the first real input found to
make our reader raise (UnicodeDecodeError in the hidden-sheet scan); the reader now decodes
it as declared, and it loads."""

from __future__ import annotations

import csv
import shutil
import signal
import threading
from pathlib import Path

import psutil
import pytest

from pipelines.ingest.land import ingest_inbox
from tests.handmade import PETITION_HEADER, id18
from tests.hostile import gb2312_workbook, petition_register
from warehouse.db import connect, fetch_dicts

pytestmark = pytest.mark.integration

GOOD = "北团镇2025年5月信访事项登记台账.xlsx"  # 2 rows
GB2312 = "姑田镇2025年5月信访事项登记台账.xlsx"
BIG = "朋口镇2025年5月信访事项登记台账.csv"
BIG_ROWS = 200_000  # ~21 MB: a few seconds of one worker's time, and over POOL_MIN_BYTES


def test_a_gb2312_workbook_loads_with_its_hidden_sheet_skipped(tmp_path: Path) -> None:
    """The reader bug per-file isolation exposed: it is rejected no more, it loads."""
    inbox = tmp_path / "inbox"
    petition_register(inbox / GOOD, "北团镇", 5, 2)
    gb2312_workbook(inbox / GB2312)  # 3 rows, and a hidden sheet named 说明 in GBK
    con = connect(tmp_path / "warehouse.duckdb")
    summary = ingest_inbox(con, inbox, quarantine_dir=tmp_path / "quarantine", workers=1)
    files = fetch_dicts(
        con, "select path, status, reason_kind, township_code, data_rows from raw.files order by 1"
    )
    assert files == [  # by code point: 北 U+5317, 姑 U+59D1
        {"path": GOOD, "status": "loaded", "reason_kind": None,
         "township_code": "350825101", "data_rows": 2},
        {"path": GB2312, "status": "loaded", "reason_kind": None,
         "township_code": "350825102", "data_rows": 3},
    ]  # fmt: skip
    sheets = fetch_dicts(
        con,
        "select s.sheet_name, s.status from raw.sheets s join raw.files f using (file_id)"
        f" where f.path = '{GB2312}' order by 1",
    )
    assert [(r["sheet_name"], r["status"]) for r in sheets] == [
        ("Sheet1", "loaded"),
        ("说明", "skipped"),
    ]
    assert (summary.rows_landed, summary.incidents, summary.rejected) == (5, [], [])
    con.close()


@pytest.fixture(scope="module")
def big_register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One 朋口镇 register of BIG_ROWS valid petitions, as CSV (written fast)."""
    path = tmp_path_factory.mktemp("big") / BIG
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["朋口镇2025年5月信访事项登记台账"])
        out.writerow(PETITION_HEADER)
        person = id18("35082519700303123")
        for i in range(BIG_ROWS):
            out.writerow([i + 1, f"XF{i:06d}", "2025-05-06", "走访", "孙八", person, "", 1,
                          "朋口镇", "朋口村", "宅基地", "本县", "", "", "否", "", ""])  # fmt: skip
    return path


def _inbox_with_big(tmp_path: Path, big: Path) -> Path:
    """The big register beside three small ones: 2 + 3 + 4 rows."""
    inbox = tmp_path / "inbox"
    petition_register(inbox / GOOD, "北团镇", 5, 2)
    petition_register(inbox / "姑田镇2025年5月信访事项登记台账.xlsx", "姑田镇", 5, 3)
    petition_register(inbox / "莲峰镇2025年5月信访事项登记台账.xlsx", "莲峰镇", 5, 4)
    shutil.copy(big, inbox / BIG)
    return inbox


class WorkerKiller:
    """Kills (SIGKILL) a pool worker of this test process once it has used ``cpu_s`` of
    CPU - past its imports (~0.7 s), so it is reading a file - up to ``times`` times."""

    def __init__(self, times: int, cpu_s: float = 1.5) -> None:
        self.times, self.cpu_s = times, cpu_s
        self.killed: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set() and len(self.killed) < self.times:
            for child in me.children(recursive=True):
                try:
                    if child.pid in self.killed or "spawn_main" not in " ".join(child.cmdline()):
                        continue
                    used = child.cpu_times()
                    if used.user + used.system >= self.cpu_s:
                        child.send_signal(signal.SIGKILL)
                        self.killed.append(child.pid)
                except psutil.NoSuchProcess:
                    continue
            self._stop.wait(0.02)

    def __enter__(self) -> WorkerKiller:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def test_a_pool_worker_killed_mid_read_loses_nothing(tmp_path: Path, big_register: Path) -> None:
    inbox = _inbox_with_big(tmp_path, big_register)
    con = connect(tmp_path / "warehouse.duckdb")
    with WorkerKiller(times=1) as killer:
        summary = ingest_inbox(con, inbox, quarantine_dir=tmp_path / "quarantine", workers=2)
    assert len(killer.killed) == 1
    # The files in flight were read again, each alone: all four land.
    assert fetch_dicts(
        con, "select township_code, status, data_rows from raw.files order by 1"
    ) == [
        {"township_code": "350825100", "status": "loaded", "data_rows": 4},
        {"township_code": "350825101", "status": "loaded", "data_rows": 2},
        {"township_code": "350825102", "status": "loaded", "data_rows": 3},
        {"township_code": "350825103", "status": "loaded", "data_rows": BIG_ROWS},
    ]
    assert summary.rows_landed == BIG_ROWS + 9
    assert any(f"{BIG}: a reader process died" in i for i in summary.incidents)
    con.close()


def test_a_file_whose_reader_dies_twice_is_rejected_and_the_rest_land(
    tmp_path: Path, big_register: Path
) -> None:
    inbox = _inbox_with_big(tmp_path, big_register)
    con = connect(tmp_path / "warehouse.duckdb")
    with WorkerKiller(times=2) as killer:
        summary = ingest_inbox(con, inbox, quarantine_dir=tmp_path / "quarantine", workers=2)
    assert len(killer.killed) == 2
    assert fetch_dicts(
        con, "select township_code, status, reason_kind, data_rows from raw.files order by 1"
    ) == [
        {"township_code": "350825100", "status": "loaded", "reason_kind": None, "data_rows": 4},
        {"township_code": "350825101", "status": "loaded", "reason_kind": None, "data_rows": 2},
        {"township_code": "350825102", "status": "loaded", "reason_kind": None, "data_rows": 3},
        {"township_code": "350825103", "status": "rejected", "reason_kind": "internal_error",
         "data_rows": 0},
    ]  # fmt: skip
    assert fetch_dicts(con, "select count(*) as n from raw.petition_rows") == [{"n": 9}]
    assert summary.rejected[0][0] == BIG and "died twice" in summary.rejected[0][2]
    con.close()


def test_a_rejected_file_with_a_name_of_255_bytes_is_still_quarantined(tmp_path: Path) -> None:
    """The quarantine copy is "<12 hex>_<name>": for a name near the 255-byte limit the copy
    itself failed (File name too long) while the file landed. The name is cut instead."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    # 3 + 12 * 6 + 6 = 81 characters of 3 bytes, + ".xlsx": 248 bytes (the limit is 255)
    long_name = "北团镇" + "关于矛盾纠纷排查化解工作" * 6 + "月报台账表格.xlsx"
    assert len(long_name.encode("utf-8")) == 248
    (inbox / long_name).write_bytes(b"not a workbook")
    petition_register(inbox / GOOD, "北团镇", 5, 2)
    con = connect(tmp_path / "warehouse.duckdb")
    summary = ingest_inbox(con, inbox, quarantine_dir=tmp_path / "quarantine", workers=1)
    row = fetch_dicts(
        con, "select status, reason_kind, quarantine_path from raw.files where status <> 'loaded'"
    )[0]
    assert (row["status"], row["reason_kind"]) == ("rejected", "unknown_template")
    copy = Path(row["quarantine_path"])
    assert copy.read_bytes() == b"not a workbook"
    # 13 bytes of prefix + 237 bytes of stem (79 whole characters) + ".xlsx" = 255 bytes:
    # the last two characters (表格) are cut.
    assert len(copy.name.encode("utf-8")) == 13 + 237 + 5
    assert copy.name.endswith("月报台账.xlsx") and copy.name[13:16] == "北团镇"
    assert (summary.rows_landed, summary.incidents) == (2, [])
    con.close()
