from django.conf import settings
from django.core.management.base import BaseCommand

from portal.services import site_address_sync


class Command(BaseCommand):
    help = "把默认站点的主机名和端口设为 PORTAL_BASE_URL（站点地图、API 与分享卡片中的绝对网址由此生成）。"

    def handle(self, *args, **options):
        site = site_address_sync(base_url=settings.PORTAL_BASE_URL)
        self.stdout.write(f"默认站点地址：{site.root_url}/")
