"""Imports through the admin (SPEC §9): preview what would change, keep the file, then confirm.

The uploaded bytes are kept in an `ImportBatch` between the preview and the confirmation, so the
import that runs is exactly the file that was previewed. Both steps call the same services as the
`import_*` commands; the preview runs them with `dry_run=True` (a rolled-back transaction).
"""

import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from core.errors import BatchAlreadyApplied, FileRefused, ImportRefused, hidden_rows_note
from core.importing import UNCHANGED, ImportReport, busy_database_message, import_transaction
from core.tabular import read_table
from core.tabular_templates import csv_template, xlsx_template
from ratings.models import ImportBatch
from ratings.services.scores import (
    HOTLINE_TEMPLATE_COLUMNS,
    hotline_header_check,
    hotline_import,
    scores_header_check,
    scores_import,
    scores_template_columns,
)
from registry.services import (
    REGISTRY_COLUMN_ORDER,
    REGISTRY_TEXT_COLUMNS,
    registry_header_check,
    registry_import,
)

PREVIEW_CHANGES_SHOWN = 200
MONTHLY_KINDS = {"scores", "hotline"}
TEMPLATE_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
TEMPLATE_NAMES = {"registry": "登记册", "scores": "月度考核得分", "hotline": "12345诉求数据"}


@dataclass
class Preview:
    """What an import would do, or why it cannot be done."""

    report: ImportReport | None = None
    message: str = ""  # file-level refusal
    row_errors: list[str] = field(default_factory=list)  # "第 N 行：原因", every one
    row_errors_shown: list[str] = field(default_factory=list)  # those of the first bad rows
    bad_rows: int = 0  # how many rows are bad
    bad_rows_hidden: int = 0  # bad rows not shown (settings.PORTAL_IMPORT_MAX_ERRORS_SHOWN)

    @property
    def refused(self) -> bool:
        return self.report is None

    @property
    def changes_shown(self) -> list[str]:
        return self.report.changes[:PREVIEW_CHANGES_SHOWN] if self.report else []

    @property
    def changes_hidden(self) -> int:
        return max(0, len(self.report.changes) - PREVIEW_CHANGES_SHOWN) if self.report else 0

    @property
    def rows_to_write(self) -> list:
        """The rows the import would create or change; unchanged rows are only counted."""
        if not self.report:
            return []
        return [p for p in self.report.previews if p.action != UNCHANGED]

    @property
    def counts(self) -> dict[str, int]:
        return self.report.preview_counts() if self.report else {}

    @property
    def bad_rows_note(self) -> str:
        return hidden_rows_note(self.bad_rows_hidden) if self.bad_rows_hidden else ""

    @classmethod
    def refusal(cls, exc: ImportRefused) -> "Preview":
        shown, hidden = exc.shown()
        return cls(
            message=exc.message,
            row_errors=[e.for_people for e in exc.errors],
            row_errors_shown=[e.for_people for e in shown],
            bad_rows=exc.bad_rows,
            bad_rows_hidden=hidden,
        )


def _run(*, kind: str, month: str, data: bytes, filename: str, user, dry_run: bool) -> ImportReport:
    table = read_table(
        data,
        filename=filename,
        max_bytes=settings.PORTAL_IMPORT_MAX_BYTES,
        max_uncompressed=settings.PORTAL_XLSX_MAX_UNCOMPRESSED_BYTES,
        max_rows=settings.PORTAL_IMPORT_MAX_ROWS,
        max_columns=settings.PORTAL_IMPORT_MAX_COLUMNS,
        check_header=_header_check(kind, month),
    )
    if kind == "registry":
        return registry_import(table=table, user=user, dry_run=dry_run)
    service = {"scores": scores_import, "hotline": hotline_import}[kind]
    return service(table=table, month=month, user=user, dry_run=dry_run)


def _header_check(kind: str, month: str):
    """The check of the file's header, run before any of its rows is read."""
    if kind == "registry":
        return registry_header_check
    header_check = {
        "scores": scores_header_check,
        "hotline": hotline_header_check,
    }[kind]
    return lambda header: header_check(month)(header)


def import_preview(*, kind: str, month: str, data: bytes, filename: str, user) -> Preview:
    """Run the import as a dry run: nothing is written, whatever the outcome."""
    try:
        return Preview(
            report=_run(kind=kind, month=month, data=data, filename=filename, user=user, dry_run=True)
        )
    except FileRefused as exc:
        return Preview(message=str(exc))
    except ImportRefused as exc:
        return Preview.refusal(exc)
    except OperationalError as exc:  # the dry run's transaction was rolled back
        return Preview(message=busy_database_message(exc))


def import_batch_create(*, kind: str, month: str, data: bytes, filename: str, user) -> ImportBatch:
    """Keep an uploaded file until its import is confirmed."""
    return ImportBatch.objects.create(
        kind=kind,
        month=month if kind in MONTHLY_KINDS else "",
        filename=filename[:200],
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=user,
    )


def import_batch_preview(*, batch: ImportBatch, user) -> Preview:
    return import_preview(
        kind=batch.kind, month=batch.month, data=bytes(batch.data), filename=batch.filename, user=user
    )


def import_batch_apply(*, batch: ImportBatch, user) -> ImportReport:
    """Import a previewed batch for real, once (SPEC §9). Refusals leave the batch unapplied.

    The batch is claimed with a conditional update inside the import's transaction, so two
    confirmations racing each other cannot both import it.
    """
    try:
        with import_transaction():
            claimed = ImportBatch.objects.filter(pk=batch.pk, applied_at__isnull=True).update(
                applied_at=timezone.now()
            )
            if not claimed:
                raise BatchAlreadyApplied
            report = _run(
                kind=batch.kind,
                month=batch.month,
                data=bytes(batch.data),
                filename=batch.filename,
                user=user,
                dry_run=False,
            )
            ImportBatch.objects.filter(pk=batch.pk).update(summary=report.summary())
    except OperationalError as exc:
        # Rolled back, the claim with it: the batch may be confirmed again later.
        raise ImportRefused(message=busy_database_message(exc)) from None
    batch.refresh_from_db(fields=["applied_at", "summary"])
    return report


def import_template(*, kind: str, month: str, fmt: str) -> tuple[bytes, str]:
    """A blank file of one import (its header row: exactly the columns the importer accepts,
    SPEC §9) and its file name. Scores take the criteria of the month's scheme; ImportRefused
    when no scheme applies."""
    if kind == "registry":
        columns, text_columns, name = list(REGISTRY_COLUMN_ORDER), REGISTRY_TEXT_COLUMNS, "登记册导入模板"
    else:
        columns = scores_template_columns(month) if kind == "scores" else HOTLINE_TEMPLATE_COLUMNS
        text_columns, name = ("estate_code",), f"{TEMPLATE_NAMES[kind]}导入模板-{month}"
    if fmt == "csv":
        return csv_template(columns), f"{name}.csv"
    return xlsx_template(columns, text_columns=text_columns, sheet_title=TEMPLATE_NAMES[kind]), f"{name}.xlsx"
