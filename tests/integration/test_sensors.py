"""inbox_sensor and data_team_failure_sensor through Dagster's sensor testing APIs, on a
real temporary inbox, a real ephemeral instance and a real HTTP receiver."""

from __future__ import annotations

import os
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.defs.resources import RunSettingsResource, WarehouseResource
from pipelines.defs.sensors import data_team_failure_sensor, inbox_sensor
from tests.conftest import HttpReceiver

pytestmark = pytest.mark.integration


def _drop(path: Path, text: str = "x", age_seconds: float = 600) -> None:
    """A file that finished arriving ``age_seconds`` ago."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    then = time.time() - age_seconds
    os.utime(path, (then, then))


def _tick(home: Path, cursor: str | None, instance: dg.DagsterInstance):
    # A context manager: WarehouseResource has a run set-up (the writer lock, a no-op here).
    with dg.build_sensor_context(
        instance=instance,
        cursor=cursor,
        resources={
            "warehouse": WarehouseResource(home=str(home)),
            "run_settings": RunSettingsResource(),
        },
    ) as context:
        result = inbox_sensor.evaluate_tick(context)
        return result, context.cursor


def test_new_file_one_request_then_skip(home: Path) -> None:
    instance = dg.DagsterInstance.ephemeral()
    inbox = home / "inbox"
    inbox.mkdir()
    result, cursor = _tick(home, None, instance)
    assert not result.run_requests and result.skip_message  # empty inbox: no run

    _drop(inbox / "2025-01" / "莲峰镇2025年1月信访事项登记台账.csv")
    result, cursor = _tick(home, cursor, instance)
    (request,) = result.run_requests
    assert request.run_key and request.run_key.startswith("inbox-")
    assert request.tags["disputes/trigger"] == "inbox_sensor"
    assert cursor and cursor in request.run_key

    again, same_cursor = _tick(home, cursor, instance)
    assert not again.run_requests and "unchanged" in again.skip_message
    assert same_cursor == cursor

    _drop(inbox / "2025-01" / "莲峰镇2025年1月信访事项登记台账.csv", "changed")
    changed, new_cursor = _tick(home, cursor, instance)
    (second,) = changed.run_requests
    assert second.run_key != request.run_key and new_cursor != cursor


def test_ignores_lock_files_and_waits_for_a_file_still_arriving(home: Path) -> None:
    instance = dg.DagsterInstance.ephemeral()
    inbox = home / "inbox"
    _drop(inbox / "a.xlsx")
    result, cursor = _tick(home, None, instance)
    assert len(result.run_requests) == 1

    _drop(inbox / "~$a.xlsx")  # Excel's lock file while the coordinator has it open
    result, _ = _tick(home, cursor, instance)
    assert not result.run_requests

    _drop(inbox / "b.xlsx", age_seconds=0)  # still being copied in
    result, still = _tick(home, cursor, instance)
    assert not result.run_requests and "arriving" in result.skip_message
    assert still == cursor  # picked up on a later tick


def test_run_failure_goes_to_the_data_team(
    home: Path, http_receiver: HttpReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    @dg.op
    def explode() -> None:
        raise RuntimeError("warehouse.duckdb is locked by pid 4242 (phone 13812345678)")

    @dg.job(name="nightly_job")
    def failing_job() -> None:
        explode()

    instance = dg.DagsterInstance.ephemeral()
    result = failing_job.execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    coordinators = home / "coord.yaml"
    coordinators.write_text(
        "delivery: {attempts: 2, backoff_seconds: 0.05}\n"
        "data_team: {name: 数据组, webhook_url_env: DISPUTES_WEBHOOK_URL_DATA_TEAM}\n"
        "townships: {}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("DISPUTES_COORDINATORS_FILE", str(coordinators))
    monkeypatch.setenv("DISPUTES_WEBHOOK_URL_DATA_TEAM", http_receiver.url("data-team"))
    before = len(http_receiver.posts)

    with dg.build_run_status_sensor_context(
        sensor_name="data_team_failure_sensor",
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        dagster_event=result.get_run_failure_event(),
        resources={"warehouse": WarehouseResource(home=str(home))},
    ) as status_context:
        data_team_failure_sensor(status_context.for_run_failure())

    (path, payload) = http_receiver.posts[before:][0]
    assert path == "/data-team"
    assert "运行失败" in payload["title"] and result.run_id[:8] in payload["title"]
    assert "explode" in payload["message"] and "13812345678" not in payload["message"]
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "select audience, status, attempts, run_id from alerts.sent_alerts"
        ).fetchall()
    finally:
        con.close()
    assert rows == [("data_team", "sent", 1, result.run_id)]
