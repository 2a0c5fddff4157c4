"""Validation time per 100k register rows, against the plain row rules as the baseline.

    python benchmarks/validation_100k.py [--rows 100000]

A sample world is generated, ingested and its raw rows tiled (new file ids) until about
--rows rows; then, on the same rows:
- baseline: staging with the row rules (pipelines.ingest.staging_load.stage_pending);
- validation: GX suites + dedupe + writes (quality.validate.validate_pending),
  split into the GX suites alone and the rest.
The GX import (~5 s, once per process) is measured separately and excluded from the ratio.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DISPUTES_PII_KEY", "benchmark-key")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    from pipelines.ingest.land import ingest_inbox
    from pipelines.ingest.staging_load import stage_pending
    from quality.gx_runtime import load_gx
    from quality.suite_run import run_suite
    from quality.validate import _frame, ensure_quality_schema, validate_pending
    from sample_world import generate_samples
    from warehouse.db import connect

    tmp = Path(tempfile.mkdtemp(prefix="bench_validation_"))
    generate_samples(
        tmp / "world",
        seed=7,
        months=13,
        start="2024-01",
        townships=["莲峰镇", "宣和镇", "揭乐乡", "朋口镇"],
    )
    con = connect(tmp / "warehouse.duckdb")
    ingest_inbox(con, tmp / "world" / "inbox", quarantine_dir=tmp / "q")
    base = con.execute(
        "select (select count(*) from raw.dispute_rows) + (select count(*) from raw.petition_rows)"
    ).fetchone()[0]
    copies = max(1, round(args.rows / base))
    for k in range(1, copies):
        for table in ("raw.dispute_rows", "raw.petition_rows", "raw.sheets"):
            con.execute(
                f"insert into {table} by name select * replace "
                f"('{k:03d}:' || file_id as file_id) from {table} where file_id not like '%:%'"
            )
        con.execute(
            "insert into raw.files by name select * replace (? || file_id as file_id,"
            " ? || path as path) from raw.files where file_id not like '%:%'",
            [f"{k:03d}:", f"{k:03d}/"],
        )
    rows = con.execute(
        "select (select count(*) from raw.dispute_rows) + (select count(*) from raw.petition_rows)"
    ).fetchone()[0]

    t = time.perf_counter()
    stage_pending(con)
    rules_s = time.perf_counter() - t

    t = time.perf_counter()
    load_gx()
    import_s = time.perf_counter() - t

    ensure_quality_schema(con)
    con.execute(
        "create or replace temp table validation_pending as"
        " select file_id, sheet_name from staging.staged_sheets"
    )
    frames = {n: _frame(con, n) for n in ("disputes", "petitions", "parties")}
    t = time.perf_counter()
    for name, frame in frames.items():
        run_suite(name, frame)
    gx_s = time.perf_counter() - t

    t = time.perf_counter()
    summary = validate_pending(con)
    validate_s = time.perf_counter() - t

    per = 100_000 / rows
    staged = sum(summary.rows.get(n, 0) for n in ("disputes", "petitions"))
    print(
        f"register rows: {rows:,} ({copies} copies of {base:,}); staged rows validated: "
        f"{staged:,}; party rows: {summary.rows.get('parties', 0):,}"
    )
    print(f"GX import (once per process):          {import_s:6.2f} s")
    print(f"baseline row rules (stage_pending):    {rules_s:6.2f} s  = {rules_s * per:6.2f} s/100k")
    print(f"GX suites alone (3 frames):            {gx_s:6.2f} s  = {gx_s * per:6.2f} s/100k")
    print(
        f"validate_pending (frames+GX+dedupe+write): "
        f"{validate_s:6.2f} s  = {validate_s * per:6.2f} s/100k"
    )
    print(f"ratio GX suites / row rules:           {gx_s / rules_s:6.2f}")
    print(f"ratio whole validation / row rules:    {validate_s / rules_s:6.2f}")


if __name__ == "__main__":
    main()
