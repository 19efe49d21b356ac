from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "门户"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal import signals

        signals.connect()
