from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "三微案例"
