"""extract_file on real files: the project's sample world, checked against its truth files.

The sample generator writes the files townships send (xlsx, xls, CSV in GB18030/UTF-8, the
broken ones included) and, separately, what a correct ingest must find in them. Every file
must extract with the truth's township, template, period and data row count, every data row
with its true Excel row number, and every rejected file must fail for the expected reason.
"""

from __future__ import annotations

import csv
import pickle
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
import xlsxwriter

import sample_world as samples
from pipelines.ingest.extract import ExtractedFile, extract_file, extract_many


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not hasattr(samples, "generate_samples"):
        pytest.skip("sample generator not available yet")
    out = tmp_path_factory.mktemp("world")
    samples.generate_samples(out, seed=7, months=3)
    return out


def _truth(world: Path, name: str) -> list[dict[str, str]]:
    with (world / "truth" / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def extracted(world: Path) -> dict[str, ExtractedFile]:
    inbox = world / "inbox"
    return {f["file"]: extract_file(inbox / f["file"]) for f in _truth(world, "files.csv")}


def test_every_file_matches_truth(world: Path, extracted: dict[str, ExtractedFile]) -> None:
    problems: list[str] = []
    for f in _truth(world, "files.csv"):
        ef = extracted[f["file"]]
        name = f["file"]
        if f["expected_status"] == "rejected":
            got = ef.error.kind if ef.error else None
            if got != f["reason_kind"]:
                problems.append(f"{name}: expected rejection {f['reason_kind']}, got {got}")
            elif ef.error and not ef.error.reason_zh:
                problems.append(f"{name}: rejection without a Chinese reason")
            continue
        if ef.error is not None:
            problems.append(f"{name}: unexpected error {ef.error.kind}: {ef.error.reason_en}")
            continue
        sheets = ef.loaded_sheets
        townships = {s.township_code for s in sheets}
        templates = {s.template for s in sheets}
        periods = sorted(s.period for s in sheets if s.period)
        if townships != {f["township_code"]}:
            problems.append(f"{name}: townships {townships} != {f['township_code']}")
        if templates != {f["template"]}:
            problems.append(f"{name}: templates {templates} != {f['template']}")
        if not periods or periods[0] != date.fromisoformat(f["period"]):
            problems.append(f"{name}: periods {periods} != {f['period']}")
        if ef.data_rows != int(f["data_rows"]):
            problems.append(f"{name}: {ef.data_rows} data rows != {f['data_rows']}")
    assert not problems, "\n".join(problems)


def test_every_data_row_has_its_true_excel_row(
    world: Path, extracted: dict[str, ExtractedFile]
) -> None:
    expected: dict[tuple[str, str], set[int]] = defaultdict(set)
    for r in _truth(world, "rows.csv"):
        expected[(r["file"], r["sheet"])].add(int(r["excel_row"]))
    got: dict[tuple[str, str], set[int]] = defaultdict(set)
    for name, ef in extracted.items():
        for s in ef.loaded_sheets:
            got[(name, s.sheet_name)] |= set(s.layout.data["excel_row"].to_list())
    loaded = {f["file"] for f in _truth(world, "files.csv") if f["expected_status"] != "rejected"}
    for key in set(expected) | set(got):
        if key[0] in loaded:
            assert got[key] == expected[key], key


def test_rejected_files_keep_going_and_pickle(extracted: dict[str, ExtractedFile]) -> None:
    for ef in extracted.values():
        back = pickle.loads(pickle.dumps(ef))
        assert back.sha256 == ef.sha256 and back.data_rows == ef.data_rows


def test_instruction_sheets_are_skipped_not_errors(extracted: dict[str, ExtractedFile]) -> None:
    skipped = [s for ef in extracted.values() for s in ef.skipped]
    for s in skipped:
        assert s.reason_zh
    for ef in extracted.values():
        for s in ef.sheets:
            assert "说明" not in s.sheet_name


def test_extraction_speed(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = sorted(p for p in (world / "inbox").rglob("*") if p.is_file())
    start = time.perf_counter()
    rows = sum(extract_file(p).data_rows for p in paths)
    elapsed = time.perf_counter() - start
    with capsys.disabled():
        print(
            f"\nextract_file: {len(paths)} files, {rows} rows in {elapsed:.2f}s "
            f"= {rows / elapsed:,.0f} rows/s"
        )
    assert rows > 0


def test_leading_empty_rows_keep_true_excel_rows(tmp_path: Path) -> None:
    path = tmp_path / "莲峰镇2025年3月矛盾纠纷排查化解台账.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("3月")
    ws.write(4, 1, "莲峰镇2025年3月矛盾纠纷排查化解台账")  # B5, rows 1-4 empty
    ws.write_row(6, 1, ["当事人", "排查时间", "化解状态"])  # B7
    ws.write_row(7, 1, ["张三", "2025-03-05", "已化解"])  # B8
    ws.write_row(9, 1, ["李四", "2025-03-06", "化解中"])  # B10
    wb.close()
    ef = extract_file(path)
    assert ef.error is None
    (sheet,) = ef.sheets
    assert sheet.layout.header_rows == [7]
    assert sheet.layout.data["excel_row"].to_list() == [8, 10]
    assert sheet.layout.columns["party_name"].letter == "B"
    assert sheet.township_code == "350825100" and sheet.period == date(2025, 3, 1)


def test_unknown_template_is_a_file_level_failure(tmp_path: Path) -> None:
    path = tmp_path / "莲峰镇2025年3月.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Sheet1")
    ws.write_row(0, 0, ["工作内容", "完成情况", "负责人"])
    ws.write_row(1, 0, ["走访", "完成", "张三"])
    wb.close()
    ef = extract_file(path)
    assert ef.error is not None and ef.error.kind == "unknown_template"
    assert "未能识别表格模板" in ef.error.reason_zh


def test_no_township_rejects(tmp_path: Path) -> None:
    path = tmp_path / "2025年3月台账.csv"
    path.write_bytes(
        "矛盾纠纷排查化解台账\n当事人,排查时间,化解状态\n张三,2025-03-05,是\n".encode("gb18030")
    )
    ef = extract_file(path)
    assert ef.error is not None and ef.error.kind == "no_township"
    assert ef.sheets[0].period == date(2025, 3, 1)


def test_extract_many_in_a_process_pool(world: Path, extracted: dict[str, ExtractedFile]) -> None:
    inbox = world / "inbox"
    names = sorted(extracted)
    results = extract_many([inbox / n for n in names], workers=2)
    assert [r.sha256 for r in results] == [extracted[n].sha256 for n in names]
    assert [r.data_rows for r in results] == [extracted[n].data_rows for n in names]
