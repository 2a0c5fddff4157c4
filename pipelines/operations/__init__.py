"""Operating the warehouse safely: one writer (lock), backups and restore, private files.

Plain code (no Dagster): the resource in pipelines/defs/resources.py, the runner and the
CLI wire it. Layer 1, beside ``warehouse``: the feedback writer and the landing step call
its permission helpers.
"""
