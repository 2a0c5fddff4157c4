"""Staging layer: typed, normalized rows, and the checks on them (GX suites, the systemic gate)."""
