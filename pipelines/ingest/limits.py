"""How big a file the reader agrees to open, read from the environment on every read.

A township register is at most a few hundred thousand rows; a file far beyond that is
damaged or built to hurt (a zip bomb: 12 MB on disk that inflates to 3 GB once took a run to
8.4 GB of memory). The reader refuses such a file from its zip directory and file size,
before anything is inflated, so one bad file costs a reason, not the night's run.

Defaults come from measurement (README, "Operations / Limits"; benchmarks/memory_bench.py):
the sample world's worst sheet inflates 7.7:1, a sheet formatted down 200,000 empty rows
20:1 and a real 1,000,000-row register needs far less than the inflated-size limit. Read
on every call rather than once at import, so the spawned pool workers (which inherit the
environment) and a test that sets a variable both see the current value.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

MIB = 1024 * 1024

ENV_MAX_INFLATED_MB = "DISPUTES_MAX_INFLATED_MB"
ENV_MAX_COMPRESSION_RATIO = "DISPUTES_MAX_COMPRESSION_RATIO"
ENV_MAX_SHEET_ROWS = "DISPUTES_MAX_SHEET_ROWS"
ENV_MAX_FILE_MB = "DISPUTES_MAX_FILE_MB"

DEFAULT_MAX_INFLATED_MB = 1024
DEFAULT_MAX_COMPRESSION_RATIO = 100.0
DEFAULT_MAX_SHEET_ROWS = 2_000_000
DEFAULT_MAX_FILE_MB = 256
# calamine holds a sheet as a dense rectangle: a 5 KB workbook with cells at A1 and
# BXY200001 asks for 400 million cells and aborts the process. The 1,000,000-row register
# is 15 million; its stated <dimension> is checked against this.
MAX_SHEET_CELLS = 50_000_000

# A zip member this small is not checked for its ratio: a tiny part of repeated XML
# (an empty styles or sharedStrings part) may compress 100:1 and costs nothing to inflate.
RATIO_FLOOR_BYTES = 1 * MIB


@dataclass(frozen=True)
class ReadLimits:
    """The reader's bounds; a file past any of them is refused as ``too_large`` /
    ``too_many_rows`` with the figures in its reason."""

    max_inflated_bytes: int = DEFAULT_MAX_INFLATED_MB * MIB
    max_compression_ratio: float = DEFAULT_MAX_COMPRESSION_RATIO
    max_sheet_rows: int = DEFAULT_MAX_SHEET_ROWS
    max_file_bytes: int = DEFAULT_MAX_FILE_MB * MIB

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ReadLimits:
        """The limits the operator set (README "Limits"), else the defaults.

        A value that is not a positive number is an operator's typo: it raises, naming the
        variable, rather than silently running without a bound.
        """
        env = os.environ if environ is None else environ
        return cls(
            max_inflated_bytes=int(
                _positive(env, ENV_MAX_INFLATED_MB, DEFAULT_MAX_INFLATED_MB) * MIB
            ),
            max_compression_ratio=_positive(
                env, ENV_MAX_COMPRESSION_RATIO, DEFAULT_MAX_COMPRESSION_RATIO
            ),
            max_sheet_rows=int(_positive(env, ENV_MAX_SHEET_ROWS, DEFAULT_MAX_SHEET_ROWS)),
            max_file_bytes=int(_positive(env, ENV_MAX_FILE_MB, DEFAULT_MAX_FILE_MB) * MIB),
        )


def _positive(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return float(default)
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a number") from None
    if not value > 0:
        raise ValueError(f"{name}={raw!r} must be a positive number")
    return value


def human_size(n: float) -> str:
    """1.5 GB / 12 MB / 800 KB, the way a coordinator reads a file size."""
    for unit, size in (("GB", 1024 * MIB), ("MB", MIB), ("KB", 1024)):
        if n >= size:
            value = n / size
            return f"{value:.1f}{unit}" if value < 10 else f"{value:.0f}{unit}"
    return f"{int(n)}B"
