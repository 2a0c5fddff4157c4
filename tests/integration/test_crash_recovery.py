"""Crash safety (issue 13, item 5): `kill -9` of a real `disputes run` at a known step,
then a new run, gives exactly the tables of an uninterrupted run, and the analyst snapshot
is the old one or the new one at every moment, never absent or half-built.

Every case starts from the same home: a complete run on the first months of a sample world
(so an old snapshot exists), saved once and copied back to the same path before each case,
so the paths the warehouse records (quarantine copies, feedback workbooks) are the same in
every case. Then the full inbox is run in a child process (its own process group, so a
reader pool dies with it) whose Dagster DEBUG log is read line by line; when the step of
the case starts, the test waits a moment and sends SIGKILL to the group. A second run on
the full inbox must then end where the reference ended (the same two runs, uninterrupted):
every table of warehouse.duckdb (warehouse/compare.py: timestamps and rules_version left
out, home paths normalised) and the snapshot's marts and quality tables.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.conftest import make_world
from tests.support import TEST_PII_KEY, World
from warehouse.compare import compare_databases

pytestmark = pytest.mark.integration

DISPUTES = str(Path(sys.executable).with_name("disputes"))
# The old snapshot's run covers these months; the killed run adds the rest.
FIRST_MONTHS = ("2024-01", "2024-02", "2024-03", "2024-04")
SNAPSHOT_SCHEMAS = ("marts", "quality")
SNAPSHOT_RUN_COLUMNS = ("publish_id", "run_id")  # differ between any two publishes


@dataclass(frozen=True)
class Homes:
    world: World
    full: Path  # the whole inbox
    first: Path  # the first months only, same relative paths
    reference: Path  # the uninterrupted home, moved here after its runs
    saved: Path  # the home after the run on the first months, kept to copy back
    work: Path  # where every case (and the reference) ran: the path the tables record
    old_publish_id: str


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["DISPUTES_PII_KEY"] = TEST_PII_KEY
    env.pop("DAGSTER_HOME", None)
    return env


def _args(inbox: Path, home: Path, as_of: str) -> list[str]:
    return [DISPUTES, "run", "--inbox", str(inbox), "--home", str(home), "--as-of", as_of]


def _run(inbox: Path, home: Path, as_of: str) -> None:
    done = subprocess.run(
        _args(inbox, home, as_of), env=_env(), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def _publish_id(home: Path) -> str:
    with duckdb.connect(str(home / "analytics.duckdb"), read_only=True) as con:
        row = con.execute("select publish_id from quality.snapshot").fetchone()
    assert row is not None
    return str(row[0])


@pytest.fixture(scope="module")
def homes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Homes]:
    root = tmp_path_factory.mktemp("crash")
    world = make_world(
        root / "world", seed=11, months=7, start="2024-01", townships=["莲峰镇", "宣和镇"]
    )
    as_of = world.as_of.isoformat()
    first = root / "inbox_first"
    for month in FIRST_MONTHS:
        shutil.copytree(world.inbox / month, first / month)  # copy2: mtimes kept
    work = root / "home"
    _run(first, work, as_of)
    saved = root / "saved"
    shutil.copytree(work, saved)
    _run(world.inbox, work, as_of)
    reference = root / "reference"
    work.rename(reference)
    yield Homes(world, world.inbox, first, reference, saved, work, _publish_id(saved))


def _kill_at(homes: Homes, step: str, delay: float) -> str:
    """Start the full-inbox run, SIGKILL its process group ``delay`` s after ``step``
    starts; the log lines up to then."""
    proc = subprocess.Popen(
        [*_args(homes.full, homes.work, homes.world.as_of.isoformat()), "--log-level", "DEBUG"],
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert proc.stdout is not None
    seen: list[str] = []
    try:
        for line in proc.stdout:
            seen.append(line)
            if f'Started execution of step "{step}"' in line:
                time.sleep(delay)
                os.killpg(proc.pid, signal.SIGKILL)
                break
        else:
            pytest.fail(f"the run ended before step {step} started:\n{''.join(seen[-40:])}")
    finally:
        proc.wait(timeout=60)
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL, "".join(seen[-40:])
    return "".join(seen)


def _differences(a: Path, b: Path, homes: Homes, **kwargs: object) -> list[str]:
    results = compare_databases(a, b, homes=(homes.work, homes.work), **kwargs)  # type: ignore[arg-type]
    return [f"{r.table}: {r.difference} ({r.rows_a} vs {r.rows_b})" for r in results if not r.equal]


# (step whose start triggers the kill, seconds to wait after it started): the reading of
# files, the staging of sheets, one SQL model, the feedback workbooks, the publish.
CASES = [
    ("raw__registers", 0.0),
    ("raw__registers", 0.4),
    ("staging_registers", 0.3),
    ("quality__feedback_workbooks", 1.0),
    ("marts__township_monthly", 0.05),
    ("publish__analytics_snapshot", 0.3),
]


@pytest.mark.parametrize(("step", "delay"), CASES)
def test_a_run_killed_at_a_step_converges_on_the_next_run(
    homes: Homes, step: str, delay: float
) -> None:
    shutil.rmtree(homes.work, ignore_errors=True)
    shutil.copytree(homes.saved, homes.work)
    _kill_at(homes, step, delay)

    snapshot = homes.work / "analytics.duckdb"
    assert snapshot.is_file(), "the analyst snapshot vanished"
    killed_id = _publish_id(homes.work)  # opens read-only: a whole DuckDB file
    if killed_id != homes.old_publish_id:
        # Only the publish may have swapped in the new snapshot, and then a whole one.
        assert step == "publish__analytics_snapshot"
        assert not _differences(
            homes.reference / "analytics.duckdb",
            snapshot,
            homes,
            schemas=SNAPSHOT_SCHEMAS,
            ignore=SNAPSHOT_RUN_COLUMNS,
        )

    _run(homes.full, homes.work, homes.world.as_of.isoformat())

    assert _publish_id(homes.work) not in (homes.old_publish_id, killed_id)
    assert not _differences(
        homes.reference / "warehouse.duckdb", homes.work / "warehouse.duckdb", homes
    )
    assert not _differences(
        homes.reference / "analytics.duckdb",
        snapshot,
        homes,
        schemas=SNAPSHOT_SCHEMAS,
        ignore=SNAPSHOT_RUN_COLUMNS,
    )
    strays = sorted(p.name for p in homes.work.glob(".analytics.*"))
    assert strays == [], f"temporary snapshot files left behind: {strays}"
    feedback = sorted(str(p.relative_to(homes.work)) for p in (homes.work / "feedback").rglob("*"))
    expected = sorted(
        str(p.relative_to(homes.reference)) for p in (homes.reference / "feedback").rglob("*")
    )
    assert feedback == expected
