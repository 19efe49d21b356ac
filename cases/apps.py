from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "三微案例"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cases import sections, signals

        signals.connect()
        sections.sections_register()
