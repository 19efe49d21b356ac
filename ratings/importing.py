"""The contract every import keeps (SPEC §9): validate every row first, name each bad row by its
spreadsheet row number and reason, and write nothing unless every row is good."""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation


class RowProblem(ValueError):
    """One cell or row is wrong; the message is the reason, in Chinese."""


@dataclass(frozen=True)
class RowError:
    row: int
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.reason}"

    @property
    def for_people(self) -> str:
        return f"第 {self.row} 行：{self.reason}"


class ImportRefused(Exception):
    """The import was refused as a whole; nothing was written."""

    def __init__(self, errors: list[RowError] | None = None, *, message: str = ""):
        self.errors = sorted(errors or [], key=lambda e: e.row)
        self.message = message
        super().__init__(message or "\n".join(str(e) for e in self.errors))

    def lines(self) -> list[str]:
        return ([self.message] if self.message else []) + [str(e) for e in self.errors]


@dataclass
class ImportReport:
    """What an import did (or, in a preview, would do)."""

    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: list[str] = field(default_factory=list)
    dry_run: bool = False

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


def parse_int(text: str, *, label: str, minimum: int | None = 0, maximum: int | None = None) -> int:
    text = text.strip().replace(",", "")
    if not re.fullmatch(r"[+-]?\d+", text):
        # Excel sometimes writes whole numbers as 1200.0.
        if re.fullmatch(r"[+-]?\d+\.0+", text):
            text = text.split(".")[0]
        else:
            raise RowProblem(f"{label}应为整数，实际为“{text}”" if text else f"{label}不能为空")
    value = int(text)
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
    text = text.strip().replace(",", "")
    if not text:
        raise RowProblem(f"{label}不能为空")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise RowProblem(f"{label}应为数字，实际为“{text}”") from None
    if not value.is_finite():
        raise RowProblem(f"{label}应为数字，实际为“{text}”")
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise RowProblem(f"{label}最多保留 {places} 位小数，实际为 {text}")
    if minimum is not None and value < minimum:
        raise RowProblem(f"{label}不能小于 {minimum}，实际为 {text}")
    if maximum is not None and value > maximum:
        raise RowProblem(f"{label}不能大于 {maximum}，实际为 {text}")
    return value.quantize(Decimal(1).scaleb(-places))


def parse_date(text: str, *, label: str) -> dt.date:
    text = text.strip()
    if not text:
        raise RowProblem(f"{label}不能为空")
    candidate = text.replace("/", "-").split("T")[0].split(" ")[0]
    try:
        return dt.date.fromisoformat(candidate)
    except ValueError:
        raise RowProblem(f"{label}应为日期（如 2024-01-01），实际为“{text}”") from None


def parse_month(text: str) -> str:
    """'2025-01' (YYYY-MM) or ValueError."""
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text or ""):
        raise ValueError(f"月份应为 YYYY-MM 格式，如 2025-01，实际为“{text}”")
    return text


def required_text(text: str, *, label: str, max_length: int) -> str:
    text = " ".join(text.split())
    if not text:
        raise RowProblem(f"{label}不能为空")
    if len(text) > max_length:
        raise RowProblem(f"{label}不能超过 {max_length} 个字符")
    return text
