"""Dagster wiring only: assets, checks, jobs, schedules, sensors and resources.

Nothing outside this package imports it; the work itself lives in plain modules.
"""
