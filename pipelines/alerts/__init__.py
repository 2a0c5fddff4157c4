"""Coordinator alerts and data-team notices: compose (plain functions over DuckDB) and send
(apprise). No Dagster import here; pipelines/defs/alerts/assets.py and sensors.py wire it."""
