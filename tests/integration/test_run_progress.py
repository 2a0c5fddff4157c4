"""Progress a person can watch (issue 14, goal 6), on real runs of a hand-made inbox.

`disputes run` under a real pseudo-terminal draws each step and its counts on stderr; the
same command piped prints the summary only; a Dagster run writes the counts as info lines
in its event log, a bounded number of them (every tenth, or every 5 s), never one per file.

The inbox: 5 townships x 4 months of dispute registers, 3 rows each: 20 files, 60 rows,
plus one lock file (~$...): 21 arrivals, 20 of them read.
"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import dagster as dg
import pytest

from pipelines.runner import run_nightly
from tests.handmade import DISPUTE_HEADER, id18, write_register

pytestmark = pytest.mark.integration

DISPUTES = str(Path(sys.executable).with_name("disputes"))
TOWNSHIPS = ["莲峰镇", "北团镇", "姑田镇", "朋口镇", "莒溪镇"]
MONTHS = [1, 2, 3, 4]
AS_OF = date(2025, 5, 20)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def _row(n: int, town: str, month: int) -> list:
    return [
        n,
        f"T{month}-{n:03d}",
        town,
        f"{town[:2]}村",
        "邻里纠纷",
        f"张{n}",
        id18(f"3508251980010{month:02d}{n:02d}"),
        f"1380000{month:02d}{n:02d}",
        2,
        date(2025, month, 3 + n),
        f"{town}司法所",
        "李明",
        "已化解",
        date(2025, month, 10 + n),
        "低",
    ]


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("progress") / "inbox"
    for town in TOWNSHIPS:
        for month in MONTHS:
            write_register(
                root / f"{town}2025年{month}月矛盾纠纷排查化解台账.xlsx",
                title=f"{town}2025年{month}月矛盾纠纷排查化解台账",
                header=DISPUTE_HEADER,
                rows=[_row(n, town, month) for n in (1, 2, 3)],
                arrived=datetime(2025, month + 1, 2, 9, 0),
            )
    (root / "~$莲峰镇2025年1月矛盾纠纷排查化解台账.xlsx").write_bytes(b"clerk")
    return root


def _run_in_pty(args: list[str], timeout: float = 600) -> tuple[int, str]:
    """Run ``args`` with stdin, stdout and stderr on a fresh pseudo-terminal; return its
    exit code and everything it drew, escape codes removed."""
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "120", "LINES": "40"}
    env.pop("DAGSTER_HOME", None)
    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1.0)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed its end of the terminal
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
    code = proc.wait(timeout=60)
    text = b"".join(chunks).decode("utf-8", errors="replace")
    return code, ANSI.sub("", text).replace("\r", "\n")


def _cli(inbox: Path, home: Path) -> list[str]:
    return [DISPUTES, "run", "--inbox", str(inbox), "--home", str(home), "--as-of", str(AS_OF)]


def test_a_terminal_shows_files_read_rows_staged_and_steps(inbox: Path, tmp_path: Path) -> None:
    code, screen = _run_in_pty(_cli(inbox, tmp_path / "home"))
    assert code == 0, screen
    assert "files checked 21/21 done" in screen  # every arrival, the lock file too
    assert "files read 20/20 done" in screen  # the 20 registers, not the lock file
    assert "rows staged 60/60 done" in screen  # 20 files x 3 rows
    assert "step raw/registers" in screen
    assert "step staging_registers" in screen
    assert "step publish/analytics_snapshot" in screen
    assert "run done" in screen
    assert "succeeded" in screen  # the summary follows the bars


def test_piped_output_is_the_summary_only(inbox: Path, tmp_path: Path) -> None:
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "200"}  # the summary unwrapped
    env.pop("DAGSTER_HOME", None)
    done = subprocess.run(
        _cli(inbox, tmp_path / "home"), capture_output=True, text=True, env=env, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    everything = done.stdout + done.stderr
    assert "succeeded" in done.stdout
    assert "files new 20" in done.stdout and "rows landed 60" in done.stdout
    for drawn in ("files read", "rows staged 60", "files checked", "step raw", "run done"):
        assert drawn not in everything
    assert "\x1b[?25l" not in everything  # rich hides the cursor while it draws a bar


def _info_lines(instance: dg.DagsterInstance, run_id: str, step_key: str) -> list[str]:
    return [
        entry.user_message
        for entry in instance.all_logs(run_id)
        if not entry.is_dagster_event and entry.step_key == step_key and entry.level == 20
    ]


def _elapsed(done_line: str) -> float:
    found = re.search(r"done in ([0-9.]+) s$", done_line)
    assert found, done_line
    return float(found.group(1))


def test_a_dagster_run_logs_bounded_counts(inbox: Path, tmp_path: Path) -> None:
    instance = dg.DagsterInstance.ephemeral()
    outcome = run_nightly(home=tmp_path / "home", inbox=inbox, as_of=AS_OF, instance=instance)
    assert outcome.success, outcome.failure

    raw = _info_lines(instance, outcome.run_id, "raw__registers")
    read = [line for line in raw if line.startswith("files read:")]
    assert read[0] == "files read: 0/20"
    assert read[-1].startswith("files read: 20/20 done in ")
    # Every tenth of 20 files is 2 files: lines at 2, 4, ... 18 (100% is the done line).
    tenths = [f"files read: {n}/20 ({n * 5}%)" for n in range(2, 20, 2)]
    assert [line for line in read if line in tenths] == tenths
    # Start, 9 tenths, done, plus at most one line per 5 s the step took: never per file
    # beyond that (on a quiet machine 20 files take well under 5 s: 11 lines).
    assert len(read) <= 11 + int(_elapsed(read[-1]) // 5)
    checked = [line for line in raw if line.startswith("files checked:")]
    assert checked[0] == "files checked: 0/21" and checked[-1].startswith(
        "files checked: 21/21 done in "
    )

    staging = _info_lines(instance, outcome.run_id, "staging_registers")
    staged = [line for line in staging if line.startswith("rows staged:")]
    assert staged[0] == "rows staged: 0/60"
    assert staged[-1].startswith("rows staged: 60/60 done in ")
    # Advanced per sheet of 3 rows: a tenth is 6 rows, so lines at 6, 12, ... 54 rows.
    tenths = [f"rows staged: {n}/60 ({n * 100 // 60}%)" for n in range(6, 60, 6)]
    assert [line for line in staged if line in tenths] == tenths
    assert len(staged) <= 11 + int(_elapsed(staged[-1]) // 5)
