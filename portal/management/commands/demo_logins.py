from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from portal.demo import DEMO_LOGINS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "列出演示账号（只有载入演示数据后才存在）。"

    def handle(self, *args, **options):
        if not get_user_model().objects.filter(username="editor").exists():
            self.stdout.write("没有演示账号：先运行 manage.py load_demo。")
            return
        self.stdout.write("")
        self.stdout.write(
            f"阳光物业 · 演示账号（密码都是 {DEMO_PASSWORD}）  后台：{settings.PORTAL_BASE_URL}/admin/"
        )
        for username, role in DEMO_LOGINS:
            self.stdout.write(f"  {username:<15} {role}")
        self.stdout.write("")
