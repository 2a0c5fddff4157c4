"""Province mode: many counties, each simulated by the county generator, written county by
county into `out_dir/<county_code>/` (docs/contracts.md, "Sample world output").

A province (福建: 84 counties, ~1,100 townships, ~50k files and ~3M rows over 24 months)
does not fit in memory as one world and does not need to: counties share no registers,
so each county is one `generate_samples` call with its own seed and township list, and
its world is dropped before the next county starts. Peak memory is one county's world;
the province files grow by one line per county (`province.csv`) as counties finish.
Same seed, same bytes.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import json
import random
from collections.abc import Callable
from functools import partial
from pathlib import Path

import yaml

from sample_world import generate_samples
from sample_world.province import divisions
from sample_world.province.townships import MAX_PER_COUNTY, township_list
from sample_world.world.reference import CountyRef

__all__ = ["PROVINCE_COLUMNS", "allocate", "generate_province"]

PROVINCE_TOWNSHIPS = 1100
PROVINCE_COLUMNS = (
    "county_code",
    "county_name",
    "city_name",
    "townships",
    "seed",
    "files",
    "data_rows",
    "staged_rows",
    "quarantined_rows",
)


def county_seed(seed: int, county_code: str) -> int:
    """The county's own seed: independent of which other counties are generated."""
    return int(hashlib.sha256(f"{seed}:{county_code}".encode()).hexdigest()[:8], 16)


def allocate(rng: random.Random, total: int, n: int) -> list[int]:
    """Split `total` townships over `n` counties, unevenly (as real counties are) and at
    least one each: weights in [0.6, 1.4], largest remainders get the leftovers."""
    if total < n:
        raise ValueError(f"townships ({total}) must be at least the counties ({n})")
    weights = [rng.uniform(0.6, 1.4) for _ in range(n)]
    spare = total - n
    shares = [spare * w / sum(weights) for w in weights]
    out = [1 + int(s) for s in shares]
    by_rest = sorted(range(n), key=lambda i: (int(shares[i]) - shares[i], i))
    for i in by_rest[: total - sum(out)]:
        out[i] += 1
    return out


def _write_reference(folder: Path, county: divisions.County, ref: CountyRef) -> None:
    """The county's reference beside its inbox, in the same form as pipelines/reference
    (townships.csv, county.yaml), so a county run can read it as it reads the deployed one."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "townships.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["township_code", "name", "kind", "aliases"])
        for t in ref.townships:
            w.writerow([t.code, t.name, t.kind, "|".join(t.aliases)])
    meta = {
        "county_code": county.code,
        "county_name": county.name,
        "province_name": divisions.PROVINCE_NAME,
        "city_name": county.city,
        "timezone": "Asia/Shanghai",
        "register_due_day": ref.register_due_day,
    }
    (folder / "county.yaml").write_text(
        yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


def generate_province(
    out_dir: Path,
    *,
    seed: int = 7,
    months: int = 24,
    start: str = "2024-01",
    counties: int = 84,
    townships: int | None = None,
    mess: bool = True,
    progress: Callable[[dict], None] | None = None,
) -> dict:
    """Generate `counties` counties (spread over the province) with `townships` townships
    in all (default ~13 a county, 1,100 for the whole province) and return the totals.
    `progress` is called with each county's row of province.csv as it is written."""
    out_dir = Path(out_dir)
    chosen = divisions.spread(counties)
    total = (
        townships
        if townships is not None
        else round(PROVINCE_TOWNSHIPS * counties / len(divisions.counties()))
    )
    rng = random.Random(f"{seed}:province")
    sizes = allocate(rng, total, len(chosen))
    if max(sizes) > MAX_PER_COUNTY:  # refuse before writing anything
        raise ValueError(f"at most {MAX_PER_COUNTY} townships a county: add counties")
    out_dir.mkdir(parents=True, exist_ok=True)
    totals = dict.fromkeys(PROVINCE_COLUMNS[3:], 0)
    del totals["seed"]  # a sum of seeds means nothing
    with (out_dir / "province.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(PROVINCE_COLUMNS), lineterminator="\n")
        w.writeheader()
        for county, size in zip(chosen, sizes, strict=True):
            c_seed = county_seed(seed, county.code)
            names, prefixes = township_list(random.Random(f"{c_seed}:townships"), county.code, size)
            ref = CountyRef(
                code=county.code,
                name=county.name,
                townships=names,
                id_area=partial(divisions.id_area, county),
                landline_prefix=county.landline_prefix,
                case_prefixes=prefixes,
            )
            folder = out_dir / county.code
            _write_reference(folder, county, ref)
            summary = generate_samples(
                folder, seed=c_seed, months=months, start=start, mess=mess, county=ref
            )
            counts = summary["counts"]
            row = {
                "county_code": county.code,
                "county_name": county.name,
                "city_name": county.city,
                "townships": size,
                "seed": c_seed,
                **{k: counts[k] for k in PROVINCE_COLUMNS[5:]},
            }
            w.writerow(row)
            fh.flush()
            for k in totals:
                totals[k] += int(row[k])
            del summary, counts
            gc.collect()  # the county's world is garbage now; keep the peak at one county
            if progress:
                progress(row)
    result = {
        "seed": seed,
        "start": start,
        "months": months,
        "counties": len(chosen),
        **totals,
    }
    (out_dir / "province.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return result | {"out_dir": str(out_dir)}
