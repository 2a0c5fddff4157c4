"""Issue 13 items 6-8 with real processes, real DuckDB files and real Dagster runs: one
writer (the flock held by another process), backups and restore (a corrupted warehouse
put back and run again), owner-only modes on files with personal data, and the refusal
of a real run without DISPUTES_PII_KEY."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.runner import run_nightly
from tests.handmade import PETITION_HEADER, Cell, id18, write_register

pytestmark = pytest.mark.integration
Holder = Callable[..., subprocess.Popen[str]]  # start(seconds=120): a process holding the lock

AS_OF = date(2025, 6, 30)
REGISTER = "北团镇2025年5月信访事项登记台账.xlsx"
BAD_FILE = "宣和镇2025年5月矛盾纠纷排查化解台账.xlsx"
DISPUTES = [str(Path(sys.executable).with_name("disputes"))]


def _inbox(root: Path) -> Path:
    """Two petitions of 北团镇 (the second with a wrong ID check digit: a finding, so a
    full feedback workbook is written) and one unreadable file (rejected, quarantined)."""
    inbox = root / "inbox"
    good = id18("35082519700303123")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows: list[list[Cell]] = [
        [1, "XF1", datetime(2025, 5, 6), "走访", "孙八", good, "13812341234", 1, "北团镇",
         "北团村", "宅基地", "本县", datetime(2025, 5, 6), None, "否", None, None],
        [2, "XF2", datetime(2025, 5, 8), "来信", "周九", bad, None, 1, "北团镇",
         "北团村", "劳动社保", "本县", datetime(2025, 5, 9), None, "否", None, None],
    ]  # fmt: skip
    write_register(
        inbox / REGISTER, title="北团镇2025年5月信访事项登记台账", header=PETITION_HEADER,
        rows=rows, arrived=datetime(2025, 6, 2, 8, 0),
    )  # fmt: skip
    (inbox / BAD_FILE).write_bytes(b"not a workbook")
    return inbox


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    env.update(extra)
    return env


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[Holder]:
    """Another process holding the writer lock of tmp_path/home through the real code
    path (hold_warehouse), as a run does; killed with SIGKILL at the end."""
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from pipelines.operations.lock import hold_warehouse\n"
        "with hold_warehouse(Path(sys.argv[1]), run_id='holder-run-0001'):\n"
        "    print('held', flush=True)\n"
        "    time.sleep(float(sys.argv[2]))\n"
    )
    home = tmp_path / "home"
    home.mkdir(parents=True, exist_ok=True)
    procs: list[subprocess.Popen[str]] = []

    def start(seconds: float = 120) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, "-c", code, str(home / "warehouse.lock"), str(seconds)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _marts(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every marts table's rows, ordered, read straight from the file."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts' "
                "order by table_name"
            ).fetchall()
        ]
        return {t: con.execute(f"select * from marts.{t} order by all").fetchall() for t in tables}
    finally:
        con.close()


def test_a_second_run_exits_3_and_never_touches_the_warehouse(
    tmp_path: Path, holder: Holder
) -> None:
    inbox = _inbox(tmp_path)
    home = tmp_path / "home"
    proc = holder()
    started = time.monotonic()
    second = subprocess.run(
        [*DISPUTES, "run", "--inbox", str(inbox), "--home", str(home), "--wait", "1"],
        capture_output=True, text=True, env=_env(), timeout=300,
    )  # fmt: skip
    assert second.returncode == 3, second.stderr
    assert f"another run (pid {proc.pid}, started " in second.stderr
    assert "run holder-r" in second.stderr and "waited 1 s" in second.stderr
    assert time.monotonic() - started >= 1
    assert not (home / "warehouse.duckdb").exists()
    assert sorted(p.name for p in home.iterdir()) == ["warehouse.lock"]

    # kill -9 leaves no stale lock: the next run gets the warehouse at once.
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    third = subprocess.run(
        [*DISPUTES, "run", "--inbox", str(inbox), "--home", str(home), "--as-of", "2025-06-30"],
        capture_output=True, text=True, env=_env(), timeout=300,
    )  # fmt: skip
    assert third.returncode == 0, third.stdout + third.stderr
    assert (home / "warehouse.duckdb").is_file()


def test_a_run_waits_for_the_holder_to_finish(tmp_path: Path, holder: Holder) -> None:
    inbox = _inbox(tmp_path)
    home = tmp_path / "home"
    holder(3)
    started = time.monotonic()
    outcome = run_nightly(home=home, inbox=inbox, as_of=AS_OF, wait=60)
    assert outcome.success, outcome.failure
    assert time.monotonic() - started >= 2


def test_dagster_launched_runs_respect_the_lock(tmp_path: Path, holder: Holder) -> None:
    """nightly_job executed the way the daemon does (no runner in front): the
    WarehouseResource set-up fails the run before any step starts."""
    from pipelines.definitions import defs

    inbox = _inbox(tmp_path)
    home = tmp_path / "home"
    holder()
    result = defs.resolve_job_def("nightly_job").execute_in_process(
        run_config={
            "resources": {
                "warehouse": {"config": {"home": str(home), "lock_wait": 0.5}},
                "run_settings": {"config": {"inbox": str(inbox), "as_of": "2025-06-30"}},
            }
        },
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert not result.success
    assert [e for e in result.all_events if e.is_step_success] == []
    assert "another run (pid" in str(result.all_events)
    assert not (home / "warehouse.duckdb").exists()


def test_restore_refuses_while_a_run_holds_the_lock(tmp_path: Path, holder: Holder) -> None:
    home = tmp_path / "home"
    backups = home / "backups"
    backups.mkdir(parents=True)
    con = duckdb.connect(str(backups / "warehouse-20250630T010000Z-aaaa.duckdb"))
    con.execute("create table t as select 1 as a")
    con.close()
    (home / "warehouse.duckdb").write_bytes(b"current")
    holder()
    result = subprocess.run(
        [*DISPUTES, "restore", "--latest", "--home", str(home)],
        capture_output=True, text=True, env=_env(), timeout=120,
    )  # fmt: skip
    assert result.returncode == 3, result.stderr
    assert "restore refused: another run" in result.stderr
    assert (home / "warehouse.duckdb").read_bytes() == b"current"


def test_corrupt_warehouse_restore_and_run_again(tmp_path: Path) -> None:
    """Run, note the marts; overwrite the warehouse with garbage; restore the latest
    backup with the CLI; run again on the same inbox: the marts equal the first run's.
    Also the modes after a real run, and retention."""
    inbox = _inbox(tmp_path)
    home = tmp_path / "home"
    first = run_nightly(home=home, inbox=inbox, as_of=AS_OF)
    assert first.success, first.failure
    db = home / "warehouse.duckdb"
    before = _marts(db)
    assert before["overdue_petitions"] or before["county_summary"]  # not an empty world
    backups = sorted((home / "backups").glob("warehouse-*.duckdb"))
    assert [b.name.endswith(f"-{first.run_id}.duckdb") for b in backups] == [True]

    # Modes: raw personal data owner-only, what others read world-readable.
    assert _mode(db) == 0o600
    assert _mode(home / "warehouse.lock") == 0o600
    assert _mode(home / "backups") == 0o700 and _mode(backups[0]) == 0o600
    assert _mode(home / "quarantine") == 0o700
    assert list((home / "quarantine").rglob(f"*_{BAD_FILE}"))  # the rejected file is in there
    full = list((home / "feedback").rglob("*_问题反馈.xlsx"))
    twins = list((home / "feedback").rglob("*_问题反馈_脱敏.xlsx"))
    assert len(full) == 1 and len(twins) == 1
    assert _mode(full[0]) == 0o600 and _mode(twins[0]) & 0o044 == 0o044
    # ... and others can reach the twin: every folder on its way may be entered.
    assert _mode(home / "feedback") & 0o055 == 0o055
    assert _mode(twins[0].parent) & 0o055 == 0o055
    assert _mode(home / "analytics.duckdb") & 0o044 == 0o044
    assert _mode(home / "reports") & 0o055 == 0o055

    listed = subprocess.run(
        [*DISPUTES, "backup", "list", "--home", str(home)],
        capture_output=True, text=True, env=_env(COLUMNS="250"), timeout=120,
    )  # fmt: skip
    assert listed.returncode == 0 and first.run_id in listed.stdout, listed.stdout

    with db.open("r+b") as f:  # corrupt: the header and first blocks overwritten
        f.write(b"\xde\xad\xbe\xef" * 65536)
    with pytest.raises(duckdb.Error):
        duckdb.connect(str(db), read_only=True)
    restored = subprocess.run(
        [*DISPUTES, "restore", "--latest", "--home", str(home)],
        capture_output=True, text=True, env=_env(COLUMNS="250"), timeout=120,
    )  # fmt: skip
    assert restored.returncode == 0, restored.stdout + restored.stderr
    replaced = list(home.glob("warehouse.duckdb.replaced-*"))
    assert len(replaced) == 1 and replaced[0].read_bytes()[:4] == b"\xde\xad\xbe\xef"
    assert _mode(db) == 0o600

    second = run_nightly(home=home, inbox=inbox, as_of=AS_OF)
    assert second.success, second.failure
    assert _marts(db) == before
    assert len(list((home / "backups").glob("warehouse-*.duckdb"))) == 2


def test_restore_of_a_broken_backup_changes_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "backups").mkdir(parents=True)
    (home / "backups" / "warehouse-20250630T010000Z-bbbb.duckdb").write_bytes(b"x" * 4096)
    (home / "warehouse.duckdb").write_bytes(b"current")
    result = subprocess.run(
        [*DISPUTES, "restore", "bbbb", "--home", str(home)],
        capture_output=True, text=True, env=_env(), timeout=120,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "does not open as a DuckDB database" in result.stderr
    assert (home / "warehouse.duckdb").read_bytes() == b"current"
    assert not list(home.glob("warehouse.duckdb.replaced-*"))


def test_retention_keeps_the_newest(tmp_path: Path) -> None:
    from pipelines.operations.backups import list_backups, take_backup

    db = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create table t as select 1 as a")
    con.close()
    for run in ("run1", "run2", "run3"):
        take_backup(db, tmp_path / "backups", run, keep=2)
    assert [b.run_id for b in list_backups(tmp_path / "backups")] == ["run2", "run3"]


def test_a_real_run_without_the_pii_key_exits_2(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    home = tmp_path / "home"
    env = _env()
    env.pop("DISPUTES_PII_KEY", None)
    result = subprocess.run(
        [*DISPUTES, "run", "--inbox", str(inbox), "--home", str(home)],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert result.returncode == 2, result.stdout + result.stderr
    assert "DISPUTES_PII_KEY is not set" in result.stderr
    assert not (home / "warehouse.duckdb").exists()


def test_dagster_launched_run_without_the_key_fails_and_demo_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipelines.definitions import defs

    inbox = _inbox(tmp_path)
    monkeypatch.delenv("DISPUTES_PII_KEY")
    refused = defs.resolve_job_def("nightly_job").execute_in_process(
        run_config={
            "resources": {
                "warehouse": {"config": {"home": str(tmp_path / "h1")}},
                "run_settings": {"config": {"inbox": str(inbox), "as_of": "2025-06-30"}},
            }
        },
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert not refused.success
    assert "DISPUTES_PII_KEY is not set" in str(refused.all_events)
    assert not (tmp_path / "h1" / "warehouse.duckdb").exists()
    demo = run_nightly(home=tmp_path / "h2", inbox=inbox, as_of=AS_OF, demo=True)
    assert demo.success, demo.failure
