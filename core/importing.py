"""The contract every import keeps (SPEC §9): validate every row first, name each bad row by its
spreadsheet row number and reason, and write nothing unless every row is good."""

import datetime as dt
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, localcontext

from core.errors import ImportRefused, RowError, RowProblem

DB_INT_MAX = 2_147_483_647  # the largest (Positive)IntegerField value every database holds
MAX_NUMBER_LENGTH = 30  # characters in a number cell; no figure of the imports needs more
PLAIN_NUMBER_RE = re.compile(r"[0-9]+(\.[0-9]+)?", re.ASCII)


IMPORT_LOCK_KEY = 0x5247_494D  # "RGIM": the advisory lock that lets one import write at a time


@contextmanager
def import_transaction():
    """The transaction of one import that writes, taken one at a time.

    On PostgreSQL a transaction-level advisory lock queues concurrent imports, so each validates
    and writes against what the previous one committed (two registries adding the same street
    would otherwise collide on its unique name). SQLite has one writer at a time anyway: with
    `transaction_mode=IMMEDIATE` (settings) the transaction waits for the write lock when it
    starts, up to the busy timeout, and gives up with OperationalError ("database is locked").
    """
    from django.db import connection, transaction

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])
        yield


def busy_database_message(exc: Exception) -> str:
    """What to tell people when the database refused the import's transaction (it was rolled back).

    SQLite allows one writer at a time: a writer waits for the others (settings: the busy timeout)
    and gives up with "database is locked" when they take too long.
    """
    text = str(exc).lower()
    if any(word in text for word in ("locked", "busy", "deadlock", "serializ", "could not obtain lock")):
        return "数据库正忙（另一项导入或操作正在写入数据），本次导入未写入任何数据：请稍后重试"
    return f"数据库暂时无法完成导入（{exc}），未写入任何数据：请稍后重试"


NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"


@dataclass
class RowValue:
    """One value of a row as the import writes it; `old` is what is stored now (None when new)."""

    new: str
    old: str | None = None

    @property
    def changed(self) -> bool:
        return self.old is not None and self.old != self.new


@dataclass
class RowPreview:
    """One row of a file as the import will write it (SPEC §9: the preview shows the values)."""

    code: str
    name: str
    action: str  # NEW, CHANGED or UNCHANGED
    values: list[RowValue]


def row_preview(*, code: str, name: str, new: list, old: list | None = None) -> RowPreview:
    """A row's preview from its values as written and as stored (aligned with the report's columns)."""
    new_text = [display_value(v) for v in new]
    if old is None:
        return RowPreview(code, name, NEW, [RowValue(v) for v in new_text])
    old_text = [display_value(v) for v in old]
    action = CHANGED if old_text != new_text else UNCHANGED
    return RowPreview(code, name, action, [RowValue(n, o) for n, o in zip(new_text, old_text, strict=True)])


def display_value(value) -> str:
    """A stored or imported value as people read it: blank for none, 是/否 for a flag."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


@dataclass
class ImportReport:
    """What an import did (or, in a preview, would do). `columns` and `previews` give each row's
    values as written (old → new for changes), for the admin's preview."""

    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: list[str] = field(default_factory=list)
    dry_run: bool = False
    columns: list[str] = field(default_factory=list)
    previews: list[RowPreview] = field(default_factory=list)

    def preview_counts(self) -> dict[str, int]:
        """Rows of the file that are new, changed and unchanged."""
        counts = dict.fromkeys((NEW, CHANGED, UNCHANGED), 0)
        for preview in self.previews:
            counts[preview.action] += 1
        return counts

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        verb = "将" if self.dry_run else "已"
        return (
            f"{self.rows} 行：{verb}新增 {self.created} 项，{verb}更新 {self.updated} 项，"
            f"{self.unchanged} 项无变化"
        )


