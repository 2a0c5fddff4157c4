"""County benchmark (issue 14 goals 1 and 2): a first and a second `disputes run` against a
naive pandas+openpyxl read of the same inbox, measured in the same run.

The sample world is generated once with 26 months (default seed) and cached; the first run
gets every file but two registers of the last month (two years and more of registers), the
second run gets those two as well. Each run is the `disputes` console script in a
subprocess (fresh home, --as-of from truth/meta.json, a benchmark DISPUTES_PII_KEY), so the
figures include everything a coordinator's night includes: imports, ingest, staging,
checks, feedback, models, publish, alerts. Per-step seconds come from Dagster's step
events (--log-level DEBUG: step events are debug-level). Figures are ratios to the naive
read: absolute seconds vary on a shared machine, the ratios much less.

    python benchmarks/county_bench.py [--cache /tmp/county_bench] [--keep]

Goals: first run <= 0.5x the naive read, second run <= 0.25x, feedback <= 10% of the first.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd

MONTHS = 26
HELD_BACK = 2
FIRST_RUN_GOAL = 0.5
SECOND_RUN_GOAL = 0.25
FEEDBACK_GOAL = 0.10
FEEDBACK_STEP = "quality__feedback_workbooks"
_STEP = re.compile(r'Finished execution of step "([^"]+)" in ([0-9hms.]+)\.')
_PART = re.compile(r"([0-9.]+)(ms|h|m|s)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def _world(cache: Path) -> Path:
    """The 26-month sample world, generated once per cache folder (meta.json last: a world
    without it was interrupted and is made again)."""
    world = cache / f"world{MONTHS}"
    if not (world / "truth" / "meta.json").exists():
        shutil.rmtree(world, ignore_errors=True)
        subprocess.run(
            [_disputes(), "generate-samples", "--out", str(world), "--months", str(MONTHS)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return world


def _disputes() -> str:
    """The console script of this interpreter's environment (the one under test)."""
    script = Path(sys.executable).with_name("disputes")
    return str(script) if script.exists() else "disputes"


def _files(inbox: Path) -> list[Path]:
    return sorted(p for p in inbox.rglob("*") if p.is_file())


def _held_back(inbox: Path) -> list[Path]:
    """Two registers of the last month folder: the 'new files' of the second run."""
    last = sorted(p for p in inbox.iterdir() if p.is_dir())[-1]
    registers = [p for p in _files(last) if p.suffix.lower() in {".xlsx", ".xls", ".csv"}]
    return registers[:HELD_BACK]


def naive_read(files: list[Path]) -> float:
    """Seconds to read every file the way a script would without us: pandas with openpyxl
    (xlrd for .xls, read_csv for .csv), every sheet, no header, all text. A file pandas
    cannot read counts for the time it took to fail, as it would for such a script."""
    warnings.simplefilter("ignore")  # pandas deprecates xlrd; the baseline uses it anyway
    start = time.perf_counter()
    for path in files:
        suffix = path.suffix.lower()
        try:
            if suffix == ".csv":
                pd.read_csv(path, header=None, dtype=str, encoding_errors="replace")
            elif suffix == ".xls":
                pd.read_excel(path, sheet_name=None, header=None, dtype=str, engine="xlrd")
            else:
                pd.read_excel(path, sheet_name=None, header=None, dtype=str, engine="openpyxl")
        except Exception:  # noqa: BLE001, S112 - broken files are part of the sample world
            continue
    return time.perf_counter() - start


def _seconds(text: str) -> float:
    return sum(float(n) * _UNIT_SECONDS[u] for n, u in _PART.findall(text))


def step_seconds(log: str) -> dict[str, float]:
    """Step key -> seconds, from Dagster's 'Finished execution of step' events."""
    return {key: _seconds(took) for key, took in _STEP.findall(log)}


def disputes_run(inbox: Path, home: Path, as_of: str) -> tuple[float, dict[str, float]]:
    """One `disputes run` in a subprocess: wall seconds and per-step seconds."""
    env = {**os.environ, "DISPUTES_PII_KEY": os.environ.get("DISPUTES_PII_KEY", "county-bench")}
    start = time.perf_counter()
    done = subprocess.run(
        [_disputes(), "run", "--inbox", str(inbox), "--home", str(home), "--as-of", as_of]
        + ["--log-level", "DEBUG"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.perf_counter() - start
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"disputes run exited {done.returncode}")
    return took, step_seconds(done.stdout + done.stderr)


def _table(naive: float, runs: list[tuple[str, float, dict[str, float]]]) -> str:
    lines = [f"{'':<44}{'seconds':>9}{'x naive':>9}", f"{'naive pandas+openpyxl read':<44}"]
    lines[-1] += f"{naive:>9.1f}{1.0:>9.2f}"
    for label, took, steps in runs:
        lines.append(f"{label:<44}{took:>9.1f}{took / naive:>9.2f}")
        for key, sec in sorted(steps.items(), key=lambda kv: -kv[1]):
            lines.append(f"  {key:<42}{sec:>9.2f}{sec / naive:>9.3f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "county_bench")
    parser.add_argument("--keep", action="store_true", help="keep the run's home folder")
    args = parser.parse_args()
    world = _world(args.cache)
    as_of = json.loads((world / "truth" / "meta.json").read_text("utf-8"))["as_of"]
    work = Path(tempfile.mkdtemp(prefix="county_bench_"))
    try:
        inbox, home = work / "inbox", work / "home"
        shutil.copytree(world / "inbox", inbox)
        held = _held_back(inbox)
        aside = work / "held_back"
        aside.mkdir()
        for path in held:
            shutil.move(path, aside / path.name)
        first_files = _files(inbox)
        naive = naive_read(first_files)
        first, first_steps = disputes_run(inbox, home, as_of)
        for path in held:
            shutil.move(aside / path.name, path)
        second, second_steps = disputes_run(inbox, home, as_of)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    feedback = first_steps.get(FEEDBACK_STEP, 0.0)
    print(f"county benchmark: {len(first_files)} files, as_of {as_of}, {os.cpu_count()} cores")
    print(_table(naive, [("first run", first, first_steps), ("second run (+2)", second, {})]))
    print("second run steps:", ", ".join(f"{k} {v:.2f}s" for k, v in second_steps.items()))
    print(
        f"goals: first {first / naive:.2f}x (<= {FIRST_RUN_GOAL}), "
        f"second {second / naive:.2f}x (<= {SECOND_RUN_GOAL}), "
        f"feedback {feedback / first:.0%} of the first run (<= {FEEDBACK_GOAL:.0%})"
    )


if __name__ == "__main__":
    main()
