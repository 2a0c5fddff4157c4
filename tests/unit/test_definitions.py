"""The code location as Dagster loads it: assets, checks, jobs, schedules, sensors, groups.

What the location defines is a snapshot (definitions.snapshot, one ``kind name`` per line):
renaming an asset breaks analysts' lineage and the UI's history, and losing a check, the
job, the schedule or a sensor silently drops a guard or a trigger (the defs folder is
loaded by discovery, so deleting a module raises no error). Any change must be a deliberate
change to the snapshot file (run with UPDATE_SNAPSHOT=1 to rewrite it, then review the diff).
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

from pipelines.definitions import defs

SNAPSHOT = Path(__file__).with_name("definitions.snapshot")
ROOT = Path(__file__).parents[2]
LAYER_GROUPS = {
    "raw",
    "staging",
    "intermediate",
    "marts",
    "publish",
    "reference",
    "quality",
    "alerts",
    "operations",
}


def _definitions() -> list[str]:
    """Every asset, asset check, job, schedule, sensor and resource of the location."""
    graph = defs.resolve_asset_graph()
    repo = defs.get_repository_def()
    lines = [f"asset {key.to_user_string()}" for key in graph.get_all_asset_keys()]
    lines += [f"check {key.to_user_string()}" for key in graph.asset_check_keys]
    # __ASSET_JOB is Dagster's implicit job over all assets, not ours.
    lines += [f"job {job.name}" for job in repo.get_all_jobs() if not job.name.startswith("__")]
    lines += [f"schedule {schedule.name}" for schedule in repo.schedule_defs]
    lines += [f"sensor {sensor.name}" for sensor in repo.sensor_defs]
    lines += [f"resource {name}" for name in (defs.resources or {})]
    return sorted(lines)


def test_definitions_load() -> None:
    defs.validate_loadable(defs)


def test_definitions_match_snapshot() -> None:
    lines = _definitions()
    if os.environ.get("UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert lines == SNAPSHOT.read_text(encoding="utf-8").splitlines()


def test_jobs_schedules_sensors() -> None:
    job = defs.resolve_job_def("nightly_job")
    assert job.name == "nightly_job"
    schedule = defs.resolve_schedule_def("nightly_schedule")
    assert schedule.execution_timezone == "Asia/Shanghai"
    assert schedule.job_name == "nightly_job"
    assert defs.resolve_sensor_def("inbox_sensor").job_name == "nightly_job"


def test_every_asset_is_described_grouped_and_kinded() -> None:
    for spec in defs.resolve_all_asset_specs():
        name = spec.key.to_user_string()
        assert spec.description and len(spec.description) > 20, name
        assert spec.group_name in LAYER_GROUPS, (name, spec.group_name)
        assert spec.kinds, name


def test_core_does_not_import_dagster_or_cli() -> None:
    """Dependency direction (DESIGN.md section 2): ingest, quality, warehouse, models,
    alerts and samples are plain code; only pipelines/defs, definitions, runner and the
    CLI may import Dagster."""
    core = [
        ROOT / "pipelines" / "ingest",
        ROOT / "sample_world",
        ROOT / "pipelines" / "models",
        ROOT / "pipelines" / "alerts",
        ROOT / "quality",
        ROOT / "warehouse",
    ]
    offenders = []
    for folder in core:
        for path in folder.rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names: list[str] = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                for name in names:
                    if name.split(".")[0] == "dagster" or name.startswith(
                        ("pipelines.defs", "pipelines.definitions", "pipelines.cli")
                    ):
                        offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert not offenders, offenders
