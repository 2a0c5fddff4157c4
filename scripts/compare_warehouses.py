"""Compare two warehouse.duckdb files table by table: did a change keep the same data?

    .venv/bin/python scripts/compare_warehouses.py A/warehouse.duckdb B/warehouse.duckdb

A thin wrapper over warehouse/compare.py (which says what is compared and what is left
out): one line per table of the raw, staging, quality, intermediate and marts schemas.
Exits 1 when any table differs or exists in one file only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from warehouse.compare import compare_databases, ignored_columns


def compare(a: Path, b: Path) -> bool:
    """Print one line per table; True when every table is equal."""
    results = compare_databases(a, b)
    print(f"{'table':<42} {'rows A':>8} {'rows B':>8}  result")
    for r in results:
        rows_a = "" if r.rows_a is None else r.rows_a
        rows_b = "" if r.rows_b is None else r.rows_b
        result = "equal" if r.equal else f"different: {r.difference}"
        print(f"{r.table:<42} {rows_a:>8} {rows_b:>8}  {result}")
    ignored = sorted(set(ignored_columns(a)) | set(ignored_columns(b)))
    print(f"columns left out: {', '.join(ignored)}")
    return all(r.equal for r in results)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a", type=Path)
    parser.add_argument("b", type=Path)
    args = parser.parse_args()
    return 0 if compare(args.a, args.b) else 1


if __name__ == "__main__":
    sys.exit(main())
