"""Issue 13's acceptance: a coordinator's shared folder holding anything, and the run still
loads every good register and accounts for every entry (DESIGN.md section 7).

The inbox is built here, entry by entry, the way county PCs fill it: three good registers
beside an encrypted workbook, a zip bomb, a register whose free text holds formulas, an empty
file, a folder named like a workbook, a truncated file with a very long name, a symlink to a
register outside the inbox, a register whose name is GBK bytes, a JPEG, an Excel lock file
and a byte-identical copy of a good register. `disputes run` runs as a real process (peak
RSS of its whole process tree sampled from /proc), and every figure below is counted by hand
from the rows written here.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from sample_world.broken.crypto import encrypt
from tests.handmade import DISPUTE_HEADER, PETITION_HEADER, id18, write_register

pytestmark = pytest.mark.integration

ARRIVED = datetime(2025, 4, 2, 9, 0)
AS_OF = "2025-04-05"
GIB = 1 << 30

LIANFENG = "莲峰镇2025年3月矛盾纠纷排查化解台账.xlsx"
XUANHE = "宣和镇2025年3月信访事项登记台账.xlsx"
BEITUAN = "北团镇2025年3月矛盾纠纷排查化解台账.xlsx"
FORMULAS = "隔川镇2025年3月矛盾纠纷排查化解台账.xlsx"
GBK_NAME = "林坊镇2025年3月矛盾纠纷排查化解台账.xlsx"
ENCRYPTED = "姑田镇2025年3月矛盾纠纷排查化解台账（加密）.xlsx"
BOMB = "朋口镇2025年3月矛盾纠纷排查化解台账.xlsx"
EMPTY = "莒溪镇3月台账.xlsx"
FOLDER = "文亨镇2025年3月台账.xlsx"
# 255 bytes is the usual limit of one name; 79 CJK characters are 237 bytes in UTF-8.
LONG = "庙前镇2025年3月矛盾纠纷排查化解台账" + "（修改稿）" * 12 + ".xlsx"
LINK = "新泉镇2025年3月矛盾纠纷排查化解台账.xlsx"
JPEG = "现场照片.jpg"
LOCK = "~$莲峰镇2025年3月矛盾纠纷排查化解台账.xlsx"
COPY = "莲峰镇3月台账 - 副本.xlsx"

OUTSIDER = "欧阳外来"  # a party only in the register outside the inbox
_TOWN_ORDER = ["莲峰镇", "北团镇", "隔川镇", "林坊镇", "姑田镇", "新泉镇"]


def _dispute(n: int, town: str, party: str, first17: str, day: int, **extra: str) -> list:
    row: list = [n, f"JF{n:03d}", town, f"{town[:2]}村", "邻里纠纷", party, id18(first17),
                 f"1380013800{n}", 2, datetime(2025, 3, day), "司法所", "张书记", "化解中",
                 None, "低"]  # fmt: skip
    for header, value in extra.items():
        row[DISPUTE_HEADER.index(header)] = value
    return row


def _good_dispute_register(path: Path, town: str, parties: list[str], **extra: str) -> Path:
    """One register of ``town``; every party has an ID of its own (born in January 1980 on a
    day set by the town's place in _TOWN_ORDER and the row)."""
    born = 4 * _TOWN_ORDER.index(town) + 1
    rows = [
        _dispute(i + 1, town, party, f"350825198001{born + i:02d}123", 3 + i, **extra)
        for i, party in enumerate(parties)
    ]
    return write_register(
        path,
        title=f"{town}2025年3月矛盾纠纷排查化解台账",
        header=DISPUTE_HEADER,
        rows=rows,
        arrived=ARRIVED,
    )


def _petition_register(path: Path) -> Path:
    def row(n: int, name: str, day: int) -> list:
        return [n, f"XF{n:03d}", datetime(2025, 3, day), "走访", name,
                id18(f"3508251975020{n}123"), f"1390013900{n}", 1, "宣和镇", "宣和村",
                "土地征收", "本县", datetime(2025, 3, day + 2), None, "否", None, None]  # fmt: skip

    return write_register(
        path,
        title="宣和镇2025年3月信访事项登记台账",
        header=PETITION_HEADER,
        rows=[row(1, "陈秋生", 4), row(2, "林春花", 11)],
        arrived=ARRIVED,
    )


def _zip_bomb(path: Path, template: Path, inflated: int) -> Path:
    """A real workbook whose one sheet inflates to ``inflated`` bytes of repeated rows: a
    few MB on disk, written in chunks so the test itself never holds it in memory."""
    row = b'<row><c t="inlineStr"><is><t>\xe7\x82\xb8\xe5\xbc\xb9</t></is></c></row>'
    chunk = row * ((1 << 20) // len(row))
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(path, "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                out.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
                continue
            head, tail = data.split(b"</sheetData>", 1)
            member = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            member.compress_type = zipfile.ZIP_DEFLATED
            with out.open(member, "w", force_zip64=True) as sheet:
                sheet.write(head)
                for _ in range(inflated // len(chunk)):
                    sheet.write(chunk)
                sheet.write(b"</sheetData>" + tail)
    os.utime(path, (ARRIVED.timestamp(), ARRIVED.timestamp()))
    return path


def _jpeg() -> bytes:
    """The first bytes of a real JFIF photo (SOI, APP0, a quantisation table) and noise."""
    app0 = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8" + app0 + b"\xff\xdb\x00\x43\x00" + random.Random(3).randbytes(4000)


def _build_inbox(root: Path) -> tuple[Path, Path]:
    inbox, outside = root / "inbox", root / "outside"
    inbox.mkdir()
    outside.mkdir()
    good = _good_dispute_register(inbox / LIANFENG, "莲峰镇", ["王大明", "李小红", "赵阿福"])
    _petition_register(inbox / XUANHE)
    _good_dispute_register(inbox / BEITUAN, "北团镇", ["周文", "吴武"])
    _good_dispute_register(
        inbox / FORMULAS,
        "隔川镇",
        ["郑一", "钱二"],
        包案领导="=1+1",
        责任单位='=HYPERLINK("http://example.invalid","点击")',
    )
    gbk = _good_dispute_register(root / "gbk.xlsx", "林坊镇", ["黄林"])
    os.rename(bytes(gbk), os.path.join(bytes(inbox), GBK_NAME.encode("gbk")))

    plain = _good_dispute_register(root / "plain.xlsx", "姑田镇", ["孙甲"])
    (inbox / ENCRYPTED).write_bytes(
        encrypt(plain.read_bytes(), "123456", random.Random(1), ARRIVED)
    )
    _zip_bomb(inbox / BOMB, plain, inflated=1536 << 20)
    (inbox / EMPTY).write_bytes(b"")
    (inbox / FOLDER).mkdir()
    data = good.read_bytes()
    (inbox / LONG).write_bytes(data[: len(data) // 2])
    _good_dispute_register(outside / LINK, "新泉镇", [OUTSIDER])
    (inbox / LINK).symlink_to(outside / LINK)
    (inbox / JPEG).write_bytes(_jpeg())
    (inbox / LOCK).write_bytes(b"\x0cclerk" + b"\x00" * 40)
    shutil.copy(good, inbox / COPY)
    later = ARRIVED.timestamp() + 3600
    os.utime(inbox / COPY, (later, later))
    return inbox, outside


def _tree_rss(root_pid: int) -> int:
    """Resident bytes of ``root_pid`` and every descendant, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    tree, frontier = {root_pid}, [root_pid]
    while frontier:
        pid = frontier.pop()
        children = [p for p, parent in parents.items() if parent == pid and p not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(rss.get(p, 0) for p in tree)


def _run_watched(args: list[str], env: dict[str, str]) -> tuple[subprocess.CompletedProcess, int]:
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate(timeout=900)
    done.set()
    sampler.join()
    return subprocess.CompletedProcess(args, proc.returncode, out.decode(), None), peak


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str, int, int]:
    root = tmp_path_factory.mktemp("hostile")
    inbox, outside = _build_inbox(root)
    home = root / "home"
    env = os.environ | {"DISPUTES_PII_KEY": "test-key-hostile-inbox-0123456789"}
    disputes = str(Path(sys.executable).with_name("disputes"))  # the console script
    args = [disputes, "run", "--inbox", str(inbox)]
    result, peak = _run_watched([*args, "--home", str(home), "--as-of", AS_OF], env)
    return home, outside, result.stdout, result.returncode, peak


def _files(home: Path) -> dict[str, tuple[str, str | None]]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute("select file_name, status, reason_kind from raw.files").fetchall()
    return {name: (status, kind) for name, status, kind in rows}


def test_the_run_succeeds_within_bounded_memory(hostile_run: tuple) -> None:
    _, _, output, code, peak = hostile_run
    assert code == 0, output
    assert peak < 4 * GIB, f"peak RSS {peak / GIB:.2f} GiB"


def test_every_entry_has_a_status_and_the_good_files_load(hostile_run: tuple) -> None:
    home = hostile_run[0]
    files = _files(home)
    assert {name: files.get(name, ("missing", None))[0] for name in (
        LIANFENG, XUANHE, BEITUAN, FORMULAS, GBK_NAME)} == dict.fromkeys(
        (LIANFENG, XUANHE, BEITUAN, FORMULAS, GBK_NAME), "loaded")  # fmt: skip
    assert files[ENCRYPTED] == ("rejected", "encrypted")
    assert files[BOMB] == ("rejected", "too_large")
    assert files[EMPTY] == ("rejected", "empty")
    assert files[LONG] == ("rejected", "truncated")
    assert files[LINK] == ("rejected", "not_regular_file")
    assert files[JPEG] == ("rejected", "not_spreadsheet")
    assert files[LOCK] == ("skipped", "lock_file")
    assert files[COPY] == ("duplicate", "duplicate")
    assert files[FOLDER] == ("skipped", "folder_named_like_file")
    assert len(files) == 14, sorted(files)
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        unexplained = con.execute(
            "select file_name from raw.files where status <> 'loaded'"
            " and (reason_kind is null or reason_zh is null or reason_en is null)"
        ).fetchall()
    assert unexplained == []


def test_rows_by_township_as_written(hostile_run: tuple) -> None:
    with duckdb.connect(str(hostile_run[0] / "warehouse.duckdb"), read_only=True) as con:
        disputes = dict(
            con.execute(
                "select township_code, count(*) from staging.disputes group by 1"
            ).fetchall()
        )
        petitions = con.execute("select count(*) from staging.petitions").fetchone()
        quarantined = con.execute("select count(*) from quality.quarantined_rows").fetchone()
    # 莲峰镇 3, 北团镇 2, 隔川镇 2, 林坊镇 1 (townships.csv codes)
    assert disputes == {"350825100": 3, "350825101": 2, "350825110": 2, "350825109": 1}
    assert petitions == (2,)
    assert quarantined == (0,)


def test_formula_text_is_kept_as_typed(hostile_run: tuple) -> None:
    with duckdb.connect(str(hostile_run[0] / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select r.* exclude (file_id, sheet_name, excel_row) from"
            " raw.dispute_rows r join raw.files f using (file_id) where f.file_name = ?",
            [FORMULAS],
        ).fetchall()
    texts = {v for row in rows for v in row if isinstance(v, str)}
    assert {"=1+1", '=HYPERLINK("http://example.invalid","点击")'} <= texts


def test_nothing_from_outside_the_inbox_is_read(hostile_run: tuple) -> None:
    home, outside = hostile_run[0], hostile_run[1]
    outside_sha = __import__("hashlib").sha256((outside / LINK).read_bytes()).hexdigest()
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute(
            "select count(*) from raw.files where file_id like ?", [f"{outside_sha}%"]
        ).fetchone() == (0,)
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns"
            " where data_type = 'VARCHAR' and table_schema not in ('information_schema')"
        ).fetchall()
        hits = [
            f"{s}.{t}.{c}"
            for s, t, c in columns
            if con.execute(
                f'select count(*) from "{s}"."{t}" where "{c}" like ?', [f"%{OUTSIDER}%"]
            ).fetchone()
            != (0,)
        ]
    assert hits == []
    quarantine = home / "quarantine"
    copied = [p.name for p in quarantine.rglob("*")] if quarantine.exists() else []
    assert not any("新泉镇" in name for name in copied)


def test_gbk_name_is_shown_readably(hostile_run: tuple) -> None:
    with duckdb.connect(str(hostile_run[0] / "warehouse.duckdb"), read_only=True) as con:
        row = con.execute(
            "select path, township_code from raw.files where file_name = ?", [GBK_NAME]
        ).fetchone()
    assert row == (GBK_NAME, "350825109")
