from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "ratings"
    verbose_name = "评级"
    default_auto_field = "django.db.models.BigAutoField"
