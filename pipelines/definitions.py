"""The code location: everything under pipelines/defs, loaded the way `dg` loads a project.

``load_from_defs_folder`` imports every module of the defs folder (``[tool.dg.project]`` in
pyproject.toml names it) and collects the assets, checks, jobs, schedules, sensors and
resources defined there; this file defines nothing itself. ``workspace.yaml`` (for
``dagster dev``) and ``dg check defs`` both load this module.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

defs = dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
