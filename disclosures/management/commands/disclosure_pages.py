"""Give every estate page its DisclosurePage (SPEC §5). New estate pages get theirs when they are
made; run this once on a database whose estate pages predate the disclosures app."""

from django.core.management.base import BaseCommand

from disclosures.services import disclosure_pages_ensure


class Command(BaseCommand):
    help = "为每个小区页面建立信息公开页面（已有的不变）"

    def handle(self, *args, **options):
        made = disclosure_pages_ensure()
        self.stdout.write(f"新建信息公开页面 {made} 个。")
