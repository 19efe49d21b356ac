from django.apps import AppConfig

LOG_ACTIONS = [
    ("ratings.compute", "计算季度评级", "计算季度评级（暂定）"),
    ("ratings.freeze", "提交审批（冻结）", "提交考评委员会审批，冻结计算结果"),
    ("ratings.release", "发布评级", "发布季度评级版本"),
    ("ratings.correction", "发起更正", "发起已发布季度的更正"),
    ("ratings.appeal.submit", "提交申诉", "物业企业提交得分申诉"),
    ("ratings.appeal.decide", "处理申诉", "编辑处理得分申诉"),
    ("ratings.score.change", "更正得分", "更正月度考核得分"),
]


class RatingsConfig(AppConfig):
    name = "ratings"
    verbose_name = "评级"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ratings import sections, signals

        signals.connect()
        sections.sections_register()
