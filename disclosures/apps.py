from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    """信息公开 (SPEC §5): each estate's disclosure, kept by the firm that manages it today and
    approved by the editors."""

    name = "disclosures"
    verbose_name = "信息公开"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from disclosures import sections, signals

        signals.connect()
        sections.sections_register()
