"""`disputes generate-samples` and `disputes run` as a person types them: exit codes and the
summary they print (the CLI only calls the Dagster job, so this is a real run)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines.cli import app

pytestmark = pytest.mark.integration

runner = CliRunner()


def test_generate_then_run_prints_a_summary_and_exits_0(tmp_path: Path) -> None:
    out = tmp_path / "world"
    generated = runner.invoke(
        app,
        ["generate-samples", "--out", str(out), "--months", "2", "--townships", "莲峰", "--clean"],
    )
    assert generated.exit_code == 0, generated.output
    as_of = json.loads((out / "truth" / "meta.json").read_text(encoding="utf-8"))["as_of"]
    home = tmp_path / "home"
    result = runner.invoke(
        app, ["run", "--inbox", str(out / "inbox"), "--home", str(home), "--as-of", as_of]
    )
    assert result.exit_code == 0, result.output
    assert "succeeded" in result.output
    assert "files new" in result.output and "rows quarantined" in result.output
    assert (home / "warehouse.duckdb").is_file() and (home / "analytics.duckdb").is_file()


def test_bad_sheets_from_one_township_do_not_fail_the_run(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "莲峰镇2025年3月矛盾纠纷排查化解台账.xlsx").write_bytes(b"not a workbook")
    result = runner.invoke(app, ["run", "--inbox", str(inbox), "--home", str(tmp_path / "h")])
    assert result.exit_code == 0, result.output
    assert "rejected" in result.output and "unknown_template" in result.output


def test_a_failed_run_exits_1_and_says_why(tmp_path: Path) -> None:
    """Every file of the batch unreadable, from two townships: the county-wide blocking
    check fails the run (a reader or template regression, not one coordinator's sheet)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for town in ("莲峰镇", "宣和镇"):
        (inbox / f"{town}2025年3月信访事项登记台账.xlsx").write_text(f"{town}: not a workbook")
    result = runner.invoke(app, ["run", "--inbox", str(inbox), "--home", str(tmp_path / "h")])
    assert result.exit_code == 1, result.output
    assert "FAILED" in result.output


def test_missing_inbox_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", "--inbox", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "Inbox folder not found" in result.output
