"""Staging throughput alone (raw rows -> staging, parties, row issues, quarantine), rows/s.

Generates the sample world, lands it once with the real ingest, then stages a copy of the
landed warehouse and prints rows/s, wall and CPU (the machine is shared: CPU seconds of
the staging process are the steadier figure). With ``--baseline-code DIR`` the same
landed copy is also staged by the code checked out in DIR (e.g. the main worktree, the
code before a change) in a subprocess, in the same run, and the two warehouses are
compared table by table (warehouse/compare.py): the change must keep every table equal.

    python benchmarks/staging_bench.py [--months 24] [--townships 17] [--seed 7]
        [--baseline-code /work/main] [--keep DIR] [--profile 25]

Issue 14 goal 3: >= 50,000 rows/s on one core.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipelines.ingest.land import ingest_inbox
from pipelines.reference.load import townships
from sample_world import generate_samples
from warehouse.compare import compare_databases
from warehouse.db import connect

GOAL_ROWS_PER_S = 50_000

# Run by the baseline interpreter: only what every version of the code has.
_STAGE_SCRIPT = """
import json, sys, time
from pathlib import Path
from pipelines.ingest.staging_load import stage_pending
from warehouse.db import connect
con = connect(Path(sys.argv[1]))
wall, cpu = time.perf_counter(), time.process_time()
s = stage_pending(con)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
con.close()
print(json.dumps({"rows": s.rows_staged + s.rows_quarantined, "wall": wall, "cpu": cpu}))
"""


def _land(root: Path, months: int, count: int, seed: int) -> tuple[Path, int]:
    """A landed (not staged) warehouse of a generated world, and its file count."""
    names = [t.name for t in townships()[:count]]
    generate_samples(root / "world", seed=seed, months=months, townships=names)
    landed = root / "landed.duckdb"
    con = connect(landed)
    summary = ingest_inbox(con, root / "world" / "inbox", quarantine_dir=root / "q", workers=1)
    con.close()
    return landed, summary.files_seen


def _stage_here(db: Path, profile: int) -> dict[str, float]:
    from pipelines.ingest.staging_load import stage_pending

    con = connect(db)
    profiler = cProfile.Profile() if profile else None
    wall, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    summary = stage_pending(con)
    if profiler:
        profiler.disable()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    con.close()
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(profile)
    return {"rows": summary.rows_staged + summary.rows_quarantined, "wall": wall, "cpu": cpu}


def _stage_baseline(db: Path, code: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(code)}
    out = subprocess.run(
        [sys.executable, "-c", _STAGE_SCRIPT, str(db)],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise RuntimeError(f"baseline staging failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _line(label: str, r: dict[str, float]) -> str:
    return (
        f"{label:<10}: {r['rows']:.0f} rows  wall {r['wall']:6.2f} s "
        f"{r['rows'] / r['wall']:8.0f} rows/s  cpu {r['cpu']:6.2f} s "
        f"{r['rows'] / r['cpu']:8.0f} rows/s  ({r['rows'] / r['cpu'] / GOAL_ROWS_PER_S:.2f}x goal)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--townships", type=int, default=17)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--baseline-code", type=Path, help="a checkout of the code before")
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the landed world here")
    parser.add_argument("--profile", type=int, default=0, help="print the top N of a profile")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        landed = root / "landed.duckdb"
        if not landed.exists():
            landed, files = _land(root, args.months, args.townships, args.seed)
            print(f"world: {files} files landed ({args.months} months)")
        current = root / "current.duckdb"
        shutil.copyfile(landed, current)
        results = {"current": _stage_here(current, args.profile)}
        if args.baseline_code:
            baseline = root / "baseline.duckdb"
            shutil.copyfile(landed, baseline)
            results["baseline"] = _stage_baseline(baseline, args.baseline_code)
        for label, r in results.items():
            print(_line(label, r))
        if args.baseline_code:
            base, now = results["baseline"], results["current"]
            print(f"speed-up (cpu): {base['cpu'] / now['cpu']:.2f}x")
            diff = [r for r in compare_databases(baseline, current) if not r.equal]
            print("warehouses: every table equal" if not diff else f"DIFFERENT: {diff}")


if __name__ == "__main__":
    main()
