"""Province mode of the sample-world generator: one folder per county with its reference
beside its inbox, townships unique across the province, truth that matches the files as
a reader sees them, the same bytes for the same seed, memory bounded by one county, and
county mode unchanged."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
import xlrd
import yaml
from stdnum.cn import ric

from sample_world import generate_samples
from sample_world.province import divisions, generate_province
from sample_world.province.townships import township_list

PROVINCE = {"counties": 3, "townships": 7, "months": 2}
# Cells that only a header row has (a data row's values never end so); "*" marks a
# required column in some registers.
HEADER_ENDINGS = ("编号", "日期", "类别", "姓名", "人数", "序号", "当事人")


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("province")
    generate_province(root, seed=3, **PROVINCE)
    return root


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _sheets(path: Path) -> Iterator[tuple[str, list[list[object]]]]:
    """Every sheet of a register as rows of cells, read with the ordinary libraries."""
    if path.suffix == ".xlsx":
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        for ws in wb.worksheets:
            yield ws.title, [list(r) for r in ws.iter_rows(values_only=True)]
        wb.close()
    elif path.suffix == ".xls":
        book = xlrd.open_workbook(str(path))
        for sh in book.sheets():
            yield sh.name, [sh.row_values(i) for i in range(sh.nrows)]
    else:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")
        yield path.stem, [list(r) for r in csv.reader(io.StringIO(text))]


def _data_rows(rows: list[list[object]]) -> int:
    """Rows a person would call data: at least five filled cells, not a header row and
    not a 小计/合计 line (titles, 填报单位 and notes have fewer cells)."""
    n = 0
    for r in rows:
        cells = [str(c).strip().lstrip("*").strip() for c in r if c is not None]
        cells = [c for c in cells if c]
        if len(cells) < 5 or cells[0].startswith(("小计", "合计")):
            continue
        if any(c.endswith(HEADER_ENDINGS) for c in cells):
            continue
        n += 1
    return n


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def test_one_folder_per_county_with_its_reference(province: Path) -> None:
    rows = _csv(province / "province.csv")
    assert len(rows) == 3
    assert sum(int(r["townships"]) for r in rows) == 7
    assert sorted(p.name for p in province.iterdir() if p.is_dir()) == sorted(
        r["county_code"] for r in rows
    )
    for r in rows:
        folder = province / r["county_code"]
        meta = yaml.safe_load((folder / "county.yaml").read_text(encoding="utf-8"))
        assert (meta["county_code"], meta["county_name"]) == (r["county_code"], r["county_name"])
        assert meta["province_name"] == "福建省"
        towns = _csv(folder / "townships.csv")
        assert len(towns) == int(r["townships"]) >= 1
        assert all(t["township_code"].startswith(r["county_code"]) for t in towns)
        assert all(len(t["township_code"]) == 9 for t in towns)
        assert len({t["name"] for t in towns}) == len(towns)
        assert (folder / "inbox").is_dir() and (folder / "truth" / "meta.json").is_file()


def test_townships_are_unique_across_the_province(province: Path) -> None:
    codes = [t["township_code"] for p in sorted(province.glob("*/townships.csv")) for t in _csv(p)]
    assert len(codes) == 7 and len(set(codes)) == 7


def test_every_file_in_a_county_inbox_is_in_its_truth(province: Path) -> None:
    for row in _csv(province / "province.csv"):
        folder = province / row["county_code"]
        files = _csv(folder / "truth" / "files.csv")
        inbox = folder / "inbox"
        on_disk = {str(p.relative_to(inbox)) for p in inbox.rglob("*") if p.is_file()}
        assert on_disk == {f["file"] for f in files}
        assert len(files) == int(row["files"])
        towns = {t["township_code"] for t in _csv(folder / "townships.csv")}
        loaded = Counter(
            (f["township_code"], f["template"]) for f in files if f["expected_status"] == "loaded"
        )
        # two months: each township sends each register monthly (2 files) or as one
        # quarter-to-date file (1)
        assert set(loaded) == {(t, k) for t in towns for k in ("dispute", "petition")}
        assert set(loaded.values()) <= {1, 2}


def test_truth_row_counts_equal_the_rows_in_the_files(province: Path) -> None:
    """Counted by reading every register back (openpyxl, xlrd, csv), not from the
    generator's own numbers."""
    total = 0
    for row in _csv(province / "province.csv"):
        folder = province / row["county_code"]
        read_back = 0
        for f in _csv(folder / "truth" / "files.csv"):
            if f["expected_status"] == "rejected":
                continue
            in_file = sum(_data_rows(rows) for _, rows in _sheets(folder / "inbox" / f["file"]))
            assert in_file == int(f["data_rows"]), f["file"]
            read_back += in_file
        assert read_back == int(row["data_rows"]) > 0
        assert len(_csv(folder / "truth" / "rows.csv")) == read_back
        total += read_back
    summary = json.loads((province / "province.json").read_text(encoding="utf-8"))
    assert summary["data_rows"] == total
    assert (summary["counties"], summary["townships"]) == (3, 7)


