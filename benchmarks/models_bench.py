"""Wall time of the model layer (entity resolution + every SQL model) on the sample world
and on a 10x larger copy of it.

The generator has no scale knob beyond townships (17 at most) and months, so the larger
world is made from the staged one: staging rows, parties and townships copied 9 more times
under new township codes, with IDs and mobiles changed per copy so persons stay distinct.
Both are measured in the same run, on copies of the same staged warehouse.

    python benchmarks/models_bench.py [--months 24] [--scale 10] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from pipelines.models.persons import PARTY_COLUMNS, resolve_persons
from pipelines.models.sql_models import discover, materialize
from pipelines.privacy import pii_secret
from pipelines.reference.load import townships
from pipelines.runner import run_nightly
from sample_world import generate_samples


def build_model_layer(con: duckdb.DuckDBPyConnection, as_of: date) -> dict[str, float]:
    """What the model assets do, without Dagster: persons, then every SQL model in order."""
    timings: dict[str, float] = {}
    start = time.perf_counter()
    parties = con.sql(f"select {', '.join(PARTY_COLUMNS)} from staging.parties").pl()
    links, persons = resolve_persons(parties, pii_secret())
    con.execute("create schema if not exists intermediate")
    for table, frame in (("party_persons", links), ("persons", persons)):
        con.register("frame", frame.to_arrow())
        con.execute(f"create or replace table intermediate.{table} as select * from frame")
        con.unregister("frame")
    timings["persons (polars)"] = time.perf_counter() - start
    for model in discover():
        t = time.perf_counter()
        materialize(con, model, {"as_of": as_of})
        timings[model.table] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - start
    return timings


def _write_townships(con: duckdb.DuckDBPyConnection, copies: int) -> None:
    rows = [(t.code, t.name, t.kind) for t in townships()]
    rows += [(f"9{k}{code[2:]}", f"{name}{k}", kind)
             for k in range(1, copies) for code, name, kind in rows]
    frame = pl.DataFrame(rows, schema=["township_code", "township_name", "kind"], orient="row")
    con.execute("create schema if not exists reference")
    con.register("frame", frame.to_arrow())
    con.execute("create or replace table reference.townships as select * from frame")
    con.unregister("frame")


def _scale(con: duckdb.DuckDBPyConnection, copies: int) -> None:
    """Staging rows copied under township codes 9k..., person identities changed per copy."""
    for k in range(1, copies):
        params = {"k": str(k), "prefix": f"x{k}:"}
        for table in ("staging.disputes", "staging.petitions"):
            con.execute(
                f"insert into {table} select * replace ("
                " $prefix || row_id as row_id,"
                " '9' || $k || substr(township_code, 3) as township_code)"
                f" from {table} where row_id not like 'x%'",
                params,
            )
        con.execute(
            "insert into staging.parties select * replace ("
            " $prefix || row_id as row_id,"
            " case when id_number is not null then $k || substr(id_number, 2) end as id_number,"
            " case when phone_kind = 'mobile' then substr(phone, 1, 3) || $k || substr(phone, 5)"
            "  else phone end as phone)"
            " from staging.parties where row_id not like 'x%'",
            params,
        )


def _measure(db: Path, as_of: date, copies: int) -> tuple[dict[str, float], dict[str, int]]:
    con = duckdb.connect(str(db))
    try:
        if copies > 1:
            _scale(con, copies)
        _write_townships(con, copies)
        sizes = {
            t: int(con.execute(f"select count(*) from staging.{t}").fetchone()[0])  # type: ignore[index]
            for t in ("disputes", "petitions", "parties")
        }
        con.execute("checkpoint")
        return build_model_layer(con, as_of), sizes
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--keep", type=Path, help="work directory to keep (default: temp)")
    args = parser.parse_args()
    os.environ.setdefault("DISPUTES_PII_KEY", "benchmark-key-not-secret")
    work = args.keep or Path(tempfile.mkdtemp(prefix="models_bench_"))
    world = work / "world"
    if not (world / "truth" / "meta.json").exists():
        t = time.perf_counter()
        generate_samples(world, seed=7, months=args.months)
        print(f"generated 17-township x {args.months}-month world in "
              f"{time.perf_counter() - t:.1f}s")
    as_of = date.fromisoformat(json.loads((world / "truth/meta.json").read_text())["as_of"])
    home = work / "home"
    if not (home / "warehouse.duckdb").exists():
        t = time.perf_counter()
        outcome = run_nightly(home=home, inbox=world / "inbox", as_of=as_of)
        assert outcome.success, outcome.failure
        print(f"nightly job (ingest .. marts) in {time.perf_counter() - t:.1f}s")

    results = {}
    for copies in (1, args.scale):
        db = work / f"bench_x{copies}.duckdb"
        shutil.copy(home / "warehouse.duckdb", db)
        timings, sizes = _measure(db, as_of, copies)
        results[copies] = timings
        print(f"\nx{copies}: staging {sizes}")
        for name, seconds in timings.items():
            print(f"  {name:<40} {seconds:7.3f}s")
    base, big = results[1]["total"], results[args.scale]["total"]
    print(f"\nmodel layer: x1 {base:.2f}s, x{args.scale} {big:.2f}s, "
          f"ratio {big / base:.1f} for {args.scale}x the rows")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
