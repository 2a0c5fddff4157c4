"""The words every layer shares: canonical field names, issue rules (code, severity, Chinese
message) and the statutory rule data. A leaf: it imports nothing of ours but
pipelines.reference, so ingest, validation and feedback can all depend on it without
depending on each other (tests/unit/test_import_layers.py)."""
