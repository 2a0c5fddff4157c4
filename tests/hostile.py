"""Hand-made inbox entries a coordinator (or a share) can leave that are not plain
registers: symlinks, a FIFO, a socket, a GBK file name. Each is made for real with os calls
(tests/integration/test_inbox_boundary.py, test_file_isolation.py)."""

from __future__ import annotations

import io
import os
import socket
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from tests.handmade import PETITION_HEADER, id18, write_register


def petition_register(path: Path, town: str, month: int, rows: int) -> Path:
    """A 信访 register of ``town`` for 2025-``month`` with ``rows`` distinct petitions,
    every one valid (so each lands and stages: its row count is ``rows``)."""
    body = [
        [i + 1, f"XF{month:02d}{i:04d}", datetime(2025, month, 6), "走访", "孙八",
         id18("35082519700303123"), None, 1, town, "北团村", "宅基地", "本县", None, None,
         "否", None, None]
        for i in range(rows)
    ]  # fmt: skip
    return write_register(
        path,
        title=f"{town}2025年{month}月信访事项登记台账",
        header=PETITION_HEADER,
        rows=body,
        arrived=datetime(2025, month + 1, 2, 8, 0),
    )


def unix_socket(path: Path) -> Path:
    """A bound unix socket at ``path`` (left in place, closed: the inode stays). Bound from
    inside its folder: a socket address is limited to 108 bytes, a tmp path may be longer."""
    here = Path.cwd()
    os.chdir(path.parent)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.bind(path.name)
    finally:
        os.chdir(here)
    return path


def gbk_named(folder: Path, name: str, content: bytes) -> Path:
    """A file whose name on disk is ``name`` in GBK bytes (as a Windows share writes it):
    not valid UTF-8, so Python sees it with surrogate escapes."""
    raw = os.fsencode(folder) + b"/" + name.encode("gbk")
    fd = os.open(raw, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(content)
    return Path(os.fsdecode(raw))


def gb2312_workbook(path: Path) -> Path:
    """A register whose workbook.xml is declared GB2312 with a hidden sheet named in GBK,
    as an old export tool writes it (the reader's hidden-sheet scan once decoded sheet names
    as UTF-8 and raised UnicodeDecodeError on it; calamine reads it)."""
    built = petition_register(path.with_suffix(".tmp.xlsx"), "姑田镇", 5, 3)
    book = load_workbook(built)
    hidden = book.create_sheet("说明")
    hidden.sheet_state = "hidden"
    hidden.append(["填表说明"])
    book.save(built)
    out = io.BytesIO()
    with zipfile.ZipFile(built) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/workbook.xml":
                data = b'<?xml version="1.0" encoding="GB2312"?>' + data.replace(
                    "说明".encode(), "说明".encode("gbk")
                )
            dst.writestr(info, data)
    built.unlink()
    path.write_bytes(out.getvalue())
    return path
