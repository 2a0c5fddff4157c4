"""Readers of the snapshot are never blocked and never see a half-built file while full runs
republish it (DESIGN.md section 2: swapped in with os.replace)."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines.runner import run_nightly

pytestmark = pytest.mark.integration

# A reader process: queries the snapshot in a loop until STOP exists, then writes a JSON
# summary. "hold" keeps one connection open the whole time; "reopen" connects afresh each
# iteration. Each iteration checks the snapshot is complete: every table listed in
# quality.snapshot_tables has exactly its recorded rows, and all carry one publish_id.
READER = r"""
import json, sys, time, traceback
from pathlib import Path
import duckdb

path, mode, stop, out = sys.argv[1], sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
summary = {"iterations": 0, "errors": [], "publish_ids": []}

def check(con):
    ids = {r[0] for r in con.execute("select publish_id from quality.snapshot_tables").fetchall()}
    snap = con.execute("select publish_id from quality.snapshot").fetchall()
    assert len(snap) == 1 and ids == {snap[0][0]}, (ids, snap)
    for table, rows in con.execute(
        "select table_name, row_count from quality.snapshot_tables"
    ).fetchall():
        got = con.execute(f"select count(*) from {table}").fetchall()[0][0]
        assert got == rows, (table, got, rows)
    con.execute("select sum(new_cases), max(month) from marts.township_monthly").fetchall()
    return snap[0][0]

con = duckdb.connect(path, read_only=True) if mode == "hold" else None
while not stop.exists():
    try:
        if mode == "reopen":
            con = duckdb.connect(path, read_only=True)
        publish_id = check(con)
        if publish_id not in summary["publish_ids"]:
            summary["publish_ids"].append(publish_id)
            Path(str(out) + ".seen").write_text("\n".join(summary["publish_ids"]))
        if mode == "reopen":
            con.close()
        summary["iterations"] += 1
    except Exception:
        summary["errors"].append(traceback.format_exc(limit=3))
        if len(summary["errors"]) > 20:
            break
    time.sleep(0.005)
out.write_text(json.dumps(summary))
"""


def _start(snapshot: Path, mode: str, stop: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", READER, str(snapshot), mode, str(stop), str(out)],
        stderr=subprocess.PIPE,
        text=True,
    )


def _seen(out: Path) -> list[str]:
    seen = Path(str(out) + ".seen")
    return seen.read_text().split("\n") if seen.exists() else []


def _wait_until(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_readers_see_whole_snapshots_while_full_runs_republish(small_world, home) -> None:
    snapshot = home / "analytics.duckdb"
    first = run_nightly(home=home, inbox=small_world.inbox, as_of=small_world.as_of)
    assert first.success, first.failure
    stop = home.parent / "stop"
    readers = {
        mode: (
            _start(snapshot, mode, stop, home.parent / f"{mode}.json"),
            home.parent / f"{mode}.json",
        )
        for mode in ("hold", "reopen")
    }
    try:
        for _, out in readers.values():
            assert _wait_until(lambda out=out: len(_seen(out)) >= 1), "reader never started"
        for shift in (1, 2):  # two more full runs, each republishing (as_of moves on a day)
            as_of = small_world.as_of.fromordinal(small_world.as_of.toordinal() + shift)
            outcome = run_nightly(home=home, inbox=small_world.inbox, as_of=as_of)
            assert outcome.success, outcome.failure
        last_id = outcome.metadata["publish/analytics_snapshot"]["publish_id"]
        reopen_out = readers["reopen"][1]
        assert _wait_until(lambda: last_id in _seen(reopen_out)), "reader never saw the new file"
    finally:
        stop.touch()
        for proc, _ in readers.values():
            proc.wait(timeout=60)
    results = {mode: json.loads(out.read_text()) for mode, (_, out) in readers.items()}
    for mode, result in results.items():
        assert result["errors"] == [], f"{mode} reader: {result['errors'][0]}"
        assert result["iterations"] > 10, mode
    # The held connection kept reading the file it opened; fresh ones moved to each new one.
    assert len(results["hold"]["publish_ids"]) == 1
    assert results["reopen"]["publish_ids"][-1] == last_id
    assert len(results["reopen"]["publish_ids"]) >= 2
    leftovers = [p.name for p in home.iterdir() if ".tmp" in p.name]
    assert leftovers == []
