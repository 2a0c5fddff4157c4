"""nightly_schedule through Dagster's schedule testing API: cron, timezone, as_of."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest

from pipelines.definitions import defs
from pipelines.defs.schedules import NIGHTLY_CRON, nightly_schedule


def _run_request(tick: datetime) -> dg.RunRequest:
    context = dg.build_schedule_context(scheduled_execution_time=tick)
    request = nightly_schedule.evaluate_tick(context).run_requests
    assert request is not None and len(request) == 1
    return request[0]


def test_nightly_at_two_in_shanghai() -> None:
    assert nightly_schedule.cron_schedule == NIGHTLY_CRON == "0 2 * * *"
    assert nightly_schedule.execution_timezone == "Asia/Shanghai"
    assert nightly_schedule.job_name == "nightly_job"
    assert defs.resolve_schedule_def("nightly_schedule").job_name == "nightly_job"


def test_as_of_is_the_tick_date_in_shanghai_not_utc() -> None:
    # 02:00 on 10 March in Shanghai is still 9 March in UTC
    request = _run_request(datetime(2025, 3, 9, 18, 0, tzinfo=UTC))
    as_of = request.run_config["resources"]["run_settings"]["config"]["as_of"]
    assert as_of == "2025-03-10"
    assert request.tags["disputes/as_of"] == "2025-03-10"
    assert request.tags["disputes/trigger"] == "schedule"


def test_run_config_is_valid_for_the_job() -> None:
    request = _run_request(datetime(2025, 3, 9, 18, 0, tzinfo=UTC))
    job = defs.resolve_job_def("nightly_job")
    assert job.run_config_schema.config_type is not None
    assert dg.validate_run_config(job, request.run_config)


def test_job_runs_one_step_at_a_time_and_is_tagged_as_writer() -> None:
    job = defs.resolve_job_def("nightly_job")
    assert job.executor_def.name == dg.in_process_executor.name
    assert job.run_tags.get("disputes/warehouse") == "writer"


def test_instance_config_queues_warehouse_writers_one_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipelines.defs.ops_instance import write_instance_config

    write_instance_config(tmp_path / "dagster")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    with dg.DagsterInstance.get() as instance:
        config = instance.get_concurrency_config()
    assert config.run_queue_config is not None
    assert config.run_queue_config.tag_concurrency_limits == [
        {"key": "disputes/warehouse", "value": "writer", "limit": 1}
    ]
    assert config.pool_config.default_pool_limit == 1
