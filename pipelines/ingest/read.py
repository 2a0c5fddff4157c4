"""Read a township's file into grids of text, one per sheet, whatever the file claims to be.

Everything is read as text: type guessing silently nulls text that follows numbers, and an
18-digit ID in a number cell has already lost digits that no later step may "repair"
(DESIGN.md section 10). The file kind is decided from its bytes, not its extension: a CSV
renamed .xlsx, an encrypted workbook saved from WPS or a half-uploaded file must each get a
reason a township coordinator can act on, in Chinese.

Grid columns are named by the true Excel column (``c0`` = A), and ``excel_row`` is the row
number the coordinator sees, so every later message can point at a cell.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import fastexcel
import polars as pl

from pipelines.ingest.limits import MAX_SHEET_CELLS, RATIO_FLOOR_BYTES, ReadLimits, human_size

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# Binary formats people send by mistake; anything else without NUL bytes is tried as text.
_OTHER_BINARY_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"Rar!",
    b"7z\xbc\xaf",
    b"\x1f\x8b",
    b"{\\rtf",
)
_SNIFF_BYTES = 64 * 1024


class UnreadableFile(Exception):  # noqa: N818 - the name is the contract
    """The file cannot be read as a spreadsheet; ``message_zh`` goes to the coordinator."""

    KINDS = frozenset(
        {"not_spreadsheet", "truncated", "encrypted", "empty", "too_large", "too_many_rows"}
    )

    def __init__(self, kind: str, message_zh: str, message_en: str) -> None:
        if kind not in self.KINDS:
            raise ValueError(f"unknown UnreadableFile kind {kind!r}")
        super().__init__(message_en)
        self.kind = kind
        self.message_zh = message_zh
        self.message_en = message_en

    def __reduce__(self) -> tuple[type[UnreadableFile], tuple[str, str, str]]:
        # Exceptions with extra constructor arguments do not pickle by default; extraction
        # runs in a process pool, so this one must.
        return (type(self), (self.kind, self.message_zh, self.message_en))


def _empty() -> UnreadableFile:
    return UnreadableFile(
        "empty",
        "文件是空的（没有任何内容）。请确认保存了台账内容后重新报送。",
        "the file is empty (no cells with content)",
    )


def _truncated(detail: str) -> UnreadableFile:
    return UnreadableFile(
        "truncated",
        "文件已损坏或不完整（可能上传/拷贝中断），无法打开。请重新保存后再报送。",
        f"the file is truncated or corrupt: {detail}",
    )


def _not_spreadsheet(detail: str) -> UnreadableFile:
    return UnreadableFile(
        "not_spreadsheet",
        "文件不是Excel表格或CSV文件，无法读取。请用Excel（.xlsx/.xls）格式报送台账。",
        f"not a spreadsheet: {detail}",
    )


def _encrypted() -> UnreadableFile:
    return UnreadableFile(
        "encrypted",
        "文件已加密（设置了打开密码），无法读取。请取消密码后重新报送。",
        "the workbook is password protected",
    )


def _too_large(what_zh: str, what_en: str) -> UnreadableFile:
    return UnreadableFile(
        "too_large",
        f"{what_zh}，不像正常台账（可能已损坏或被恶意构造），为保护系统未读取。"
        "请检查文件，用Excel另存为新的.xlsx后重新报送；台账确实这么大时请按月或按村拆分报送。",
        f"refused before reading: {what_en}",
    )


def _too_many_rows(rows: int, limit: int, sheet: str | None) -> UnreadableFile:
    where = f"工作表「{sheet}」" if sheet else "工作表"
    return UnreadableFile(
        "too_many_rows",
        f"{where}约有{rows:,}行，超过上限{limit:,}行，不像正常台账（可能在表格末尾误填了内容"
        "或整列设置了格式）。请删除多余的行后重新报送；台账确实这么大时请按月或按村拆分报送。",
        f"sheet {sheet or '?'} has {rows} rows, over the limit of {limit}",
    )


@dataclass
class SheetGrid:
    """One sheet as text: columns ``c0..cN`` (c0 = Excel column A) plus ``excel_row``."""

    name: str
    visible: bool
    cells: pl.DataFrame

    @property
    def cell_columns(self) -> list[str]:
        return [c for c in self.cells.columns if c != "excel_row"]


def column_letter(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA": how a coordinator names a column."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def read_workbook(path: Path) -> list[SheetGrid]:
    """Every sheet of the file as a text grid; raises UnreadableFile with a reason."""
    check_file_size(Path(path).stat().st_size)
    data = Path(path).read_bytes()
    return read_bytes(data, name=Path(path).name)


def check_file_size(size: int, limits: ReadLimits | None = None) -> None:
    """Refuse a file over DISPUTES_MAX_FILE_MB from its size alone, before its bytes are
    read into memory (a 2 GB CSV is not a register)."""
    limits = limits or ReadLimits.from_env()
    if size > limits.max_file_bytes:
        raise _too_large(
            f"文件大小{human_size(size)}，超过上限{human_size(limits.max_file_bytes)}",
            f"{size} bytes on disk, limit {limits.max_file_bytes}",
        )


def read_bytes(data: bytes, *, name: str = "", limits: ReadLimits | None = None) -> list[SheetGrid]:
    """As `read_workbook`, for bytes already in memory (the caller hashes them too).

    Raises only UnreadableFile (tests/unit/test_read_fuzz.py mutates real registers to
    hold it to that): a parser's own exception on damaged bytes becomes ``truncated``.
    ``limits`` default to the environment's (pipelines/ingest/limits.py).
    """
    limits = limits or ReadLimits.from_env()
    try:
        grids = _read_any(data, name, limits)
    except (UnreadableFile, MemoryError, KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - calamine's Rust panics are BaseException
        # A parser that trips over damage it did not expect (found by fuzzing: zlib and
        # seek errors in zipfile, RecursionError in olefile, a panic in calamine on a cut
        # .xls): the file is damaged, the coordinator can act on that; the data team gets
        # the exception in the English reason.
        first = str(exc).splitlines()[0] if str(exc) else ""
        raise _truncated(f"{type(exc).__name__}: {first}"[:300]) from exc
    for grid in grids:
        if grid.cells.height > limits.max_sheet_rows:
            raise _too_many_rows(grid.cells.height, limits.max_sheet_rows, grid.name)
    if not grids or all(_is_blank(g.cells) for g in grids):
        raise _empty()
    return grids


def _read_any(data: bytes, name: str, limits: ReadLimits) -> list[SheetGrid]:
    if not data.strip(b"\x00 \t\r\n"):
        raise _empty()
    check_file_size(len(data), limits)
    head = data[:8]
    if head.startswith(ZIP_MAGIC):
        return _read_ooxml(data, limits)
    if head.startswith(OLE2_MAGIC):
        return _read_ole2(data)
    if head.startswith(b"PK"):
        raise _truncated("zip without a local file header")
    return [_read_text(data, name)]


# --- Excel ------------------------------------------------------------------------------


# An .xlsx has a few parts per sheet; a zip of millions of tiny members would cost ~300
# bytes of ZipInfo each before any other check could run.
MAX_ZIP_MEMBERS = 10_000


def _read_ooxml(data: bytes, limits: ReadLimits) -> list[SheetGrid]:
    # Central directory headers, counted in C before zipfile builds one object per entry.
    members = data.count(b"PK\x01\x02")
    if members > MAX_ZIP_MEMBERS:
        raise _too_large(
            f"文件内含约{members:,}个压缩部件，超过上限{MAX_ZIP_MEMBERS:,}个",
            f"{members} zip members, limit {MAX_ZIP_MEMBERS}",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
                kind = "a Word document" if "word/document.xml" in names else "a zip archive"
                raise _not_spreadsheet(f"{kind}, not a workbook")
            # From the directory alone, before a byte is inflated: what it claims.
            _check_directory(infos, limits)
            # Then inflate every member with a cap (not testzip: it trusts the directory's
            # sizes), so a directory that lies cannot make calamine inflate more.
            rows = max((_inflate_bounded(data, i, limits) for i in infos), default=0)
            if rows > limits.max_sheet_rows:
                raise _too_many_rows(rows, limits.max_sheet_rows, None)
            hidden = _ooxml_hidden_sheets(zf)
    except zipfile.BadZipFile as exc:
        raise _truncated(str(exc)) from exc
    except (EOFError, zipfile.LargeZipFile, OSError, zlib.error, struct.error) as exc:
        raise _truncated(str(exc)) from exc
    return _read_calamine(data, hidden=hidden)


def _check_directory(infos: list[zipfile.ZipInfo], limits: ReadLimits) -> None:
    total = sum(i.file_size for i in infos)
    if total > limits.max_inflated_bytes:
        raise _too_large(
            f"文件解压后约{human_size(total)}，超过上限{human_size(limits.max_inflated_bytes)}",
            f"zip directory says {total} bytes inflated, limit {limits.max_inflated_bytes}",
        )
    for info in infos:
        if info.file_size < RATIO_FLOOR_BYTES:
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_compression_ratio:
            raise _too_large(
                f"文件中的{info.filename}压缩比约{ratio:.0f}倍（{human_size(info.compress_size)}"
                f"解压后{human_size(info.file_size)}），超过上限{limits.max_compression_ratio:.0f}倍",
                f"{info.filename} inflates {ratio:.0f}:1, limit {limits.max_compression_ratio:g}",
            )


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _check_dimension(member: str, head: bytes) -> None:
    """The sheet's stated used range (Excel, WPS and xlsxwriter write it first): calamine
    allocates that rectangle densely, so a far-away stray cell is refused here. A sheet
    without the tag is not checked (a known gap: README "Limits")."""
    found = _DIMENSION.search(head[:4096])
    if not found or not found.group(3):
        return
    c1, r1, c2, r2 = found.groups()
    cells = (abs(int(r2) - int(r1)) + 1) * (abs(_column_number(c2) - _column_number(c1)) + 1)
    if cells > MAX_SHEET_CELLS:
        ref = found.group(0).split(b'"')[1].decode("ascii")
        raise _too_large(
            f"工作表范围为{ref}（约{cells:,}个单元格），超过上限{MAX_SHEET_CELLS:,}个"
            "（可能在很远的行或列误填了内容）",
            f"{member} states a used range {ref} of {cells} cells, limit {MAX_SHEET_CELLS}",
        )


_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature .. file name length, extra length
_CHUNK = 1 << 20


def _inflate_bounded(data: bytes, info: zipfile.ZipInfo, limits: ReadLimits) -> int:
    """Inflate one member in 1 MiB steps, checking its CRC, never past its declared size
    (already within the limits); returns how many ``<row`` elements a worksheet holds.

    The raw bytes are taken where the local header says, ``compress_size`` long, as
    calamine's zip reader takes them: what inflates here within the cap is what it gets.
    """
    if info.flag_bits & 0x1:
        raise _encrypted()
    start = info.header_offset
    signature, name_len, extra_len = _LOCAL_HEADER.unpack_from(data, start)
    if signature != ZIP_MAGIC:
        raise _truncated(f"zip member {info.filename}: bad local header")
    begin = start + _LOCAL_HEADER.size + name_len + extra_len
    raw = memoryview(data)[begin : begin + info.compress_size]
    if len(raw) < info.compress_size:
        raise _truncated(f"zip member {info.filename} is cut short")
    is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
    rows = 0
    tail = b""
    crc = 0
    size = 0

    def take(piece: bytes) -> None:
        nonlocal rows, tail, crc, size
        if is_sheet and size == 0:
            _check_dimension(info.filename, piece)
        size += len(piece)
        if size > info.file_size:
            raise _too_large(
                f"文件中的{info.filename}实际解压超过目录所写的{human_size(info.file_size)}",
                f"{info.filename} inflates past the {info.file_size} bytes its directory says",
            )
        crc = zlib.crc32(piece, crc)
        if is_sheet and piece:
            # The previous piece's last 4 bytes are shorter than a tag: a tag across the
            # boundary is counted once, a tag inside the previous piece never twice.
            joined = tail + piece
            rows += joined.count(b"<row ") + joined.count(b"<row>")
            tail = joined[-4:]

    if info.compress_type == zipfile.ZIP_STORED:
        for offset in range(0, len(raw), _CHUNK):
            take(bytes(raw[offset : offset + _CHUNK]))
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        for offset in range(0, len(raw), _CHUNK):
            pending = bytes(raw[offset : offset + _CHUNK])
            while pending:
                take(inflater.decompress(pending, _CHUNK))
                pending = inflater.unconsumed_tail
            if inflater.eof:
                break
        take(inflater.flush())
        if not inflater.eof:
            raise _truncated(f"zip member {info.filename} ends mid-stream")
    else:
        raise _truncated(f"zip member {info.filename} uses compression method {info.compress_type}")
    if size != info.file_size or crc != info.CRC:
        raise _truncated(f"zip member {info.filename} is corrupt (size or CRC)")
    return rows


_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_ATTR = re.compile(rb'(\w+)="([^"]*)"')


def _ooxml_hidden_sheets(zf: zipfile.ZipFile) -> set[str] | None:
    """Names of hidden sheets from workbook.xml: cheaper than a second parse per sheet."""
    try:
        xml = zf.read("xl/workbook.xml")
    except KeyError:
        return None
    encoding = _xml_encoding(xml)
    hidden: set[str] = set()
    for tag in _SHEET_TAG.findall(xml):
        attrs = dict(_ATTR.findall(tag))
        if attrs.get(b"state", b"visible") != b"visible":
            name = attrs.get(b"name", b"").decode(encoding, errors="replace")
            hidden.add(_xml_unescape(name))
    return hidden


_XML_ENCODING = re.compile(rb'^\s*<\?xml[^>]*\bencoding=["\']([A-Za-z0-9._-]+)["\']')


def _xml_encoding(xml: bytes) -> str:
    """The encoding workbook.xml declares (an old export tool writes GB2312; calamine reads
    it so), UTF-8 when none is declared or Python does not know the name."""
    match = _XML_ENCODING.match(xml[:200])
    if match is None:
        return "utf-8"
    name = match.group(1).decode("ascii").lower()
    if name in {"gb2312", "gbk"}:
        return "gb18030"  # the superset: a GB2312-declared file often holds GBK characters
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "utf-8"


def _xml_unescape(text: str) -> str:
    for src, dst in (
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", '"'),
        ("&apos;", "'"),
        ("&amp;", "&"),
    ):
        text = text.replace(src, dst)
    return text


def _read_ole2(data: bytes) -> list[SheetGrid]:
    import msoffcrypto
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:  # olefile raises plain OSError/struct errors on damage
        raise _truncated(f"damaged OLE2 container: {exc}") from exc
    with ole:
        streams = {"/".join(s) for s in ole.listdir()}
    if "EncryptionInfo" in streams or "EncryptedPackage" in streams:
        raise _encrypted()
    if not ({"Workbook", "Book"} & streams):
        raise _not_spreadsheet("an Office file without a workbook stream (Word/PowerPoint?)")
    try:
        if msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted():
            raise _encrypted()
    except UnreadableFile:
        raise
    except Exception:  # noqa: S110 - calamine below gives the better error for damage
        pass
    return _read_calamine(data, hidden=None)


def _read_calamine(data: bytes, *, hidden: set[str] | None) -> list[SheetGrid]:
    try:
        reader = fastexcel.read_excel(data)
        names = reader.sheet_names
    except Exception as exc:
        raise _classify_calamine_error(exc) from exc
    grids: list[SheetGrid] = []
    for idx, name in enumerate(names):
        try:
            grids.append(_load_sheet(reader, idx, name, hidden))
        except Exception as exc:
            raise _classify_calamine_error(exc) from exc
    return grids


def _classify_calamine_error(exc: Exception) -> UnreadableFile:
    text = str(exc)
    if "password" in text.lower() or "encrypt" in text.lower():
        return _encrypted()
    return _truncated(text.splitlines()[0] if text else type(exc).__name__)


def _load_sheet(
    reader: fastexcel.ExcelReader, idx: int, name: str, hidden: set[str] | None
) -> SheetGrid:
    absolute: list[int] = []

    def keep(column: fastexcel.ColumnInfoNoDtype) -> bool:
        # calamine drops leading empty columns; absolute_index is the true Excel column.
        absolute.append(column.absolute_index)
        return True

    # skip_rows=0: with header_row=None fastexcel would otherwise drop leading empty rows
    # and every row number after them would be off.
    if hidden is None:
        # .xls: visibility only on the lazy sheet object, so load it once that way (each
        # load of a damaged .xls with a cell in column 65,000 took 6 s: found by fuzzing).
        sheet = reader.load_sheet(
            idx, header_row=None, dtypes="string", skip_rows=0, use_columns=keep
        )
        visible = sheet.visible == "visible"
        batch = sheet.to_arrow()
    else:
        visible = name not in hidden
        batch = reader.load_sheet(
            idx, header_row=None, dtypes="string", skip_rows=0, eager=True, use_columns=keep
        )
    frame = pl.from_arrow(batch)
    assert isinstance(frame, pl.DataFrame)
    if frame.width == 0:
        return SheetGrid(name, visible, _blank_grid())
    mapping = dict(zip(frame.columns, absolute[-frame.width :], strict=True))
    width = max(mapping.values()) + 1
    present = {f"c{a}": pl.col(src).cast(pl.Utf8) for src, a in mapping.items()}
    cols = [present.get(f"c{i}", pl.lit(None, dtype=pl.Utf8)).alias(f"c{i}") for i in range(width)]
    row_number = pl.int_range(1, pl.len() + 1, dtype=pl.Int32).alias("excel_row")
    cells = frame.select([*cols, row_number])
    return SheetGrid(name, visible, cells)


def _finish(cells: pl.DataFrame) -> pl.DataFrame:
    return cells.with_columns(pl.col("excel_row").cast(pl.Int32)).select(
        [c for c in cells.columns if c != "excel_row"] + ["excel_row"]
    )


def _blank_grid() -> pl.DataFrame:
    return pl.DataFrame(schema={"excel_row": pl.Int32})


def _is_blank(cells: pl.DataFrame) -> bool:
    """No cell with a visible character (stops at the first column that has one)."""
    cols = [c for c in cells.columns if c != "excel_row"]
    if not cols or cells.height == 0:
        return True
    return not any(cells[c].str.contains(r"\S").any() for c in cols)


# --- CSV --------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (what Excel/WPS save)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise _not_spreadsheet("bytes are neither UTF-8 nor GB18030 text") from exc


def _read_text(data: bytes, name: str) -> SheetGrid:
    sniff = data[:_SNIFF_BYTES]
    if sniff.startswith(_OTHER_BINARY_MAGIC) or (
        b"\x00" in sniff and not sniff.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    ):
        raise _not_spreadsheet("binary content")
    text = decode_text(data)
    lead = text.lstrip()[:200].lower()
    if lead.startswith(("<!doctype html", "<html", "<?xml", "<table")):
        raise _not_spreadsheet("an HTML/XML document saved with a spreadsheet name")
    return SheetGrid(Path(name).stem or "csv", True, parse_csv_text(text))


def parse_csv_text(text: str) -> pl.DataFrame:
    """CSV text -> grid; ``excel_row`` is the record number, as Excel shows the file."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return _blank_grid()
    sample = text[:_SNIFF_BYTES]
    delimiter = _sniff_delimiter(sample)
    # Title lines have one field, the header many: polars takes the width from the first
    # line, so give it the widest record of the sample (csv module, C speed) explicitly.
    width = max((len(r) for r in csv.reader(io.StringIO(sample), delimiter=delimiter)), default=1)
    width = max(width, 1)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    body = "\n".join(lines) + "\n"
    try:
        frame = pl.read_csv(
            io.BytesIO(body.encode("utf-8")),
            has_header=False,
            separator=delimiter,
            schema={f"c{i}": pl.Utf8 for i in range(width)},
            missing_columns="insert",
            truncate_ragged_lines=True,
            quote_char='"',
            infer_schema=False,
        )
    except pl.exceptions.ComputeError:
        # polars refuses a quote inside an unquoted field (张三说"不同意") or a quote that
        # never closes; Excel opens both, and so does the csv module (found by fuzzing).
        frame = _parse_csv_lenient(body, delimiter, width)
    # Excel opens a CSV with a quoted multi-line field ("受理\n日期") as one row, so the
    # row the coordinator sees is the record number, not the physical line number.
    frame = frame.with_row_index("excel_row", offset=1)
    # An empty CSV field is an empty cell, as in Excel.
    frame = frame.with_columns(
        [
            pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c)
            for c in frame.columns
            if c != "excel_row"
        ]
    )
    return _finish(frame)


def _parse_csv_lenient(body: str, delimiter: str, width: int) -> pl.DataFrame:
    """As Excel reads a CSV polars will not: stray quotes kept as text, an unclosed quote
    running to the end; records wider than ``width`` cut, as polars would."""
    records = list(csv.reader(io.StringIO(body), delimiter=delimiter, strict=False))
    columns = [f"c{i}" for i in range(width)]
    rows = [(r + [None] * width)[:width] if len(r) != width else r for r in records]
    return pl.DataFrame(rows, schema={c: pl.Utf8 for c in columns}, orient="row")


def _sniff_delimiter(sample: str) -> str:
    first_lines = sample.split("\n", 20)[:20]
    counts = {d: sum(line.count(d) for line in first_lines) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","
