from ratings.management.commands._monthly import MonthlyImportCommand
from ratings.services.scores import scores_header_check, scores_import


class Command(MonthlyImportCommand):
    help = "导入一个月的考核得分（CSV UTF-8 或 XLSX），全部成功或全部不写入。"
    service = staticmethod(scores_import)
    header_check = staticmethod(scores_header_check)
