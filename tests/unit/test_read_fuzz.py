"""Fuzzing the reader (issue 13 item 9): real register bytes (a hand-made .xlsx, an .xls as
the sample world writes it with xlwt, a GB18030 CSV) are mutated - bytes flipped, cut,
inserted, zip members spliced, dropped or damaged - and `read_bytes` must either return
grids or raise our UnreadableFile, never another exception, and within a time limit per
file (the hypothesis deadline; pytest-timeout stops a hang). A bad file from one township
may cost a reason, never the run.

About 60 s of CI at most: max_examples per format is kept small, hypothesis' database
remembers what failed before.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
import xlwt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.ingest.read import SheetGrid, UnreadableFile, read_bytes
from tests.handmade import DISPUTE_HEADER, PETITION_HEADER, id18, write_register

ROWS = [
    [1, "LF001", "莲峰镇", "莲峰村", "邻里纠纷", "张三、李四", id18("35082519700101123"),
     "13800000000", 2, date(2025, 3, 5), "司法所", "王五", "已化解", date(2025, 3, 8), "低"],
    [2, "LF002", "莲峰镇", "丰头村", "土地山林", "赵六", id18("35082519800202234"),
     "13900000000", 1, "2025/3/9", "派出所", "王五", "化解中", None, "中"],
]  # fmt: skip


def _xlsx(tmp: Path) -> bytes:
    return write_register(
        tmp / "莲峰镇2025年3月矛盾纠纷排查化解台账.xlsx",
        title="莲峰镇2025年3月矛盾纠纷排查化解台账",
        header=DISPUTE_HEADER,
        rows=ROWS,
        report_line="填报单位：莲峰镇综治中心  填报日期：2025年3月31日",
        total_row=True,
    ).read_bytes()


def _xls() -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("信访台账")
    sheet.write(0, 0, "宣和镇2025年3月信访事项登记台账")
    for col, text in enumerate(PETITION_HEADER):
        sheet.write(1, col, text)
    day = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    sheet.write(2, 0, 1)
    sheet.write(2, 1, "XF001")
    sheet.write(2, 2, date(2025, 3, 4), day)
    sheet.write(2, 3, "走访")
    sheet.write(2, 4, "孙八")
    sheet.write(2, 5, id18("35082519700303123"))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv() -> bytes:
    lines = [",".join(DISPUTE_HEADER)]
    start = date(2025, 3, 1)
    for i in range(8):
        lines.append(
            f'{i + 1},LF{i:03d},北团镇,北团村,"婚姻家庭,赡养",钱{i},{id18(f"3508251990010{i}123")},'
            f"1370000000{i},1,{start + timedelta(days=i)},司法所,周九,未化解,,高"
        )
    return ("\r\n".join(lines) + "\r\n").encode("gb18030")


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    tmp = tmp_path_factory.mktemp("fuzz")
    return {"xlsx": _xlsx(tmp), "xls": _xls(), "csv": _csv()}


def test_the_seeds_are_real_registers(seeds: dict[str, bytes]) -> None:
    """Unmutated, each seed reads: title, (report line,) header and the rows by hand."""
    heights = {kind: [g.cells.height for g in read_bytes(data, name=f"x.{kind}")]
               for kind, data in seeds.items()}  # fmt: skip
    # xlsx: title, report line, header, 2 rows, 合计; xls: title, header, 1 row; csv: 1 + 8
    assert heights == {"xlsx": [6], "xls": [3], "csv": [9]}


# --- mutations --------------------------------------------------------------------------

Mutation = tuple[str, int, bytes]

_mutation = st.tuples(
    st.sampled_from(["flip", "cut", "insert", "overwrite", "delete"]),
    st.integers(min_value=0, max_value=2**31),
    st.binary(min_size=1, max_size=64),
)


def _apply(data: bytes, mutations: list[Mutation]) -> bytes:
    buf = bytearray(data)
    for op, where, payload in mutations:
        at = where % (len(buf) + 1)
        if op == "flip" and buf:
            at %= len(buf)
            buf[at] ^= payload[0] or 0xFF
        elif op == "cut":
            del buf[at:]
        elif op == "insert":
            buf[at:at] = payload
        elif op == "overwrite":
            buf[at : at + len(payload)] = payload
        elif op == "delete":
            del buf[at : at + len(payload)]
    return bytes(buf)


def _splice(data: bytes, op: str, pick: int, mutations: list[Mutation]) -> bytes:
    """Rebuild the zip with one member dropped, duplicated under another's name, stored
    instead of deflated, or with its content mutated (a valid zip, damaged XML)."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        members = [(i.filename, src.read(i)) for i in src.infolist()]
    target = pick % len(members)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for index, (name, content) in enumerate(members):
            if index == target:
                if op == "drop":
                    continue
                if op == "swap":
                    content = members[(target + 1) % len(members)][1]
                elif op == "mutate":
                    content = _apply(content, mutations)
                elif op == "store":
                    zf.writestr(name, content, compress_type=zipfile.ZIP_STORED)
                    continue
            zf.writestr(name, content)
    return out.getvalue()


def _check(data: bytes, name: str) -> None:
    try:
        grids = read_bytes(data, name=name)
    except UnreadableFile as exc:
        assert exc.kind in UnreadableFile.KINDS
        assert exc.message_zh and exc.message_en
        return
    assert isinstance(grids, list) and grids
    assert all(isinstance(g, SheetGrid) for g in grids)


_FUZZ = settings(
    max_examples=300,
    # Per file, on a shared 2-core machine. Most take milliseconds; one byte flipped in an
    # .xls cell's column index (column 65,291) makes calamine take ~8 s and ~700 MB for a
    # 5 KB file (found here; a limit inside calamine is out of our reach, README "Limits").
    deadline=timedelta(seconds=20),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("kind", ["xlsx", "xls", "csv"])
@_FUZZ
@given(mutations=st.lists(_mutation, min_size=1, max_size=6))
def test_mutated_bytes_give_grids_or_unreadable(
    seeds: dict[str, bytes], kind: str, mutations: list[Mutation]
) -> None:
    _check(_apply(seeds[kind], mutations), f"莲峰镇台账.{kind}")


@pytest.mark.timeout(120)
@_FUZZ
@given(
    op=st.sampled_from(["drop", "swap", "mutate", "store"]),
    pick=st.integers(min_value=0, max_value=100),
    mutations=st.lists(_mutation, min_size=1, max_size=4),
)
def test_spliced_zip_members_give_grids_or_unreadable(
    seeds: dict[str, bytes], op: str, pick: int, mutations: list[Mutation]
) -> None:
    _check(_splice(seeds["xlsx"], op, pick, mutations), "莲峰镇台账.xlsx")
