"""Loaders for the versioned reference files beside this module.

Reference data is data, not code: another county replaces the CSV/YAML files and nothing
else. Loaders are cached because every worker process reads them once.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

REFERENCE_DIR = Path(__file__).parent


@dataclass(frozen=True)
class Township:
    code: str
    name: str
    kind: str
    aliases: tuple[str, ...]


@cache
def townships() -> tuple[Township, ...]:
    with (REFERENCE_DIR / "townships.csv").open(encoding="utf-8") as fh:
        return tuple(
            Township(
                code=row["township_code"],
                name=row["name"],
                kind=row["kind"],
                aliases=tuple(a for a in row["aliases"].split("|") if a),
            )
            for row in csv.DictReader(fh)
        )


@cache
def _yaml(name: str) -> dict[str, Any]:
    with (REFERENCE_DIR / name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def county() -> dict[str, Any]:
    return _yaml("county.yaml")


def header_synonyms() -> dict[str, Any]:
    return _yaml("headers.yaml")


def vocab() -> dict[str, Any]:
    return _yaml("vocab.yaml")
