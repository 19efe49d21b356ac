from django.core.management.base import BaseCommand, CommandError

from ratings.importing import parse_month
from ratings.services.scores import hotline_import

from ._importing import run_import


class Command(BaseCommand):
    help = "导入一个月的12345 诉求数据（CSV UTF-8 或 XLSX），全部成功或全部不写入。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--month", required=True, help="月份，如 2025-01")
        parser.add_argument("--dry-run", action="store_true", help="只预览将发生的变化，不写入")

    def handle(self, *args, file, month, dry_run, **options):
        try:
            month = parse_month(month)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        run_import(self, hotline_import, path=file, dry_run=dry_run, month=month)
