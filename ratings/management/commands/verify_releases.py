from django.core.management.base import BaseCommand, CommandError

from ratings.models import Release
from ratings.services.publication import releases_head, releases_verify


class Command(BaseCommand):
    help = (
        "逐一核对所有发布版本：摘要与链接、页面展示的每一列和每一行、季度页面是否在线；"
        "打印链头摘要以便在别处公布。发现问题时列出并以非零状态退出。"
    )

    def handle(self, *args, **options):
        problems = releases_verify()
        head = releases_head()
        if head is not None:
            # Published elsewhere too (a notice, a newspaper), the head digest makes a truncated chain visible.
            self.stdout.write(f"链头：{head.quarter} v{head.version} (#{head.sequence}) {head.digest}")
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"发现 {len(problems)} 处问题，第一处：{problems[0]}")
        self.stdout.write(f"全部 {Release.objects.count()} 个发布版本的摘要、链接、数据行与页面均一致。")