def test_ids_are_valid_and_carry_the_county_code(province: Path) -> None:
    """IDs of people born when their county's code was in use carry it; all pass stdnum."""
    for row in _csv(province / "province.csv"):
        folder = province / row["county_code"]
        first_year = next(
            d.first_year for d in divisions.divisions() if d.code == row["county_code"]
        )
        ids = [
            str(c)
            for f in _csv(folder / "truth" / "files.csv")
            if f["expected_status"] == "loaded" and f["file"].endswith(".xlsx")
            for _, rows in _sheets(folder / "inbox" / f["file"])
            for r in rows
            for c in r
            if isinstance(c, str) and len(c) == 18 and c.isascii() and c[:17].isdigit()
        ]
        valid = [i for i in ids if ric.is_valid(i)]
        assert len(valid) > 0.9 * len(ids) > 0  # the rest is the injected mess
        local = [i for i in valid if int(i[6:10]) >= (first_year or 0)]
        assert local and all(i[:6] == row["county_code"] for i in local)


def test_counties_are_real_and_spread() -> None:
    every = divisions.counties()
    assert len(every) == 84  # DESIGN.md section 9: 福建 has 84 county-level divisions
    assert {"350825", "350102", "350982"} <= {c.code for c in every}
    tenth = divisions.spread(8)
    # every 84/8-th county: 福州 (13 counties) twice, then one each of seven other cities,
    # not eight districts of 福州
    assert [c.city for c in tenth].count("福州市") == 2 and len({c.city for c in tenth}) == 7
    assert divisions.id_area(next(c for c in every if c.code == "350825"), 1970) == "352627"


def test_township_lists_have_unique_names_codes_and_case_prefixes() -> None:
    towns, prefixes = township_list(random.Random(1), "350102", 30)
    assert len({t.code for t in towns}) == len({t.name for t in towns}) == 30
    assert len(set(prefixes.values())) == 30 and set(prefixes) == {t.code for t in towns}


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    small = {"counties": 2, "townships": 3, "months": 1}
    generate_province(tmp_path / "a", seed=4, **small)
    generate_province(tmp_path / "b", seed=4, **small)
    generate_province(tmp_path / "c", seed=5, **small)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b") != _digest(tmp_path / "c")


def test_too_many_counties_or_too_few_townships_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate_province(tmp_path, counties=85, months=1)
    with pytest.raises(ValueError):
        generate_province(tmp_path, counties=3, townships=2, months=1)
    with pytest.raises(ValueError):  # one county of 1,100 would never find unique names
        generate_province(tmp_path, counties=1, townships=1100, months=1)
    assert list(tmp_path.iterdir()) == []  # refused before anything is written


def test_county_mode_is_unchanged(tmp_path: Path) -> None:
    """The digest of this small county world as the generator wrote it before province
    mode existed (commit 9d8219e): county output is byte-for-byte the same."""
    generate_samples(tmp_path, seed=5, months=4, townships=["莲峰镇", "宣和", "350825200"])
    assert _digest(tmp_path) == "3fd58bb9de7e3408165ac929303a3575d8124f092deb8684e81170ea0c7fd8f9"


def _peak_rss_kib(tmp: Path, counties: int, townships: int) -> int:
    """The generator's peak RSS in a fresh process: VmHWM (KiB), the high-water mark of
    the process's own memory (ru_maxrss would include the forking pytest's)."""
    code = (
        "import re, sys\n"
        "from sample_world.province import generate_province\n"
        "generate_province(sys.argv[1], seed=2, months=12, counties=int(sys.argv[2]),"
        " townships=int(sys.argv[3]))\n"
        "status = open('/proc/self/status').read()\n"
        "print(re.search(r'VmHWM:\\s+(\\d+)', status).group(1))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp), str(counties), str(townships)],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout.split()[-1])


def test_memory_is_bounded_by_one_county(tmp_path: Path) -> None:
    """Four counties of ~3 townships peak near one county of 3, far below one county
    of 12: memory follows the largest county, not the province."""
    one = _peak_rss_kib(tmp_path / "one", 1, 3)
    four = _peak_rss_kib(tmp_path / "four", 4, 12)
    big = _peak_rss_kib(tmp_path / "big", 1, 12)
    assert four - one < 0.5 * (big - one), (one, four, big)


def test_cli_writes_a_province_and_prints_its_figures(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from pipelines.cli import app

    runner = CliRunner()
    out = tmp_path / "p"
    args = ["generate-samples", "--out", str(out), "--province", "--months", "1"]
    done = runner.invoke(app, [*args, "--counties", "2", "--total-townships", "2"])
    assert done.exit_code == 0, done.output
    lines = _csv(out / "province.csv")
    assert [r["townships"] for r in lines] == ["1", "1"]
    files = sum(int(r["files"]) for r in lines)
    assert re.search(rf"files\s*│\s*{files}\s*│", done.output), done.output
    assert "peak RSS (MiB)" in done.output and "rows per second" in done.output
    refused = runner.invoke(app, [*args, "--counties", "85"])
    assert refused.exit_code == 2 and "counties must be 1..84" in refused.output
    mixed = runner.invoke(app, [*args, "--townships", "莲峰"])
    assert mixed.exit_code == 2
    county_only = ["generate-samples", "--out", str(tmp_path / "c"), "--counties", "2"]
    assert runner.invoke(app, county_only).exit_code == 2
    assert not (tmp_path / "c").exists()
