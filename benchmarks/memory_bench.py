"""Peak memory of a nightly run on a 1,000,000-row register, and of a zip bomb, with a
same-run baseline (issue 13 item 3: the run must stay under 4 GiB).

Three measurements, each a separate process tree sampled every 0.1 s (RSS summed over the
process and all its descendants, read from /proc, so it is Linux only):

  baseline  a plain fastexcel read of the same .xlsx, every cell as text (the reader floor)
  run       `disputes run --inbox ... --home ...` on an inbox holding only that register
  bomb      `disputes run` on an inbox holding one workbook whose sheet inflates to ~3 GB
            from ~12 MB on disk: it must be refused (raw.files reason_kind too_large)
            quickly and with low RSS

    python benchmarks/memory_bench.py [--rows 1000000] [--bomb-gb 3] [--keep DIR]

The ratio run/baseline is what to compare across machines; seconds vary on shared hosts.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

import duckdb
import xlsxwriter

sys.path.insert(0, str(Path(__file__).parents[1]))
from tests.handmade import DISPUTE_HEADER, id18  # noqa: E402

_CATEGORIES = ("邻里纠纷", "婚姻家庭", "土地山林", "合同债务", "劳动社保", "宅基地")
_STATUS = ("已化解", "化解中", "未化解")
_RISK = ("低", "中", "高")


def write_big_register(path: Path, rows: int) -> None:
    """A dispute register as a township would send it (title, header, `rows` rows), written
    row by row with xlsxwriter's constant_memory mode so the writer itself stays small."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Sheet1")
    sheet.write_row(0, 0, ["莲峰镇2025年3月矛盾纠纷排查化解台账"])
    sheet.write_row(1, 0, DISPUTE_HEADER)
    start = date(2025, 3, 1)
    for i in range(rows):
        day = start + timedelta(days=i % 28)
        resolved = _STATUS[i % 3]
        sheet.write_row(
            i + 2,
            0,
            [
                i + 1,
                f"LF202503{i:07d}",
                "莲峰镇",
                f"第{i % 40 + 1}村",
                _CATEGORIES[i % len(_CATEGORIES)],
                f"张{i % 997}",
                id18(f"35082519{70 + i % 30:02d}0{1 + i % 9}{10 + i % 18:02d}{i % 1000:03d}"),
                f"13{i % 1000000000:09d}",
                1 + i % 5,
                day.isoformat(),
                "莲峰镇司法所",
                "李镇长",
                resolved,
                (day + timedelta(days=3)).isoformat() if resolved == "已化解" else "",
                _RISK[i % 3],
            ],
        )
    book.close()


