"""No raw name, ID number or phone in what a run logs (DESIGN.md section 6, privacy).

The run's whole Dagster event log (messages, metadata, check results) and everything
printed to stdout/stderr are scanned for the raw values the pipeline holds in
warehouse.duckdb: every party's ID number, phone and name.
"""

from __future__ import annotations

import re
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.runner import run_nightly
from tests.support import World

pytestmark = pytest.mark.integration

# Standalone numbers only: run ids and sha256 digests are hex and contain digit runs,
# durations are floats with long fractions.
_ID = re.compile(
    r"(?<![0-9A-Za-z.])\d{17}[\dXx](?![0-9A-Za-z.])|(?<![0-9A-Za-z.])\d{15}(?![0-9A-Za-z.])"
)
_MOBILE = re.compile(r"(?<![0-9A-Za-z.])1[3-9]\d{9}(?![0-9A-Za-z.])")


def _raw_values(home: Path) -> tuple[set[str], set[str]]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute("select name, id_number, phone from staging.parties").fetchall()
    finally:
        con.close()
    names = {n for n, _, _ in rows if n and len(n) >= 3}
    numbers = {v for _, i, p in rows for v in (i, p) if v}
    return names, numbers


def test_run_logs_carry_no_pii(
    small_world: World, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    instance = dg.DagsterInstance.ephemeral()
    home = tmp_path / "home"
    outcome = run_nightly(
        home=home,
        inbox=small_world.inbox,
        as_of=small_world.as_of,
        instance=instance,
        log_level="DEBUG",
    )
    assert outcome.success, outcome.failure
    printed = capfd.readouterr()
    logged = "\n".join(repr(entry) for entry in instance.all_logs(outcome.run_id))
    assert len(logged) > 10_000  # the event log really was captured
    text = "\n".join((logged, printed.out, printed.err))
    names, numbers = _raw_values(home)
    assert names and numbers
    assert not _ID.findall(text)
    assert not _MOBILE.findall(text)
    leaked_numbers = [v for v in numbers if v in text]
    leaked_names = [n for n in names if n in text]
    assert not leaked_numbers, f"{len(leaked_numbers)} raw ID/phone values in logs"
    assert not leaked_names, f"{len(leaked_names)} raw names in logs"
