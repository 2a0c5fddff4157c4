"""The monthly trend report for leadership: one self-contained Chinese HTML file (inline CSS
and SVG charts, no scripts, no network) built from the analyst snapshot only."""

from pipelines.report.build import build_report, write_report

__all__ = ["build_report", "write_report"]
