from django.core.management.base import BaseCommand

from core.commands import run_import
from registry.services import registry_header_check, registry_import


class Command(BaseCommand):
    help = "导入小区与物业企业登记册，或服务合同历史（CSV UTF-8 或 XLSX），全部成功或全部不写入。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="只预览将发生的变化，不写入")

    def handle(self, *args, file, dry_run, **options):
        run_import(self, registry_import, path=file, dry_run=dry_run, header_check=registry_header_check)
