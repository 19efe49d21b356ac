"""Shared by the import commands: read a file, run a service, report like SPEC §9 says."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import OperationalError

from core.errors import FileRefused, ImportRefused
from core.importing import busy_database_message, import_transaction
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
