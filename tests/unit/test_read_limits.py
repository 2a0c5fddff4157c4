"""The reader's bounds (issue 13 item 3) on real hostile files built here: a zip bomb, a zip
whose directory lies about a member's size, an over-limit sheet and an oversized CSV. Each
must be refused with a Chinese reason and its figures, quickly, before it is inflated."""

from __future__ import annotations

import hashlib
import io
import struct
import time
import zipfile
import zlib
from pathlib import Path

import pytest
import xlsxwriter

from pipelines.ingest.extract import extract_file
from pipelines.ingest.limits import ReadLimits
from pipelines.ingest.read import UnreadableFile, read_bytes, read_workbook
from tests.handmade import DISPUTE_HEADER, id18, write_register

SHEET = "xl/worksheets/sheet1.xml"


def _row(i: int) -> list[object]:
    person = ["张三", id18("35082519700101123"), "13800000000", 2]
    return [i, f"LF{i:04d}", "莲峰镇", "莲峰村", "邻里纠纷", *person,
            "2025-03-05", "司法所", "李四", "已化解", "2025-03-08", "低"]  # fmt: skip


def _register(tmp_path: Path, rows: int) -> bytes:
    path = write_register(
        tmp_path / "莲峰镇2025年3月矛盾纠纷排查化解台账.xlsx",
        title="莲峰镇2025年3月矛盾纠纷排查化解台账",
        header=DISPUTE_HEADER,
        rows=[_row(i) for i in range(1, rows + 1)],
    )
    return path.read_bytes()


