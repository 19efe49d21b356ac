"""Shared by the import commands: read a file, run a service, report like SPEC §9 says."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from core.errors import FileRefused, ImportRefused
from core.importing import busy_database_message, import_transaction, parse_month
from core.tabular import read_table


def read_file_table(path: str, *, check_header=None):
    """The file's table, its header checked (`check_header`) before any row is read."""
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"文件不存在：{path}")
    try:
        return read_table(
            file.read_bytes(),
            filename=file.name,
            max_bytes=settings.PORTAL_IMPORT_MAX_BYTES,
            max_uncompressed=settings.PORTAL_XLSX_MAX_UNCOMPRESSED_BYTES,
            max_rows=settings.PORTAL_IMPORT_MAX_ROWS,
            max_columns=settings.PORTAL_IMPORT_MAX_COLUMNS,
            check_header=check_header,
        )
    except FileRefused as exc:
        raise CommandError(f"{file.name}: {exc}") from None


def run_import(command, service, *, path: str, dry_run: bool, header_check=None, **kwargs):
    """Run an import service; on refusal print the bad rows to stderr and exit non-zero.

    `header_check(header)` refuses a wrong header before the rows are read.
    """
    try:
        table = read_file_table(path, check_header=header_check)
        if dry_run:
            report = service(table=table, dry_run=True, **kwargs)
        else:
            with import_transaction():
                report = service(table=table, dry_run=False, **kwargs)
    except FileRefused as exc:
        raise CommandError(f"导入被拒绝，未写入任何数据：{exc}") from None
    except ImportRefused as exc:
        for line in exc.lines():
            command.stderr.write(line)
        raise CommandError(
            f"导入被拒绝：{exc.bad_rows} 行有错误，未写入任何数据"
            if exc.errors
            else "导入被拒绝，未写入任何数据"
        ) from None
    except OperationalError as exc:
        # The import's transaction was rolled back: say so, not a traceback.
        raise CommandError(busy_database_message(exc)) from None
    for change in report.changes:
        command.stdout.write(f"  {change}")
    command.stdout.write(("预览（未写入）：" if dry_run else "导入完成：") + report.summary())
    return report


class MonthlyImportCommand(BaseCommand):
    """`import_scores` and `import_hotline`: FILE --month YYYY-MM [--dry-run]."""

    service = None  # set by subclasses: scores_import or hotline_import
    header_check = None  # set by subclasses: scores_header_check or hotline_header_check

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--month", required=True, help="月份，如 2025-01")
        parser.add_argument("--dry-run", action="store_true", help="只预览将发生的变化，不写入")

    def handle(self, *args, file, month, dry_run, **options):
        try:
            month = parse_month(month)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        run_import(
            self,
            self.service,
            path=file,
            dry_run=dry_run,
            month=month,
            header_check=(lambda header: self.header_check(month)(header)) if self.header_check else None,
        )
