from django.core.management.base import BaseCommand

from portal.demo import demo_load


class Command(BaseCommand):
    help = "载入演示数据（虚构的街道、小区、企业与账号）；可重复运行，结果不变。"

    def handle(self, *args, **options):
        demo_load()
        self.stdout.write(self.style.SUCCESS("演示数据已载入。"))
