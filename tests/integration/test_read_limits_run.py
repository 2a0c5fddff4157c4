"""The reader's limits in a real nightly run and in the real process pool: a zip bomb from
one township is a rejected raw.files row with its Chinese reason, the other township's
register still loads; a limit set in the environment reaches the spawned pool workers."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest

from pipelines.ingest.extract import iter_extract
from pipelines.runner import run_nightly
from tests.handmade import DISPUTE_HEADER, id18, write_register
from warehouse.db import connect, fetch_dicts

pytestmark = pytest.mark.integration


def _row(i: int) -> list[object]:
    return [i, f"C{i:03d}", None, "村", "邻里纠纷", f"张{i}", id18("35082519700101123"),
            "13800000000", 1, date(2025, 3, 5), "司法所", "李四", "化解中", None, "低"]  # fmt: skip


def _register(path: Path, town: str, rows: int) -> Path:
    return write_register(
        path,
        title=f"{town}2025年3月矛盾纠纷排查化解台账",
        header=DISPUTE_HEADER,
        rows=[_row(i) for i in range(1, rows + 1)],
        arrived=datetime(2025, 4, 2, 9, 0),
    )


def _bomb(path: Path, register: Path) -> None:
    """The register with its sheet replaced by 64 MiB of one repeated row (~1000:1)."""
    row = b'<row><c t="inlineStr"><is><t>' + b"A" * 1000 + b"</t></is></c></row>"
    sheet = b"<worksheet><sheetData>" + row * (64 * 2**20 // len(row)) + b"</sheetData></worksheet>"
    out = io.BytesIO()
    with zipfile.ZipFile(register) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            is_sheet = info.filename == "xl/worksheets/sheet1.xml"
            zf.writestr(info.filename, sheet if is_sheet else src.read(info))
    path.write_bytes(out.getvalue())


def test_a_zip_bomb_is_rejected_and_the_other_township_loads(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    _register(inbox / "莲峰镇2025年3月矛盾纠纷排查化解台账.xlsx", "莲峰镇", 3)
    template = _register(tmp_path / "template.xlsx", "宣和镇", 1)
    _bomb(inbox / "宣和镇2025年3月矛盾纠纷排查化解台账.xlsx", template)
    home = tmp_path / "home"
    outcome = run_nightly(home=home, inbox=inbox, as_of=date(2025, 4, 5))
    assert outcome.success, outcome.failure
    con = connect(home / "warehouse.duckdb")
    files = fetch_dicts(
        con, "select file_name, status, reason_kind, reason_zh, data_rows from raw.files"
        " order by file_name"
    )  # fmt: skip
    con.close()
    bomb, good = files  # 宣 (U+5BA3) before 莲 (U+83B2)
    assert (bomb["status"], bomb["reason_kind"], bomb["data_rows"]) == ("rejected", "too_large", 0)
    assert "压缩比" in bomb["reason_zh"] and "解压后64MB" in bomb["reason_zh"]
    assert (good["status"], good["reason_kind"], good["data_rows"]) == ("loaded", None, 3)
    assert list((home / "quarantine" / "files").glob("*宣和镇*"))


def test_a_row_limit_in_the_environment_reaches_the_pool_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Four files so iter_extract uses its spawned pool; 3 + 2 rows = 5 sheet rows each,
    # 8 + 2 = 10 for the big one. The limit is set after this process imported the reader.
    towns = ["莲峰镇", "北团镇", "姑田镇", "朋口镇"]
    paths = [
        _register(tmp_path / f"{t}2025年3月矛盾纠纷排查化解台账.xlsx", t, 8 if t == "朋口镇" else 3)
        for t in towns
    ]
    monkeypatch.setenv("DISPUTES_MAX_SHEET_ROWS", "9")
    results = list(iter_extract(paths, workers=2))
    kinds = {Path(r.path).name[:3]: r.error.kind if r.error else None for r in results}
    assert kinds == {"莲峰镇": None, "北团镇": None, "姑田镇": None, "朋口镇": "too_many_rows"}
    (big,) = [r for r in results if r.error]
    assert big.error is not None and "约有10行，超过上限9行" in big.error.reason_zh
