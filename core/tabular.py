"""Reading import files (SPEC §9): CSV in UTF-8 (with or without BOM) or XLSX, checked by content.

Everything here turns a file into a header and numbered rows of stripped strings, or refuses the
file as a whole with a message in Chinese. Row numbers are as a spreadsheet shows them: the
header is row 1.

Rows are read one at a time and the reading stops as soon as the file breaks a cap, so a small
file that claims a huge sheet (or holds one far cell) is refused in little time and memory: the
header comes first (and may be checked by the caller before any data row is read), then at most
`max_rows` rows of data in at most `max_columns` columns. Blank rows and trailing blank cells are
what spreadsheets leave behind; they do not count.
"""

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from core.errors import FileRefused

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls (and other OLE files)
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_UNCOMPRESSED = 200 * 1024 * 1024
DEFAULT_MAX_ROWS = 50_000  # rows of data, the header not counted
DEFAULT_MAX_COLUMNS = 50
SHEET_MAX_ROWS = 1_048_576  # the most rows an Excel worksheet can have
BLANK_ROWS_PAST_THE_CAP = 1_000  # blank (formatted) rows tolerated after the last allowed row


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]  # (spreadsheet row number, column -> text)


def read_table(
    data: bytes,
    *,
    filename: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_columns: int = DEFAULT_MAX_COLUMNS,
    check_header: Callable[[tuple[str, ...]], None] | None = None,
) -> Table:
    """Read CSV or XLSX bytes into a Table. The kind is decided by content; the name must agree.

    `check_header(header)` runs as soon as the header is read, before any data row: it may raise
    (FileRefused, or the caller's own refusal) to refuse unknown or missing columns early.
    """
    caps = _Caps(max_rows=max_rows, max_columns=max_columns, check_header=check_header)
    if len(data) > max_bytes:
        raise FileRefused(f"文件过大（{len(data) // 1024} KB），上限为 {max_bytes // 1024} KB")
    if not data.strip():
        raise FileRefused("文件是空的")
    suffix = Path(filename).suffix.lower()
    if data.startswith(OLE_MAGIC):
        raise FileRefused("这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 UTF-8 编码的 CSV")
    if data.startswith(XLSX_MAGIC):
        if suffix not in {".xlsx", ""}:
            raise FileRefused(f"文件内容是 Excel 工作簿，但文件名是“{filename}”，请使用 .xlsx 扩展名")
        return _read_xlsx(data, max_uncompressed=max_uncompressed, caps=caps)
    if suffix == ".xlsx":
        raise FileRefused("文件扩展名是 .xlsx，但内容不是 Excel 工作簿")
    if suffix not in {".csv", ".txt", ""}:
        raise FileRefused(f"不支持的文件类型“{suffix}”：请上传 .csv（UTF-8 编码）或 .xlsx 文件")
    return _read_csv(data, caps=caps)


@dataclass(frozen=True)
class _Caps:
    max_rows: int
    max_columns: int
    check_header: Callable[[tuple[str, ...]], None] | None


def _decode_csv(data: bytes) -> str:
    if b"\x00" in data:
        raise FileRefused("文件含有二进制内容，不是 CSV 文本文件（UTF-16 编码的文件请另存为 UTF-8）")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        raise FileRefused(
            "文件不是 UTF-8 编码，无法读取：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”"
        ) from None
    raise FileRefused(
        "文件是 GBK（GB18030）编码，本系统只接受 UTF-8 编码的 CSV："
        "请在 Excel 中选择“另存为 → CSV UTF-8（逗号分隔）”后重新导入"
    )


def _read_csv(data: bytes, *, caps: _Caps) -> Table:
    text = _decode_csv(data)
    try:
        return _table_from_records(csv.reader(io.StringIO(text, newline="")), caps=caps, convert=str)
    except csv.Error as exc:
        raise FileRefused(f"CSV 格式有误：{exc}") from None


def _read_xlsx(data: bytes, *, max_uncompressed: int, caps: _Caps) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        uncompressed = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise FileRefused("Excel 文件已损坏，无法打开") from None
    if uncompressed > max_uncompressed:
        raise FileRefused(
            f"Excel 文件解压后过大（{uncompressed // (1024 * 1024)} MB），已拒绝：可能是损坏或恶意文件"
        )
    if "xl/workbook.xml" not in archive.namelist():
        raise FileRefused("文件不是 Excel 工作簿（.xlsx）")

    # openpyxl parses with defusedxml when it is installed (it is: requirements.txt).
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds; all mean "cannot read this workbook"
        raise FileRefused(f"Excel 文件无法读取：{type(exc).__name__}") from None
    try:
        sheet = workbook.worksheets[0]
        # The <dimension> a file declares is not to be trusted: "A1:XFD1048576" would make openpyxl
        # pad every row to 16,384 cells and yield 1,048,576 rows. Without it each row is as wide as
        # its last cell, and missing rows cost next to nothing.
        sheet.reset_dimensions()
        return _table_from_records(_parsed(sheet.iter_rows(values_only=True)), caps=caps, convert=_cell_text)
    finally:
        workbook.close()


