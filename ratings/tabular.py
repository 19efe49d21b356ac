"""Reading import files (SPEC §9): CSV in UTF-8 (with or without BOM) or XLSX, checked by content.

Everything here turns a file into a header and numbered rows of stripped strings, or refuses the
file as a whole with a message in Chinese. Row numbers are as a spreadsheet shows them: the
header is row 1.
"""

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls (and other OLE files)
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_UNCOMPRESSED = 200 * 1024 * 1024


class FileRefused(Exception):
    """The file as a whole cannot be read; the message says why, in Chinese."""


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
) -> Table:
    """Read CSV or XLSX bytes into a Table. The kind is decided by content; the name must agree."""
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
        return _read_xlsx(data, max_uncompressed=max_uncompressed)
    if suffix == ".xlsx":
        raise FileRefused("文件扩展名是 .xlsx，但内容不是 Excel 工作簿")
    if suffix not in {".csv", ".txt", ""}:
        raise FileRefused(f"不支持的文件类型“{suffix}”：请上传 .csv（UTF-8 编码）或 .xlsx 文件")
    return _read_csv(data)


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


def _read_csv(data: bytes) -> Table:
    text = _decode_csv(data)
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise FileRefused(f"CSV 格式有误：{exc}") from None
    return _table_from_records(records)


def _read_xlsx(data: bytes, *, max_uncompressed: int) -> Table:
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
        records = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return _table_from_records(records)


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


def _table_from_records(records: list[list[str]]) -> Table:
    # Trailing blank rows and blank columns are what spreadsheets leave behind; ignore them.
    while records and not any(str(c).strip() for c in records[-1]):
        records.pop()
    if not records:
        raise FileRefused("文件是空的")
    header = [str(c).strip().lstrip("\ufeff").lower() for c in records[0]]
    while header and not header[-1]:
        header.pop()
    if not header:
        raise FileRefused("第 1 行应为列名（表头）")
    seen: set[str] = set()
    for name in header:
        if not name:
            raise FileRefused("表头中有空白的列名")
        if name in seen:
            raise FileRefused(f"表头中列名“{name}”出现了不止一次")
        seen.add(name)
    rows = []
    for number, record in enumerate(records[1:], start=2):
        cells = [str(c).strip() for c in record]
        if not any(cells):
            continue
        values = {"__extra__": "该行的数据比表头多"} if any(cells[len(header) :]) else {}
        cells += [""] * (len(header) - len(cells))
        values.update(zip(header, cells, strict=False))
        rows.append((number, values))
    return Table(header=tuple(header), rows=tuple(rows))


def check_columns(table: Table, *, required: set[str], optional: set[str] = frozenset()) -> None:
    """Refuse unknown and missing columns by name (SPEC §9: order free, unknown columns refused)."""
    columns = set(table.header)
    unknown = [c for c in table.header if c not in required | optional]
    missing = sorted(required - columns)
    problems = []
    if unknown:
        problems.append("未知的列：" + "、".join(unknown))
    if missing:
        problems.append("缺少必需的列：" + "、".join(missing))
    if problems:
        raise FileRefused("；".join(problems))
