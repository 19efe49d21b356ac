from django.core.management.base import BaseCommand, CommandError

from ratings.models import Release
from ratings.services.publication import releases_verify


class Command(BaseCommand):
    help = "逐一核对所有发布版本的摘要与链接；发现问题时列出并以非零状态退出。"

    def handle(self, *args, **options):
        problems = releases_verify()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"发现 {len(problems)} 处问题，第一处：{problems[0]}")
        self.stdout.write(f"全部 {Release.objects.count()} 个发布版本的摘要与链接均一致。")
