"""Dispute-screening (矛盾纠纷排查) and petition (信访) pipeline: ingest, normalize, orchestrate."""