def _with_sheet(register: bytes, sheet_xml: bytes) -> bytes:
    """The same workbook with its sheet part replaced (directory truthful)."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(register)) as src,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in src.infolist():
            out.writestr(info.filename, sheet_xml if info.filename == SHEET else src.read(info))
    return buffer.getvalue()


def _refused(data: bytes) -> UnreadableFile:
    with pytest.raises(UnreadableFile) as info:
        read_bytes(data, name="x.xlsx")
    return info.value


def test_a_real_register_is_read_within_the_default_limits(tmp_path: Path) -> None:
    (grid,) = read_bytes(_register(tmp_path, 3), name="x.xlsx")
    assert grid.cells.height == 5  # title, header, 3 rows


def test_zip_bomb_is_refused_by_its_ratio_before_inflating(tmp_path: Path) -> None:
    # 64 MiB of one repeated row compresses about 1000:1: no register does that (the
    # sample world's worst sheet is 7.7:1, a sheet formatted down 200,000 rows 20:1).
    row = b'<row><c t="inlineStr"><is><t>' + b"A" * 1000 + b"</t></is></c></row>"
    head = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    bomb = _with_sheet(
        _register(tmp_path, 1), head + row * (64 * 2**20 // len(row)) + b"</sheetData></worksheet>"
    )
    assert len(bomb) < 2 * 2**20
    start = time.perf_counter()
    exc = _refused(bomb)
    assert time.perf_counter() - start < 5
    assert exc.kind == "too_large"
    assert "压缩比" in exc.message_zh and "超过上限100倍" in exc.message_zh
    assert "解压后64MB" in exc.message_zh
    assert "xl/worksheets/sheet1.xml inflates" in exc.message_en


def test_inflated_size_limit_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register = _register(tmp_path, 1)
    with zipfile.ZipFile(io.BytesIO(register)) as zf:
        inflated = sum(i.file_size for i in zf.infolist())
    assert 8 * 1024 < inflated < 20 * 1024  # openpyxl's parts of a one-row register
    monkeypatch.setenv("DISPUTES_MAX_INFLATED_MB", str(8 / 1024))  # 8 KB
    exc = _refused(register)
    assert exc.kind == "too_large"
    assert "超过上限8.0KB" in exc.message_zh and "文件解压后约" in exc.message_zh


def _lie_about_size(data: bytes, member: str, claimed: bytes) -> bytes:
    """Rewrite the central and local headers of ``member``: its size becomes
    len(claimed) and its CRC that of ``claimed`` (the first bytes of the real content), so
    a reader that trusts the directory stops early and finds the CRC right."""
    buf = bytearray(data)
    name = member.encode()
    crc = struct.pack("<I", zlib.crc32(claimed))
    size = struct.pack("<I", len(claimed))
    central = buf.find(b"PK\x01\x02")
    while central != -1:
        name_len = struct.unpack_from("<H", buf, central + 28)[0]
        if buf[central + 46 : central + 46 + name_len] == name:
            buf[central + 16 : central + 20] = crc
            buf[central + 24 : central + 28] = size
            local = struct.unpack_from("<I", buf, central + 42)[0]
            buf[local + 14 : local + 18] = crc
            buf[local + 22 : local + 26] = size
            return bytes(buf)
        central = buf.find(b"PK\x01\x02", central + 4)
    raise AssertionError(f"{member} not in the zip")


def test_a_directory_that_lies_about_a_size_is_still_bounded(tmp_path: Path) -> None:
    # A bomb whose directory says its sheet is 100 bytes: the ratio check sees nothing, so
    # only inflating with a cap can tell. It must stop after the first MiB, not at 64 MiB.
    row = b"<row><c><v>1</v></c></row>"
    sheet = b"<worksheet><sheetData>" + row * (64 * 2**20 // len(row)) + b"</sheetData></worksheet>"
    liar = _lie_about_size(_with_sheet(_register(tmp_path, 1), sheet), SHEET, sheet[:100])
    with zipfile.ZipFile(io.BytesIO(liar)) as zf:
        assert zf.getinfo(SHEET).file_size == 100
        assert zf.read(SHEET) == sheet[:100]  # Python's own zipfile is fooled
    start = time.perf_counter()
    exc = _refused(liar)
    assert time.perf_counter() - start < 5
    assert exc.kind == "too_large"
    assert "实际解压超过目录所写的100B" in exc.message_zh


def test_a_directory_that_claims_more_than_there_is_is_truncated(tmp_path: Path) -> None:
    register = _register(tmp_path, 2)
    with zipfile.ZipFile(io.BytesIO(register)) as zf:
        real = zf.read(SHEET)
    exc = _refused(_lie_about_size(register, SHEET, real + b" " * 50))
    assert exc.kind == "truncated"


def test_rows_over_the_limit_are_counted_before_loading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register = _register(tmp_path, 60)  # title + header + 60 rows = 62 sheet rows
    monkeypatch.setenv("DISPUTES_MAX_SHEET_ROWS", "62")
    (grid,) = read_bytes(register, name="x.xlsx")
    assert grid.cells.height == 62
    monkeypatch.setenv("DISPUTES_MAX_SHEET_ROWS", "61")
    exc = _refused(register)
    assert exc.kind == "too_many_rows"
    assert "约有62行，超过上限61行" in exc.message_zh


def test_csv_rows_over_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "编号,当事人\n" + "".join(f"LF{i},张三\n" for i in range(40))
    monkeypatch.setenv("DISPUTES_MAX_SHEET_ROWS", "40")
    with pytest.raises(UnreadableFile) as info:
        read_bytes(text.encode("gb18030"), name="台账.csv")
    assert info.value.kind == "too_many_rows"
    assert "工作表「台账」约有41行，超过上限40行" in info.value.message_zh


def test_file_size_cap_for_csv(monkeypatch: pytest.MonkeyPatch) -> None:
    line = "LF0001,张三,莲峰镇\n".encode("gb18030")
    data = line * (20 * 1024 // len(line) + 1)
    monkeypatch.setenv("DISPUTES_MAX_FILE_MB", str(10 / 1024))  # 10 KB
    with pytest.raises(UnreadableFile) as info:
        read_bytes(data, name="台账.csv")
    assert info.value.kind == "too_large"
    assert "文件大小20KB，超过上限10KB" in info.value.message_zh


def test_a_typo_in_a_limit_names_the_variable() -> None:
    with pytest.raises(ValueError, match="DISPUTES_MAX_SHEET_ROWS='2百万'"):
        ReadLimits.from_env({"DISPUTES_MAX_SHEET_ROWS": "2百万"})
    with pytest.raises(ValueError, match="DISPUTES_MAX_COMPRESSION_RATIO='0'"):
        ReadLimits.from_env({"DISPUTES_MAX_COMPRESSION_RATIO": "0"})
    assert ReadLimits.from_env({}) == ReadLimits()


def test_an_oversized_file_is_refused_before_its_bytes_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """extract_file (the pool's unit of work) checks the size on disk first and hashes the
    file in a stream, so a 2 GB CSV never sits in a worker's memory."""
    path = tmp_path / "莲峰镇台账.csv"
    path.write_bytes(b"LF0001,x\n" * 4096)  # 36 KB
    monkeypatch.setenv("DISPUTES_MAX_FILE_MB", str(32 / 1024))
    result = extract_file(path)
    assert result.error is not None and result.error.kind == "too_large"
    assert "文件大小36KB，超过上限32KB" in result.error.reason_zh
    assert (result.size, result.sha256) == (36864, hashlib.sha256(path.read_bytes()).hexdigest())
    with pytest.raises(UnreadableFile, match="36864 bytes on disk"):
        read_workbook(path)


def test_a_zip_of_many_tiny_members_is_refused_before_listing_them(tmp_path: Path) -> None:
    buffer = io.BytesIO(_register(tmp_path, 1))
    with zipfile.ZipFile(buffer, "a") as zf:
        for i in range(10_001):
            zf.writestr(f"xl/media/p{i}.bin", b"")
    exc = _refused(buffer.getvalue())
    assert exc.kind == "too_large"
    assert "约10,0" in exc.message_zh and "超过上限10,000个" in exc.message_zh


def test_a_far_away_stray_cell_is_refused_before_calamine_allocates_it(tmp_path: Path) -> None:
    """Cells at A1 and BXY200001: 200,001 x 2,001 = 400,202,001 cells that calamine would
    allocate densely (measured: the process aborts under a 3 GB limit). A 5 KB file."""
    path = tmp_path / "far.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write(0, 0, "莲峰镇2025年3月矛盾纠纷排查化解台账")
    sheet.write(200_000, 2_000, "x")
    book.close()
    exc = _refused(path.read_bytes())
    assert exc.kind == "too_large"
    assert "工作表范围为A1:BXY200001（约400,202,001个单元格）" in exc.message_zh
