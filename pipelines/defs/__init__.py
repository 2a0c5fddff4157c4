"""Dagster wiring only: assets, checks, jobs, schedules, sensors and resources.

The defs folder of the dg project (``[tool.dg.project] defs_module``): pipelines/definitions.py
loads every module under it with ``dg.load_from_defs_folder``, one subfolder per layer with
the layer's assets and the checks on them. Only the Dagster entry points import it:
pipelines/definitions.py (what ``dg``, ``dagster dev`` and pipelines/runner.py load) and the
CLI's ``disputes dagster-home`` (ops_instance), besides the tests. The plain modules it
wires (pipelines/ingest, models, alerts, quality, warehouse) never import it; the work itself
lives there.
"""