class RowCollector:
    """Collects problems per row so that every bad row is reported, not just the first."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []

    def add(self, row: int, reason: str) -> None:
        self.errors.append(RowError(row, reason))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ImportRefused(self.errors)


def _number_text(text: str, *, label: str, minimum, kind: str = "数字（如 12 或 12.5）") -> tuple[str, bool]:
    """The plain decimal digits of a number cell, and whether it had a minus sign, or RowProblem.

    Only plain decimal notation is a number here: `12`, `12.5`. Full-width digits are normalised
    (NFKC); exponents, digit separators (`1,5` `1_0`), signs other than a minus, other scripts'
    digits and absurdly long numbers are bad rows, never guessed at.
    """
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        raise RowProblem(f"{label}不能为空")
    shown = text if len(text) <= 30 else text[:30] + "…"
    if len(text) > MAX_NUMBER_LENGTH:
        raise RowProblem(f"{label}位数过多（{len(text)} 个字符），不是有效的数值：“{shown}”")
    negative = text.startswith("-")
    digits = text[1:].strip() if negative else text
    if digits.startswith("+"):
        raise RowProblem(f"{label}不要加正负号，实际为“{text}”")
    if "," in digits:
        raise RowProblem(
            f"{label}不能含逗号（千位分隔符或小数逗号），请写成 1200 或 1.5 的形式，实际为“{text}”"
        )
    if not PLAIN_NUMBER_RE.fullmatch(digits):
        raise RowProblem(f"{label}应为{kind}，实际为“{shown}”")
    if negative and minimum is not None and minimum >= 0:
        raise RowProblem(f"{label}不能小于 {minimum}（不能为负数），实际为“{text}”")
    return digits, negative


def parse_int(text: str, *, label: str, minimum: int | None = 0, maximum: int | None = DB_INT_MAX) -> int:
    digits, negative = _number_text(text, label=label, minimum=minimum, kind="整数")
    # Excel sometimes writes whole numbers as 1200.0.
    whole, _, fraction = digits.partition(".")
    if fraction.strip("0"):
        raise RowProblem(f"{label}应为整数，实际为“{text.strip()}”")
    value = -int(whole) if negative else int(whole)
    value = value or 0  # never -0
    if minimum is not None and value < minimum:
        raise RowProblem(f"{label}不能小于 {minimum}，实际为 {value}")
    if maximum is not None and value > maximum:
        raise RowProblem(f"{label}不能大于 {maximum}，实际为 {value}")
    return value


def parse_decimal(
    text: str,
    *,
    label: str,
    places: int,
    minimum: Decimal | None = Decimal(0),
    maximum: Decimal | None = None,
) -> Decimal:
    digits, negative = _number_text(text, label=label, minimum=minimum)
    value = Decimal(digits)  # plain digits of bounded length: exact
    if negative:
        value = -value
    step = Decimal(1).scaleb(-places)
    with localcontext() as context:
        context.prec = 2 * MAX_NUMBER_LENGTH  # quantize never runs out of digits
        if value != value.quantize(step):
            raise RowProblem(f"{label}最多保留 {places} 位小数，实际为 {value}")
        if minimum is not None and value < minimum:
            raise RowProblem(f"{label}不能小于 {minimum}，实际为 {value}")
        if maximum is not None and value > maximum:
            raise RowProblem(f"{label}不能大于 {maximum}，实际为 {value}")
        return (value + 0).quantize(step)  # + 0: never -0.0


def parse_date(text: str, *, label: str) -> dt.date:
    text = text.strip()
    if not text:
        raise RowProblem(f"{label}不能为空")
    candidate = text.replace("/", "-").split("T")[0].split(" ")[0]
    try:
        return dt.date.fromisoformat(candidate)
    except ValueError:
        raise RowProblem(f"{label}应为日期（如 2024-01-01），实际为“{text}”") from None


def clean_text(text: str, *, label: str, column: str = "") -> str:
    """Whitespace runs (tabs, line breaks…) become one space; invisible control and format
    characters (BEL, ESC, U+202E right-to-left override, zero-width spaces…) are refused: they
    would reach public titles and pages as they are."""
    text = " ".join(text.split())
    for char in text:
        if unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn"}:
            where = f"{label}（{column}）" if column else label
            raise RowProblem(f"{where}含有不可见的控制字符（U+{ord(char):04X}），请在文件中删除后重新导入")
    return text


def required_text(text: str, *, label: str, max_length: int, column: str = "") -> str:
    text = clean_text(text, label=label, column=column)
    if not text:
        raise RowProblem(f"{label}不能为空")
    if len(text) > max_length:
        raise RowProblem(f"{label}不能超过 {max_length} 个字符")
    return text
