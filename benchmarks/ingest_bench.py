"""Ingest throughput on a generated sample world, with same-run baselines.

Prints rows/s for: (a) reading every file with fastexcel/CSV only (the reader floor),
(b) the full ingest (read + find table + place + land raw) with 1 worker, (c) the same with
2 workers, (d) staging (normalize + rules) of everything landed. Ratios against (a) are
what to compare across machines; absolute times vary on shared hosts.

    python benchmarks/ingest_bench.py [--months 24] [--townships 17] [--seed 7]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from pipelines.ingest import land
from pipelines.ingest.land import ingest_inbox, scan_inbox
from pipelines.ingest.read import UnreadableFile, read_workbook
from pipelines.ingest.staging_load import stage_pending
from pipelines.reference.load import townships
from sample_world import generate_samples
from warehouse.db import connect


def _timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--townships", type=int, default=17)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    names = [t.name for t in townships()[: args.townships]]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _, gen_s = _timed(
            lambda: generate_samples(
                root / "world", seed=args.seed, months=args.months, townships=names
            )
        )
        inbox = root / "world" / "inbox"
        files = scan_inbox(inbox)

        def read_only() -> int:
            cells = 0
            for path in files:
                try:
                    for grid in read_workbook(path):
                        cells += grid.cells.height
                except UnreadableFile:
                    pass
            return cells

        grid_rows, read_s = _timed(read_only)
        results = {}
        # Force the pool for the 2-worker run whatever the batch size, to measure it.
        land.POOL_MIN_BYTES = 0
        for workers in (1, 2):
            con = connect(root / f"w{workers}" / "warehouse.duckdb")
            summary, secs = _timed(
                lambda con=con, workers=workers: ingest_inbox(
                    con, inbox, quarantine_dir=root / f"q{workers}", workers=workers
                )
            )
            results[workers] = (summary, secs)
            if workers == 2:
                staged, stage_s = _timed(lambda con=con: stage_pending(con))
            con.close()
        rows = results[1][0].rows_landed
        print(
            f"world: {len(files)} files, {rows} data rows, {grid_rows} sheet rows "
            f"(generated in {gen_s:.1f} s)"
        )
        print(
            f"(a) read only (baseline)  : {read_s:6.2f} s  {grid_rows / read_s:9.0f} rows/s  1.00x"
        )
        for workers, (_, secs) in results.items():
            print(
                f"(b/c) ingest, {workers} worker(s) : {secs:6.2f} s  {rows / secs:9.0f} rows/s  "
                f"{secs / read_s:.2f}x baseline time"
            )
        print(
            f"(d) staging              : {stage_s:6.2f} s  "
            f"{staged.rows_staged / stage_s:9.0f} rows/s  "
            f"{stage_s / read_s:.2f}x baseline time"
        )
        print(f"parallel speed-up 2 vs 1 worker: {results[1][1] / results[2][1]:.2f}x")


if __name__ == "__main__":
    main()
