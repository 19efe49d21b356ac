"""The base of `import_scores` and `import_hotline`: FILE --month YYYY-MM [--dry-run]."""

from django.core.management.base import BaseCommand, CommandError

from core.commands import run_import
from ratings import engine


class MonthlyImportCommand(BaseCommand):
    """`import_scores` and `import_hotline`: FILE --month YYYY-MM [--dry-run]."""

    service = None  # set by subclasses: scores_import or hotline_import
    header_check = None  # set by subclasses: scores_header_check or hotline_header_check

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--month", required=True, help="月份，如 2025-01")
        parser.add_argument("--dry-run", action="store_true", help="只预览将发生的变化，不写入")

    def handle(self, *args, file, month, dry_run, **options):
        if not engine.is_month(month):
            raise CommandError(f"月份应为 YYYY-MM 格式，如 2025-01，实际为“{month}”")
        run_import(
            self,
            self.service,
            path=file,
            dry_run=dry_run,
            month=month,
            header_check=(lambda header: self.header_check(month)(header)) if self.header_check else None,
        )