def write_bomb(path: Path, inflated_bytes: int) -> None:
    """A real workbook whose one sheet is replaced by ~`inflated_bytes` of rows of one long
    text cell with a short varying token: about 250:1 deflated, like the 12 MB file that
    inflated to 3 GB. Its zip directory tells the truth."""
    base = io.BytesIO()
    book = xlsxwriter.Workbook(base, {"in_memory": True})
    book.add_worksheet("Sheet1").write(0, 0, "宣和镇2025年3月矛盾纠纷排查化解台账")
    book.close()
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>"
    )
    filler = b"A" * 3000
    with (
        zipfile.ZipFile(base) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf,
    ):
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                zf.writestr(info.filename, src.read(info))
                continue
            with zf.open(info.filename, "w", force_zip64=True) as member:
                member.write(head)
                written, n, token = len(head), 0, 12345
                while written < inflated_bytes:
                    rows = []
                    for _ in range(1000):
                        n += 1
                        token = (token * 1103515245 + 12345) % 2**31
                        rows.append(
                            b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>%04x'
                            % (n, n, token & 0xFFFF)
                            + filler
                            + b"</t></is></c></row>"
                        )
                    block = b"".join(rows)
                    member.write(block)
                    written += len(block)
                member.write(b"</sheetData></worksheet>")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # comm may hold spaces/parens: the fields after the last ")" are fixed.
        ppid = int(stat.rsplit(b")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_rss(root: int) -> int:
    """RSS of `root` and every descendant (spawned pool workers included)."""
    tree = _children()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _rss(pid)
        todo.extend(tree.get(pid, ()))
    return total


def measure(cmd: list[str], env: dict[str, str]) -> tuple[int, float, int]:
    """(exit code, seconds, peak tree RSS in bytes) of `cmd`, sampled every 0.1 s."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.1)
    out = proc.stdout.read().decode("utf-8", "replace") if proc.stdout else ""
    secs = time.perf_counter() - start
    if proc.returncode != 0:
        print(out[-3000:])
    return proc.returncode, secs, peak


_BASELINE = """
import sys, fastexcel, polars as pl
reader = fastexcel.read_excel(sys.argv[1])
frame = pl.from_arrow(reader.load_sheet(0, header_row=None, dtypes="string", eager=True))
print(frame.height)
"""


def _gib(n: int) -> str:
    return f"{n / 2**30:.2f} GiB"


def _file_outcome(home: Path) -> list[tuple[str, str | None, str | None]]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute("select status, reason_kind, reason_zh from raw.files").fetchall()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--bomb-gb", type=float, default=3.0)
    parser.add_argument("--keep", type=Path, help="work here and keep the files")
    parser.add_argument("--skip-run", action="store_true", help="bomb and baseline only")
    parser.add_argument("--skip-bomb", action="store_true", help="baseline and run only")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    root = args.keep or Path(tmp.name)
    root.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DISPUTES_PII_KEY": "memory-bench-key-not-secret"}
    disputes = str(Path(sys.executable).with_name("disputes"))

    inbox = root / "inbox"
    inbox.mkdir(exist_ok=True)
    big = inbox / "莲峰镇2025年3月矛盾纠纷排查化解台账.xlsx"
    if not big.exists():
        t0 = time.perf_counter()
        write_big_register(big, args.rows)
        print(
            f"wrote {args.rows} rows, {big.stat().st_size / 2**20:.1f} MiB on disk "
            f"in {time.perf_counter() - t0:.0f} s"
        )
    with zipfile.ZipFile(big) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
        print(
            f"register sheet: {info.file_size / 2**20:.0f} MiB inflated, "
            f"ratio {info.file_size / info.compress_size:.1f}"
        )

    code, secs, base_peak = measure([sys.executable, "-c", _BASELINE, str(big)], env)
    print(f"baseline fastexcel read: exit {code}, {secs:.1f} s, peak RSS {_gib(base_peak)}")

    if not args.skip_run:
        home = root / "home"
        code, secs, run_peak = measure(
            [disputes, "run", "--inbox", str(inbox), "--home", str(home)], env
        )
        print(
            f"run {args.rows} rows: exit {code}, {secs:.1f} s, peak RSS {_gib(run_peak)}, "
            f"{run_peak / base_peak:.2f}x baseline"
        )
        for status, kind, _ in _file_outcome(home):
            print(f"  raw.files: {status} {kind or ''}")

    if args.skip_bomb:
        tmp.cleanup()
        return
    bomb_inbox = root / "bomb_inbox"
    bomb_inbox.mkdir(exist_ok=True)
    bomb = bomb_inbox / "宣和镇2025年3月矛盾纠纷排查化解台账.xlsx"
    if not bomb.exists():
        write_bomb(bomb, int(args.bomb_gb * 2**30))
    with zipfile.ZipFile(bomb) as zf:
        inflated = sum(i.file_size for i in zf.infolist())
    print(f"bomb: {bomb.stat().st_size / 2**20:.1f} MiB on disk, {_gib(inflated)} inflated")
    bomb_home = root / "bomb_home"
    code, secs, bomb_peak = measure(
        [disputes, "run", "--inbox", str(bomb_inbox), "--home", str(bomb_home)], env
    )
    print(f"run on bomb: exit {code}, {secs:.1f} s, peak RSS {_gib(bomb_peak)}")
    for status, kind, reason in _file_outcome(bomb_home):
        print(f"  raw.files: {status} {kind or ''} {reason or ''}")
    tmp.cleanup()


if __name__ == "__main__":
    main()
