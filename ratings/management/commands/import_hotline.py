from ratings.management.commands._monthly import MonthlyImportCommand
from ratings.services.scores import hotline_header_check, hotline_import


class Command(MonthlyImportCommand):
    help = "导入一个月的12345 诉求数据（CSV UTF-8 或 XLSX），全部成功或全部不写入。"
    service = staticmethod(hotline_import)
    header_check = staticmethod(hotline_header_check)