def _parsed(rows: Iterable[Sequence]):
    """The sheet's rows; a broken sheet shows itself only while they are parsed."""
    iterator = iter(rows)
    while True:
        try:
            row = next(iterator)
        except StopIteration:
            return
        except Exception as exc:  # openpyxl raises many kinds; all mean "cannot read this workbook"
            raise FileRefused(f"Excel 文件无法读取：{type(exc).__name__}") from None
        yield row


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        # Excel stores every number as a float: 1200 -> "1200", 12.3 -> "12.3".
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _used_width(record: Sequence) -> int:
    """How many cells the record has up to its last non-blank one."""
    width = len(record)
    while width and _blank(record[width - 1]):
        width -= 1
    return width


def _table_from_records(records: Iterable[Sequence], *, caps: _Caps, convert: Callable) -> Table:
    """Header, then numbered rows of stripped text; refused as soon as a cap is broken."""
    numbered = _within_sheet(enumerate(records, start=1))
    first = next(numbered, None)
    if first is None:
        raise FileRefused("文件是空的")
    record = first[1]
    header = [convert(c).strip().lstrip("\ufeff").lower() for c in record[: _used_width(record)]]
    if not header:
        raise FileRefused("第 1 行应为列名（表头），但第 1 行是空的")
    if len(header) > caps.max_columns:
        raise FileRefused(f"表头有 {len(header)} 列，最多 {caps.max_columns} 列：请删去多余的列")
    seen: set[str] = set()
    for name in header:
        if not name:
            raise FileRefused("表头中有空白的列名")
        if name in seen:
            raise FileRefused(f"表头中列名“{name}”出现了不止一次")
        seen.add(name)
    if caps.check_header:
        caps.check_header(tuple(header))

    last_allowed = caps.max_rows + 1
    blank_past_the_cap = 0
    rows = []
    for number, record in numbered:
        width = _used_width(record)
        if not width:
            if number > last_allowed and len(record):
                blank_past_the_cap += 1
                if blank_past_the_cap > BLANK_ROWS_PAST_THE_CAP:
                    raise FileRefused(
                        f"文件最多 {caps.max_rows} 行数据（不含表头），但第 {last_allowed} 行之后还有"
                        f"大量（带格式的）空行：请删去多余的行后重新导入"
                    )
            continue
        if number > last_allowed:
            raise FileRefused(
                f"文件最多 {caps.max_rows} 行数据（不含表头），第 {number} 行仍有内容："
                "请删去多余的行，或分成几个文件导入"
            )
        cells = [convert(c).strip() for c in record[: min(width, len(header))]]
        values = {"__extra__": "该行的数据比表头多"} if width > len(header) else {}
        cells += [""] * (len(header) - len(cells))
        values.update(zip(header, cells, strict=True))
        rows.append((number, values))
    return Table(header=tuple(header), rows=tuple(rows))


def _within_sheet(numbered):
    for number, record in numbered:
        if number > SHEET_MAX_ROWS:
            raise FileRefused(f"文件超过 {SHEET_MAX_ROWS} 行（Excel 工作表的上限），无法导入：文件可能已损坏")
        yield number, record


def check_columns(table: Table, *, required: set[str], optional: set[str] = frozenset()) -> None:
    """Refuse unknown and missing columns by name (SPEC §9: order free, unknown columns refused)."""
    check_header(table.header, required=required, optional=optional)


def check_header(header: Sequence[str], *, required: set[str], optional: set[str] = frozenset()) -> None:
    """`check_columns` for a header alone: usable as `read_table(check_header=...)`."""
    columns = set(header)
    unknown = [c for c in header if c not in required | optional]
    missing = sorted(required - columns)
    problems = []
    if unknown:
        problems.append("未知的列：" + "、".join(unknown))
    if missing:
        problems.append("缺少必需的列：" + "、".join(missing))
    if problems:
        raise FileRefused("；".join(problems))
