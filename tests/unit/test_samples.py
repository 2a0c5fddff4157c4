"""The sample-world generator: valid IDs, internally consistent truth, determinism, and
files that open (or, for the broken ones, do not)."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter, defaultdict
from pathlib import Path

import fastexcel
import pytest
from stdnum.cn import ric

from sample_world import generate_samples, idcards
from sample_world.world import build_world

TOWNSHIPS = ["莲峰镇", "宣和", "350825200"]  # names, aliases and codes are all accepted
CONTRACT_RULES = {
    "township_missing": "error",
    "key_date_missing": "error",
    "key_date_unparseable": "error",
    "key_date_impossible": "error",
    "date_order": "error",
    "id_checksum": "warning",
    "id_lost_precision": "warning",
    "id_malformed": "warning",
    "phone_missing": "warning",
    "phone_invalid": "warning",
    "resolved_without_date": "warning",
    "category_unknown": "warning",
    "value_unknown": "warning",
    "date_unparseable": "warning",
    "people_count_invalid": "warning",
    "group_over_5_reps": "warning",
    "case_no_duplicate": "warning",
}
RATES = (
    "resolution_rate",
    "yoy_batches_pct",
    "yoy_persons_pct",
    "timely_acceptance_rate",
    "on_time_conclusion_rate",
    "one_time_resolution_rate",
    "first_visit_meeting_rate",
)


def _gen(root: Path, seed: int = 5) -> Path:
    generate_samples(root, seed=seed, months=13, start="2024-01", townships=TOWNSHIPS)
    return root


@pytest.fixture(scope="module")
def world_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _gen(tmp_path_factory.mktemp("samples_a"))


def _csv(root: Path, name: str) -> list[dict[str, str]]:
    with (root / "truth" / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_every_world_id_is_valid_and_old_forms_upgrade() -> None:
    world = build_world(seed=3, start="2024-01", months=6, townships=TOWNSHIPS)
    assert world.persons
    ids = [p.id18 for p in world.persons]
    assert len(set(ids)) == len(ids)
    assert len({p.mobile for p in world.persons}) == len(world.persons)
    for p in world.persons:
        assert ric.validate(p.id18) == p.id18
        if p.id18[6:8] == "19":
            assert idcards.upgrade_15(idcards.to_15(p.id18)) == p.id18


def test_names_collide_across_townships() -> None:
    world = build_world(seed=3, start="2024-01", months=6, townships=TOWNSHIPS)
    homes: dict[str, set[str]] = defaultdict(set)
    for p in world.persons:
        homes[p.name].add(p.home)
    assert any(len(h) > 1 for h in homes.values())


def test_corrupted_ids_are_detectable() -> None:
    import random

    rng = random.Random(1)
    world = build_world(seed=3, start="2024-01", months=3, townships=TOWNSHIPS)
    for p in world.persons[:300]:
        bad = idcards.corrupt_checksum(rng, p.id18)
        assert bad is not None and not ric.is_valid(bad) and not idcards.float_exact(bad)
        if idcards.loses_detectably(p.id18):
            number = idcards.excel_number(p.id18)
            for shown in (f"{number:.0f}", p.id18[:15] + "000"):  # as readers print it
                assert not ric.is_valid(shown)


def test_township_monthly_is_complete_and_consistent(world_dir: Path) -> None:
    tm = _csv(world_dir, "township_monthly.csv")
    meta_townships = {r["township_code"] for r in tm}
    assert len(meta_townships) == 3 and len(tm) == 3 * 13
    by_t: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in tm:
        by_t[r["township_code"]].append(r)
    for rows in by_t.values():
        rows.sort(key=lambda r: r["month"])
        first = rows[0]
        carried = int(first["open_cases"]) - int(first["new_cases"]) + int(first["resolved_cases"])
        assert carried >= 0
        found = carried
        resolved = 0
        prev_open = carried
        for r in rows:
            new, res, open_ = (int(r["new_cases"]), int(r["resolved_cases"]), int(r["open_cases"]))
            found += new
            resolved += res
            assert resolved <= found
            assert open_ == prev_open + new - res
            prev_open = open_
    for r in tm:
        for col in RATES:
            if r[col] != "" and not col.startswith("yoy"):
                assert 0 <= float(r[col]) <= 100, (col, r)
        if r["month"] < "2025-01-01":
            assert r["yoy_batches_pct"] == "" and r["yoy_persons_pct"] == ""


def test_category_monthly_sums_to_township_monthly(world_dir: Path) -> None:
    tm = {(r["month"], r["township_code"]): r for r in _csv(world_dir, "township_monthly.csv")}
    sums: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for r in _csv(world_dir, "category_monthly.csv"):
        for col in ("new_cases", "resolved_cases", "petition_batches", "petition_persons"):
            sums[r["month"], r["township_code"]][col] += int(r[col])
    for key, r in tm.items():
        for col in ("new_cases", "resolved_cases", "petition_batches", "petition_persons"):
            assert sums[key][col] == int(r[col]), (key, col)


def test_county_summary_equals_township_sums(world_dir: Path) -> None:
    tm = _csv(world_dir, "township_monthly.csv")
    county = {r["year"]: r for r in _csv(world_dir, "county_summary.csv")}
    assert set(county) == {"2024", "2025"}
    for year, row in county.items():
        rows = [r for r in tm if r["month"].startswith(year)]
        for col in (
            "new_cases",
            "resolved_cases",
            "petition_batches",
            "petition_persons",
            "group_petitions",
            "escalated_petitions",
        ):
            assert int(row[col]) == sum(int(r[col]) for r in rows), (year, col)
        last = max(r["month"] for r in rows)
        assert int(row["open_cases"]) == sum(
            int(r["open_cases"]) for r in rows if r["month"] == last
        )
        for col in RATES:
            if row[col] != "" and not col.startswith("yoy"):
                assert 0 <= float(row[col]) <= 100
    assert int(county["2024"]["repeat_petitioners"]) <= int(county["2025"]["repeat_petitioners"])


def test_repeat_petitioners_and_overdue(world_dir: Path) -> None:
    rep = _csv(world_dir, "repeat_petitioners.csv")
    assert rep and all(int(r["petition_events"]) >= 2 for r in rep)
    assert all(ric.is_valid(r["id_number"]) for r in rep)
    assert any(r["is_repeat"] == "true" for r in rep)
    n_repeat = sum(r["is_repeat"] == "true" for r in rep)
    county = _csv(world_dir, "county_summary.csv")
    assert int(county[-1]["repeat_petitioners"]) == n_repeat
    for r in _csv(world_dir, "overdue_petitions.csv"):
        assert r["stage"] in ("acceptance", "conclusion")
        assert int(r["days_overdue"]) >= -7


def test_files_rows_and_issues_agree(world_dir: Path) -> None:
    files = _csv(world_dir, "files.csv")
    rows = _csv(world_dir, "rows.csv")
    per_file = Counter(r["file"] for r in rows)
    for f in files:
        assert int(f["data_rows"]) == per_file.get(f["file"], 0), f["file"]
        assert (world_dir / "inbox" / f["file"]).is_file()
    statuses = Counter(f["expected_status"] for f in files)
    assert statuses["superseded"] == 1 and statuses["rejected"] == 6
    assert {f["reason_kind"] for f in files if f["expected_status"] == "rejected"} == {
        "not_spreadsheet",
        "truncated",
        "encrypted",
        "empty",
        "unknown_template",
        "no_township",
    }
    expected = {(r["file"], r["sheet"], r["excel_row"]): r["expected"] for r in rows}
    errors_at = set()
    for i in _csv(world_dir, "issues.csv"):
        assert CONTRACT_RULES[i["rule"]] == i["severity"], i
        key = (i["file"], i["sheet"], i["excel_row"])
        assert expected[key] in ("staged", "quarantined")
        if i["severity"] == "error":
            errors_at.add(key)
    assert errors_at == {k for k, v in expected.items() if v == "quarantined"}
    # the correction is newer than the file it replaces
    old = next(f for f in files if f["expected_status"] == "superseded")
    new = next(
        f
        for f in files
        if f["expected_status"] == "loaded"
        and f["township_code"] == old["township_code"]
        and f["template"] == old["template"]
        and f["period"] == old["period"]
    )
    inbox = world_dir / "inbox"
    assert (inbox / new["file"]).stat().st_mtime > (inbox / old["file"]).stat().st_mtime


def test_petitioned_disputes_are_in_the_small_world() -> None:
    """Dispute rows with petition columns: events only there, and events also in the
    petition register (with and without 信访编号), in townships with and without 编号."""
    world = build_world(seed=11, start="2024-01", months=13, townships=TOWNSHIPS)
    shown = [world.events[eid] for eid in world.case_events.values()]
    only = [e for e in shown if not e.in_petition_register]
    both = [e for e in shown if e.in_petition_register]
    info = {t.code: t for t in world.townships}
    assert only and both
    assert {info[e.township].has_petition_no for e in both} == {True, False}
    assert {info[e.township].has_case_no for e in only} == {True, False}
    for e in only:  # a dispute-only event: the dispute's own people and category
        case = world.cases[e.case_row]  # type: ignore[index]
        assert (e.pid, e.category, e.people_count) == (
            case.parties[0], case.category, case.people_count)
        assert case.found <= e.day


def test_kinds_of_mess_are_present(world_dir: Path) -> None:
    files = _csv(world_dir, "files.csv")
    exts = Counter(f["file"].rsplit(".", 1)[1] for f in files)
    assert exts["xlsx"] and exts["xls"] and exts["csv"]
    rules = {i["rule"] for i in _csv(world_dir, "issues.csv")}
    assert {
        "key_date_missing",
        "key_date_unparseable",
        "key_date_impossible",
        "date_order",
        "id_checksum",
        "id_lost_precision",
        "phone_missing",
    } <= rules


def test_spreadsheets_open_and_broken_ones_do_not(world_dir: Path) -> None:
    inbox = world_dir / "inbox"
    for f in _csv(world_dir, "files.csv"):
        path = inbox / f["file"]
        if not f["file"].endswith((".xlsx", ".xls")):
            continue
        if f["expected_status"] == "rejected" and f["reason_kind"] not in (
            "unknown_template",
            "no_township",
        ):
            with pytest.raises(Exception):  # noqa: B017 - any reader error will do
                fastexcel.read_excel(path).load_sheet(0, header_row=None, dtypes="string")
            continue
        reader = fastexcel.read_excel(path)
        for name in reader.sheet_names:
            sheet = reader.load_sheet(name, header_row=None, dtypes="string")
            assert sheet.height > 0


def test_same_seed_same_bytes_other_seed_other_bytes(world_dir: Path, tmp_path: Path) -> None:
    again = _digests(_gen(tmp_path / "again"))
    first = _digests(world_dir)
    assert again == first
    other = _digests(_gen(tmp_path / "other", seed=6))
    assert other != first


def test_unknown_township_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate_samples(tmp_path, months=1, townships=["不存在镇"])
